// The NF-e/NFC-e ICMSTot totals as SEFAZ computes them from the items (MOC Anexo I, grupo W; NT
// 2011/004, 2011/005, 2013/005, 2016/002, 2020/005, 2023/001, 2023/004), and the first total an
// issuer gave that differs from them, with SEFAZ's cStat and text, in SEFAZ's order (the W fields'
// order). Plain data in, no side effects. Amounts are added as integer cents (bigint), never floats.

/** One item's amounts as written in the NF-e (decimal strings; absent or empty = zero). */
export interface ItemAmounts {
  /** prod/indTot: "0" keeps vProd out of the total. */
  indTot?: string;
  /** The item carries ISSQN (a service): its vProd, vPIS and vCOFINS are not the ICMS totals'. */
  service?: boolean;
  cfop?: string;
  /** prod/veicProd/tpOp: "2" = faturamento direto de veículos novos (its ST stays out of vNF). */
  tpOp?: string;
  vProd?: string;
  vFrete?: string;
  vSeg?: string;
  vDesc?: string;
  vOutro?: string;
  vTotTrib?: string;
  // ICMS (only the values of the item's rendered ICMS group)
  vBC?: string;
  vICMS?: string;
  vICMSDeson?: string;
  /** NT 2023.004: "1" = vICMSDeson is deducted from the item's value (and vNF). */
  indDeduzDeson?: string;
  vFCP?: string;
  vBCST?: string;
  vICMSST?: string;
  vFCPST?: string;
  vFCPSTRet?: string;
  vICMSMonoReten?: string;
  vII?: string;
  vIPI?: string;
  vIPIDevol?: string;
  vPIS?: string;
  vCOFINS?: string;
  /** PISST/COFINSST values and their indSoma… ("1" = part of vNF, NT 2020.005). */
  vPISST?: string;
  indSomaPISST?: string;
  vCOFINSST?: string;
  indSomaCOFINSST?: string;
}

export interface NfeAmounts {
  mod: string;
  items: readonly ItemAmounts[];
  /** ISSQNtot/vServ, part of vNF. */
  vServ?: string;
}

/** The ICMSTot fields computed from the items, in XSD order. */
export const ICMSTOT_FIELDS = [
  'vBC', 'vICMS', 'vICMSDeson', 'vFCP', 'vBCST', 'vST', 'vFCPST', 'vFCPSTRet', 'vProd', 'vFrete', 'vSeg', 'vDesc',
  'vII', 'vIPI', 'vIPIDevol', 'vPIS', 'vCOFINS', 'vOutro', 'vNF', 'vTotTrib',
] as const;
export type IcmsTotField = (typeof ICMSTOT_FIELDS)[number];
export type IcmsTot = Record<IcmsTotField, string>;

/** A given total that differs from the items: SEFAZ's cStat and text, the field, both values. */
export interface TotalDivergence {
  cStat: string;
  xMotivo: string;
  field: IcmsTotField;
  expected: string;
  given: string;
}

/** "12.3" → 1230n; anything malformed counts as zero (the schema refuses it on its own). */
export function toCents(value: string | undefined): bigint {
  const m = /^\s*(-?)(\d*)(?:\.(\d*))?\s*$/.exec(value ?? '');
  if (!m || (m[2] === '' && !m[3])) return 0n;
  const cents = BigInt((m[2] || '0') + (m[3] ?? '').padEnd(2, '0').slice(0, 2));
  return m[1] ? -cents : cents;
}

/** 1230n → "12.30". */
export function fromCents(cents: bigint): string {
  const abs = cents < 0n ? -cents : cents;
  const s = abs.toString().padStart(3, '0');
  return `${cents < 0n ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}

type AmountField = { [K in keyof ItemAmounts]-?: ItemAmounts[K] extends string | undefined ? K : never }[keyof ItemAmounts];

type Sums = Record<Exclude<IcmsTotField, 'vNF'>, bigint> & { vICMSMonoReten: bigint; vPISST: bigint; vCOFINSST: bigint; deductedDeson: bigint; stOfDirect: bigint };

/** Item amounts that add straight into one sum (the items' vICMSST into vST); the others have conditions. */
const PLAIN_SUMS: readonly (readonly [keyof Sums, AmountField])[] = [
  ['vFrete', 'vFrete'], ['vSeg', 'vSeg'], ['vDesc', 'vDesc'], ['vOutro', 'vOutro'], ['vTotTrib', 'vTotTrib'],
  ['vBC', 'vBC'], ['vICMS', 'vICMS'], ['vICMSDeson', 'vICMSDeson'], ['vFCP', 'vFCP'], ['vBCST', 'vBCST'], ['vST', 'vICMSST'],
  ['vFCPST', 'vFCPST'], ['vFCPSTRet', 'vFCPSTRet'], ['vICMSMonoReten', 'vICMSMonoReten'], ['vII', 'vII'], ['vIPI', 'vIPI'],
  ['vIPIDevol', 'vIPIDevol'],
];

function sums(doc: NfeAmounts): Sums {
  const s: Sums = {
    vBC: 0n, vICMS: 0n, vICMSDeson: 0n, vFCP: 0n, vBCST: 0n, vST: 0n, vFCPST: 0n, vFCPSTRet: 0n, vProd: 0n, vFrete: 0n,
    vSeg: 0n, vDesc: 0n, vII: 0n, vIPI: 0n, vIPIDevol: 0n, vPIS: 0n, vCOFINS: 0n, vOutro: 0n, vTotTrib: 0n,
    vICMSMonoReten: 0n, vPISST: 0n, vCOFINSST: 0n, deductedDeson: 0n, stOfDirect: 0n,
  };
  for (const it of doc.items) {
    // indTot decides only whether vProd composes the total (layout: "vProd de item … e indTot = 1");
    // a service item's vProd, PIS and COFINS belong to ISSQNtot.
    if (it.indTot !== '0' && !it.service) s.vProd += toCents(it.vProd);
    if (!it.service) {
      s.vPIS += toCents(it.vPIS);
      s.vCOFINS += toCents(it.vCOFINS);
    }
    for (const [total, amount] of PLAIN_SUMS) s[total] += toCents(it[amount]);
    if (it.indDeduzDeson === '1') s.deductedDeson += toCents(it.vICMSDeson);
    if (it.indSomaPISST === '1') s.vPISST += toCents(it.vPISST);
    if (it.indSomaCOFINSST === '1') s.vCOFINSST += toCents(it.vCOFINSST);
    // Faturamento direto de veículos novos (tpOp 2): the item's ST and FCP-ST stay out of vNF.
    if (it.tpOp === '2') s.stOfDirect += toCents(it.vICMSST) + toCents(it.vFCPST);
  }
  return s;
}

/**
 * vNF before any ICMS desonerado (W16-10): vProd − vDesc + vST + vFCPST + vICMSMonoReten + vFrete +
 * vSeg + vOutro + vII + vIPI + vIPIDevol + vServ + PIS-ST/COFINS-ST that compose it.
 */
function vNFBeforeDeson(s: Sums, vServ: bigint): bigint {
  return s.vProd - s.vDesc + s.vST + s.vFCPST - s.stOfDirect + s.vICMSMonoReten + s.vFrete + s.vSeg + s.vOutro +
    s.vII + s.vIPI + s.vIPIDevol + vServ + s.vPISST + s.vCOFINSST;
}

/**
 * The ICMSTot values the items make. vNF deducts the ICMS desonerado of the items that say so
 * (indDeduzDeson 1, NT 2023.004); SEFAZ also accepts it with all or none deducted (see divergence).
 */
export function computeIcmsTot(doc: NfeAmounts): IcmsTot {
  const s = sums(doc);
  const vNF = vNFBeforeDeson(s, toCents(doc.vServ)) - s.deductedDeson;
  const out = {} as IcmsTot;
  for (const f of ICMSTOT_FIELDS) out[f] = fromCents(f === 'vNF' ? vNF : s[f]);
  return out;
}

/** SEFAZ's check of each total, in the order of the W fields: cStat, text and the models it binds. */
const TOTAL_RULES: readonly { field: IcmsTotField; cStat: string; xMotivo: string; only55?: boolean }[] = [
  { field: 'vBC', cStat: '531', xMotivo: 'Rejeição: Total da BC ICMS difere do somatório dos itens' },
  { field: 'vICMS', cStat: '532', xMotivo: 'Rejeição: Total do ICMS difere do somatório dos itens' },
  { field: 'vICMSDeson', cStat: '795', xMotivo: 'Rejeição: Total do ICMS desonerado difere do somatório dos itens' },
  { field: 'vFCP', cStat: '861', xMotivo: 'Rejeição: Total do FCP difere do somatório dos itens' },
  { field: 'vBCST', cStat: '533', xMotivo: 'Rejeição: Total da BC ICMS-ST difere do somatório dos itens' },
  { field: 'vST', cStat: '534', xMotivo: 'Rejeição: Total do ICMS-ST difere do somatório dos itens' },
  { field: 'vFCPST', cStat: '862', xMotivo: 'Rejeição: Total do FCP ST difere do somatório dos itens', only55: true },
  {
    field: 'vFCPSTRet', cStat: '859', only55: true,
    xMotivo: 'Rejeição: Total do FCP retido anteriormente por Substituição Tributária difere do somatório dos itens',
  },
  { field: 'vProd', cStat: '564', xMotivo: 'Rejeição: Total do Produto / Serviço difere do somatório dos itens' },
  { field: 'vFrete', cStat: '535', xMotivo: 'Rejeição: Total do Frete difere do somatório dos itens' },
  { field: 'vSeg', cStat: '536', xMotivo: 'Rejeição: Total do Seguro difere do somatório dos itens' },
  { field: 'vDesc', cStat: '537', xMotivo: 'Rejeição: Total do Desconto difere do somatório dos itens' },
  { field: 'vII', cStat: '601', xMotivo: 'Rejeição: Total do II difere do somatório dos itens' },
  { field: 'vIPI', cStat: '538', xMotivo: 'Rejeição: Total do IPI difere do somatório dos itens' },
  { field: 'vIPIDevol', cStat: '863', xMotivo: 'Rejeição: Total do IPI devolvido difere do somatório dos itens', only55: true },
  { field: 'vPIS', cStat: '602', xMotivo: 'Rejeição: Total do PIS difere do somatório dos itens sujeitos ao ICMS' },
  { field: 'vCOFINS', cStat: '603', xMotivo: 'Rejeição: Total da COFINS difere do somatório dos itens sujeitos ao ICMS' },
  { field: 'vOutro', cStat: '604', xMotivo: 'Rejeição: Total do vOutro difere do somatório dos itens' },
  { field: 'vNF', cStat: '610', xMotivo: 'Rejeição: Total da NF difere do somatório dos Valores compõe o valor Total da NF.' },
  { field: 'vTotTrib', cStat: '685', xMotivo: 'Rejeição: Total do Valor Aproximado dos Tributos difere do somatório dos itens' },
];

/**
 * The first given total that differs from the items, or undefined. A total not given is not checked
 * (the caller computes it). vNF is not checked on an import (any CFOP 3xxx, W16-10 exceção 2), and is
 * accepted with the ICMS desonerado deducted as the items say, entirely, or not at all (exceção 3).
 */
export function totalsDivergence(doc: NfeAmounts, given: Partial<Record<IcmsTotField, string>>): TotalDivergence | undefined {
  const s = sums(doc);
  const beforeDeson = vNFBeforeDeson(s, toCents(doc.vServ));
  const vNF = beforeDeson - s.deductedDeson;
  const importacao = doc.items.some((it) => it.cfop?.trim().startsWith('3'));
  for (const rule of TOTAL_RULES) {
    const raw = given[rule.field];
    if (raw === undefined || raw.trim() === '' || (rule.only55 && doc.mod !== '55')) continue;
    const value = toCents(raw);
    if (rule.field === 'vNF') {
      if (importacao || [vNF, beforeDeson, beforeDeson - s.vICMSDeson].includes(value)) continue;
    } else if (value === s[rule.field]) continue;
    const expected = fromCents(rule.field === 'vNF' ? vNF : s[rule.field]);
    return { cStat: rule.cStat, xMotivo: rule.xMotivo, field: rule.field, expected, given: fromCents(value) };
  }
  return undefined;
}

/** The gateway's answer to a divergence: SEFAZ's text, then the field with both values. */
export function divergenceText(d: TotalDivergence): string {
  return `${d.xMotivo} [${d.field} informado ${d.given}, calculado a partir dos itens ${d.expected}]`;
}
