// Reads the facts SEFAZ's document-only rules need (src/fiscal/nfe-rules/) from a signed NFe, as an
// xmldom tree: the simulator has that tree already (it verifies the signature on it), the gateway
// parses its own signed XML once before sending.
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import type { NfeRuleFacts, PartyId, Place } from '../fiscal/nfe-rules';

function child(el: Element | undefined, name: string): Element | undefined {
  for (let c = el?.firstChild; c; c = c.nextSibling) if (c.nodeType === c.ELEMENT_NODE && (c as Element).localName === name) return c as Element;
  return undefined;
}

function children(el: Element | undefined, name: string): Element[] {
  const out: Element[] = [];
  for (let c = el?.firstChild; c; c = c.nextSibling) if (c.nodeType === c.ELEMENT_NODE && (c as Element).localName === name) out.push(c as Element);
  return out;
}

function text(el: Element | undefined, name: string): string | undefined {
  return child(el, name)?.textContent ?? undefined;
}

function partyId(el: Element): PartyId {
  const cnpj = text(el, 'CNPJ');
  const cpf = text(el, 'CPF');
  return { ...(cnpj !== undefined && { cnpj }), ...(cpf !== undefined && { cpf }) };
}

/** A party with its address: fields directly in `el` (retirada, entrega) or in its `ender` child. */
function place(el: Element | undefined, ender?: string): Place | undefined {
  if (!el) return undefined;
  const address = ender ? child(el, ender) : el;
  const uf = text(address, 'UF');
  const cMun = text(address, 'cMun');
  return { ...partyId(el), ...(uf !== undefined && { uf }), ...(cMun !== undefined && { cMun }) };
}

export function nfeRuleFacts(doc: Document): NfeRuleFacts {
  const nfe = doc.documentElement?.localName === 'NFe' ? doc.documentElement : undefined;
  const inf = child(nfe, 'infNFe');
  const ide = child(inf, 'ide');
  const emit = child(inf, 'emit');
  const dest = child(inf, 'dest');
  const transporta = child(child(inf, 'transp'), 'transporta');
  const pag = child(inf, 'pag');
  const t = (el: Element | undefined, name: string) => text(el, name) ?? '';
  const opt = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;
  return {
    mod: t(ide, 'mod'), cUF: t(ide, 'cUF'), tpEmis: t(ide, 'tpEmis'), finNFe: t(ide, 'finNFe'), dhEmi: t(ide, 'dhEmi'),
    ...opt('dhSaiEnt', text(ide, 'dhSaiEnt')),
    cMunFG: t(ide, 'cMunFG'),
    emit: { ...(emit ? place(emit, 'enderEmit') : {}), ie: t(emit, 'IE') },
    ...(dest && { dest: { ...place(dest, 'enderDest'), ...opt('idEstrangeiro', text(dest, 'idEstrangeiro')), ...opt('ie', text(dest, 'IE')), ...opt('indIEDest', text(dest, 'indIEDest')) } }),
    ...(child(inf, 'retirada') && { retirada: place(child(inf, 'retirada')) }),
    ...(child(inf, 'entrega') && { entrega: place(child(inf, 'entrega')) }),
    autXml: children(inf, 'autXML').map(partyId),
    ...(transporta && { transporta: { ...partyId(transporta), ...opt('ie', text(transporta, 'IE')), ...opt('uf', text(transporta, 'UF')) } }),
    vPag: children(pag, 'detPag').map((d) => t(d, 'vPag')),
    ...opt('vTroco', text(pag, 'vTroco')),
    vNF: t(child(child(inf, 'total'), 'ICMSTot'), 'vNF'),
  };
}

/** The same facts from the signed NFe text (the gateway's pre-check). */
export function nfeRuleFactsOf(signedXml: string): NfeRuleFacts {
  return nfeRuleFacts(new DOMParser().parseFromString(signedXml, 'text/xml'));
}
