// An NF-e draft's amounts as plain data for the pure totals rules (fiscal/nfe-amounts.ts): each item's
// values as they will be rendered (a tax group counts only with the elements of the branch its CST
// selects), the ICMSTot the ERP gave, and the ICMSTot fields it left out, computed and written.
import { computeIcmsTot, ICMSTOT_FIELDS, totalsDivergence, type IcmsTotField, type ItemAmounts, type NfeAmounts, type TotalDivergence } from '../../fiscal/nfe-amounts';
import { isGroup, type SParticle } from '../definition';
import { selectCase } from '../render';
import { firstGroup as group, firstValue as first, newNode } from '../tree';
import type { LayoutNode } from '../types';
import { nfeLayout, sefazElement } from './definition';

// Element names of each choice branch ("ICMS/ICMS00" → orig, CST, modBC, vBC …), collected once.
const branchNames = new Map<string, Set<string>>();

function namesOf(ps: readonly SParticle[], into: Set<string>): Set<string> {
  for (const p of ps) {
    if (isGroup(p)) namesOf(p.items, into);
    else into.add(p.name);
  }
  return into;
}

/** A value of a tax group (ICMS, IPI, PIS, COFINS) when the branch its CST selects renders it. */
function taxValue(imposto: LayoutNode | undefined, owner: string, name: string): string | undefined {
  const node = group(imposto, owner);
  const rule = nfeLayout().choices[owner];
  const use = node && rule ? selectCase(rule, node).chosen?.use : undefined;
  if (use) {
    const key = `${owner}/${use}`;
    let names = branchNames.get(key);
    if (!names) branchNames.set(key, (names = namesOf(sefazElement(['det', 'imposto', owner, use])?.content ?? [], new Set())));
    if (!names.has(name)) return undefined;
  }
  return first(node, name);
}

function itemAmounts(det: LayoutNode): ItemAmounts {
  const prod = group(det, 'prod');
  const imposto = group(det, 'imposto');
  const icms = (name: string) => taxValue(imposto, 'ICMS', name);
  const pisst = group(imposto, 'PISST');
  const cofinsst = group(imposto, 'COFINSST');
  return {
    indTot: first(prod, 'indTot'), service: group(imposto, 'ISSQN') !== undefined, cfop: first(prod, 'CFOP'),
    tpOp: first(group(prod, 'veicProd'), 'tpOp'),
    vProd: first(prod, 'vProd'), vFrete: first(prod, 'vFrete'), vSeg: first(prod, 'vSeg'), vDesc: first(prod, 'vDesc'),
    vOutro: first(prod, 'vOutro'), vTotTrib: first(imposto, 'vTotTrib'),
    vBC: icms('vBC'), vICMS: icms('vICMS'), vICMSDeson: icms('vICMSDeson'), indDeduzDeson: icms('indDeduzDeson'),
    vFCP: icms('vFCP'), vBCST: icms('vBCST'), vICMSST: icms('vICMSST'), vFCPST: icms('vFCPST'), vFCPSTRet: icms('vFCPSTRet'),
    vICMSMonoReten: icms('vICMSMonoReten'),
    vII: first(group(imposto, 'II'), 'vII'), vIPI: taxValue(imposto, 'IPI', 'vIPI'),
    vIPIDevol: first(group(group(det, 'impostoDevol'), 'IPI'), 'vIPIDevol'),
    vPIS: taxValue(imposto, 'PIS', 'vPIS'), vCOFINS: taxValue(imposto, 'COFINS', 'vCOFINS'),
    vPISST: first(pisst, 'vPIS'), indSomaPISST: first(pisst, 'indSomaPISST'),
    vCOFINSST: first(cofinsst, 'vCOFINS'), indSomaCOFINSST: first(cofinsst, 'indSomaCOFINSST'),
  };
}

/** The items' amounts of a draft's tree. */
export function nfeAmounts(tree: LayoutNode, modelo: string): NfeAmounts {
  return {
    mod: modelo,
    items: (tree.groups.get('det') ?? []).map(itemAmounts),
    vServ: first(group(group(tree, 'total'), 'ISSQNtot'), 'vServ'),
  };
}

/** The ICMSTot values the ERP gave (absent fields stay absent). */
export function givenTotals(tree: LayoutNode): Partial<Record<IcmsTotField, string>> {
  const tot = group(group(tree, 'total'), 'ICMSTot');
  const given: Partial<Record<IcmsTotField, string>> = {};
  for (const f of ICMSTOT_FIELDS) {
    const v = first(tot, f);
    if (v) given[f] = v;
  }
  return given;
}

/** The first ICMSTot value of a draft's tree that differs from its items (SEFAZ's code and text). */
export function nfeTotalsDivergence(tree: LayoutNode, modelo: string): TotalDivergence | undefined {
  return totalsDivergence(nfeAmounts(tree, modelo), givenTotals(tree));
}

/** The group of a node, created empty (with its InvoiCy definition, for messages) when absent. */
function ensureGroup(node: LayoutNode, name: string): LayoutNode {
  const found = group(node, name);
  if (found) return found;
  const def = node.def?.children?.find((c) => c.to === name);
  const created = newNode(`${node.src}/${def?.name ?? name}`, node, def);
  node.groups.set(name, [created]);
  return created;
}

/**
 * Writes the ICMSTot fields the ERP left out (vICMSDeson_ttlnfe, vII_ttlnfe …) with the values the
 * items make; vTotTrib only when an item carries one (it is optional). Given values are kept as sent:
 * the check before sending compares them.
 */
export function completeTotals(tree: LayoutNode, modelo: string): void {
  const tot = ensureGroup(ensureGroup(tree, 'total'), 'ICMSTot');
  const missing = ICMSTOT_FIELDS.filter((f) => !first(tot, f));
  if (missing.length === 0) return;
  const amounts = nfeAmounts(tree, modelo);
  const computed = computeIcmsTot(amounts);
  for (const f of missing) {
    if (f === 'vTotTrib' && !amounts.items.some((it) => it.vTotTrib)) continue;
    const name = tot.def?.children?.find((c) => c.to === f)?.name ?? f;
    tot.fields.set(f, [{ value: computed[f], src: `${tot.src}/${name}` }]);
  }
}
