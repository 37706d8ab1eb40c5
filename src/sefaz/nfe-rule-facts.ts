// Reads the facts SEFAZ's document-only rules need (src/fiscal/nfe-rules/) from a signed NFe. One
// reader over a minimal element view, with two views: the simulator's xmldom tree (it has it already:
// it verifies the signature on it) and, for the gateway's pre-check, the order-preserving tree of
// xml/parse — a tenth of a millisecond for a one-item NF-e, where an xmldom parse of the same text
// cost 0.7 ms (docs/performance.md, issue 14).
import type { Document, Element } from '@xmldom/xmldom';
import type { NfeRuleFacts, PartyId, Place } from '../fiscal/nfe-rules';
import { parseXmlOrdered, type OrderedNode } from '../xml/parse';
import { kidsOf, localName, tagOf, textOf } from '../xml/ordered';

/** An element: its children with a local name (exact, as SEFAZ spells it), and its text. */
interface ElementView {
  children(name: string): ElementView[];
  text(): string;
}

function domView(el: Element): ElementView {
  return {
    children: (name) => {
      const out: ElementView[] = [];
      for (let c = el.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === c.ELEMENT_NODE && (c as Element).localName === name) out.push(domView(c as Element));
      }
      return out;
    },
    text: () => el.textContent ?? '',
  };
}

function orderedView(node: OrderedNode): ElementView {
  const kids = kidsOf(node);
  return {
    children: (name) => kids.filter((k) => {
      const tag = tagOf(k);
      return tag !== undefined && localName(tag) === name;
    }).map(orderedView),
    text: () => textOf(kids),
  };
}

function child(el: ElementView | undefined, name: string): ElementView | undefined {
  return el?.children(name)[0];
}

function text(el: ElementView | undefined, name: string): string | undefined {
  return child(el, name)?.text();
}

function partyId(el: ElementView): PartyId {
  const cnpj = text(el, 'CNPJ');
  const cpf = text(el, 'CPF');
  return { ...(cnpj !== undefined && { cnpj }), ...(cpf !== undefined && { cpf }) };
}

/** A party with its address: fields directly in `el` (retirada, entrega) or in its `ender` child. */
function place(el: ElementView | undefined, ender?: string): Place | undefined {
  if (!el) return undefined;
  const address = ender ? child(el, ender) : el;
  const uf = text(address, 'UF');
  const cMun = text(address, 'cMun');
  return { ...partyId(el), ...(uf !== undefined && { uf }), ...(cMun !== undefined && { cMun }) };
}

function factsOf(nfe: ElementView | undefined): NfeRuleFacts {
  const inf = child(nfe, 'infNFe');
  const ide = child(inf, 'ide');
  const emit = child(inf, 'emit');
  const dest = child(inf, 'dest');
  const transporta = child(child(inf, 'transp'), 'transporta');
  const pag = child(inf, 'pag');
  const t = (el: ElementView | undefined, name: string) => text(el, name) ?? '';
  const opt = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;
  return {
    mod: t(ide, 'mod'), cUF: t(ide, 'cUF'), tpEmis: t(ide, 'tpEmis'), finNFe: t(ide, 'finNFe'), dhEmi: t(ide, 'dhEmi'),
    ...opt('dhSaiEnt', text(ide, 'dhSaiEnt')),
    cMunFG: t(ide, 'cMunFG'),
    emit: { ...(emit ? place(emit, 'enderEmit') : {}), ie: t(emit, 'IE') },
    ...(dest && { dest: { ...place(dest, 'enderDest'), ...opt('idEstrangeiro', text(dest, 'idEstrangeiro')), ...opt('ie', text(dest, 'IE')), ...opt('indIEDest', text(dest, 'indIEDest')) } }),
    ...(child(inf, 'retirada') && { retirada: place(child(inf, 'retirada')) }),
    ...(child(inf, 'entrega') && { entrega: place(child(inf, 'entrega')) }),
    autXml: (inf?.children('autXML') ?? []).map(partyId),
    ...(transporta && { transporta: { ...partyId(transporta), ...opt('ie', text(transporta, 'IE')), ...opt('uf', text(transporta, 'UF')) } }),
    vPag: (pag?.children('detPag') ?? []).map((d) => t(d, 'vPag')),
    ...opt('vTroco', text(pag, 'vTroco')),
    vNF: t(child(child(inf, 'total'), 'ICMSTot'), 'vNF'),
  };
}

/** The facts from the simulator's xmldom tree of a signed NFe. */
export function nfeRuleFacts(doc: Document): NfeRuleFacts {
  const root = doc.documentElement;
  return factsOf(root?.localName === 'NFe' ? domView(root) : undefined);
}

/** The same facts from the signed NFe text (the gateway's pre-check). */
export function nfeRuleFactsOf(signedXml: string): NfeRuleFacts {
  const root = parseXmlOrdered(signedXml).find((n) => tagOf(n) !== undefined && tagOf(n) !== '?xml');
  const tag = root && tagOf(root);
  return factsOf(root && tag !== undefined && localName(tag) === 'NFe' ? orderedView(root) : undefined);
}
