// The totals rule on a received NF-e (531–535, 564, 601–604, 610, 685, 795, 859, 861–863): its items
// and ICMSTot read as written, checked by the same pure rule the gateway applies before sending.
import type { Document, Element } from '@xmldom/xmldom';
import { ICMSTOT_FIELDS, totalsDivergence, type IcmsTotField, type ItemAmounts } from '../fiscal/nfe-amounts';
import type { Rejection } from './cstat';
import { child, childText } from './xmlread';

function elements(el: Element | undefined, name?: string): Element[] {
  const out: Element[] = [];
  for (let c = el?.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === c.ELEMENT_NODE && (name === undefined || (c as Element).localName === name)) out.push(c as Element);
  }
  return out;
}

/** The branch element of a tax group (ICMS → ICMS00, PIS → PISAliq …). */
function branch(group: Element | undefined): Element | undefined {
  return elements(group)[0];
}

function itemAmounts(det: Element): ItemAmounts {
  const prod = child(det, 'prod');
  const imposto = child(det, 'imposto');
  const icms = branch(child(imposto, 'ICMS'));
  const pisst = child(imposto, 'PISST');
  const cofinsst = child(imposto, 'COFINSST');
  const t = (el: Element | undefined, name: string) => childText(el, name);
  return {
    indTot: t(prod, 'indTot'), service: child(imposto, 'ISSQN') !== undefined, cfop: t(prod, 'CFOP'),
    tpOp: t(child(prod, 'veicProd'), 'tpOp'),
    vProd: t(prod, 'vProd'), vFrete: t(prod, 'vFrete'), vSeg: t(prod, 'vSeg'), vDesc: t(prod, 'vDesc'), vOutro: t(prod, 'vOutro'),
    vTotTrib: t(imposto, 'vTotTrib'),
    vBC: t(icms, 'vBC'), vICMS: t(icms, 'vICMS'), vICMSDeson: t(icms, 'vICMSDeson'), indDeduzDeson: t(icms, 'indDeduzDeson'),
    vFCP: t(icms, 'vFCP'), vBCST: t(icms, 'vBCST'), vICMSST: t(icms, 'vICMSST'), vFCPST: t(icms, 'vFCPST'),
    vFCPSTRet: t(icms, 'vFCPSTRet'), vICMSMonoReten: t(icms, 'vICMSMonoReten'),
    vII: t(child(imposto, 'II'), 'vII'), vIPI: t(child(child(imposto, 'IPI'), 'IPITrib'), 'vIPI'),
    vIPIDevol: t(child(child(det, 'impostoDevol'), 'IPI'), 'vIPIDevol'),
    vPIS: t(branch(child(imposto, 'PIS')), 'vPIS'), vCOFINS: t(branch(child(imposto, 'COFINS')), 'vCOFINS'),
    vPISST: t(pisst, 'vPIS'), indSomaPISST: t(pisst, 'indSomaPISST'),
    vCOFINSST: t(cofinsst, 'vCOFINS'), indSomaCOFINSST: t(cofinsst, 'indSomaCOFINSST'),
  };
}

/** SEFAZ's rejection of an NF-e whose ICMSTot differs from its items, or undefined. */
export function totalsRejection(doc: Document): Rejection | undefined {
  const inf = child(doc.documentElement ?? undefined, 'infNFe');
  const total = child(inf, 'total');
  const tot = child(total, 'ICMSTot');
  const given: Partial<Record<IcmsTotField, string>> = {};
  for (const f of ICMSTOT_FIELDS) given[f] = childText(tot, f);
  const divergence = totalsDivergence({
    mod: childText(child(inf, 'ide'), 'mod') ?? '',
    items: elements(inf, 'det').map(itemAmounts),
    vServ: childText(child(total, 'ISSQNtot'), 'vServ'),
  }, given);
  return divergence && { cStat: divergence.cStat, xMotivo: divergence.xMotivo };
}
