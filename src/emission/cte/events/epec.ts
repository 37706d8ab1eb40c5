// 110113 EPEC of the CT-e (evEPECCTe, cte.md §6.3): its summary read from the CT-e being issued in
// contingency (tpEmis 4), for ../../../sefaz/cte-messages detEPECCTe to write. Sent to the SVC of the
// UF, never to the Ambiente Nacional.
import type { CteEpecParams } from '../../../sefaz/cte-messages';
import { kidsOf, textAt, type OrderedNode } from '../../../xml/ordered';
import { findElement } from '../cce-fields';

export type EpecTomador = CteEpecParams['toma'];
/** Everything detEPECCTe writes but the justification. */
export type EpecCteSummary = Omit<CteEpecParams, 'xJust'>;

/** The party groups toma 0–3 name, and their address groups. */
const PARTIES: Readonly<Record<EpecTomador['toma'], [string, string]>> = {
  0: ['rem', 'enderReme'], 1: ['exped', 'enderExped'], 2: ['receb', 'enderReceb'], 3: ['dest', 'enderDest'], 4: ['toma4', 'enderToma'],
};

function isToma(value: string | undefined): value is EpecTomador['toma'] {
  return value !== undefined && Object.hasOwn(PARTIES, value);
}

function tomadorOf(infCte: OrderedNode[], ide: OrderedNode[]): EpecTomador | undefined {
  const toma = textAt(ide, ['toma3', 'toma']) ?? textAt(ide, ['toma4', 'toma']);
  if (!isToma(toma)) return undefined;
  const where = PARTIES[toma];
  const node = where[0] === 'toma4' ? findElement(ide, 'toma4') : findElement(infCte, where[0]);
  if (!node) return undefined;
  const kids = kidsOf(node);
  const UF = textAt(kids, [where[1], 'UF']);
  if (!UF) return undefined;
  const CNPJ = textAt(kids, ['CNPJ']);
  const CPF = textAt(kids, ['CPF']);
  const IE = textAt(kids, ['IE']);
  return { toma, UF, ...(CNPJ !== undefined ? { CNPJ } : CPF !== undefined ? { CPF } : {}), ...(IE !== undefined && { IE }) };
}

/** The ICMS group's value (ICMS00 … ICMSOutraUF; none for ICMSSN → 0.00) and the retained ST. */
function icmsOf(infCte: OrderedNode[]): { vICMS: string; vICMSST?: string } {
  const icms = kidsOf(findElement(infCte, 'ICMS') ?? {});
  const vICMS = textAt(icms, ['ICMS00', 'vICMS']) ?? textAt(icms, ['ICMS20', 'vICMS']) ?? textAt(icms, ['ICMS90', 'vICMS'])
    ?? textAt(icms, ['ICMSOutraUF', 'vICMSOutraUF']) ?? '0.00';
  const vICMSST = textAt(icms, ['ICMS60', 'vICMSSTRet']);
  return { vICMS, ...(vICMSST !== undefined && { vICMSST }) };
}

/** The EPEC summary of a CT-e's parsed XML, or the missing field's name. */
export function epecCteSummary(nodes: readonly OrderedNode[]): EpecCteSummary | { missing: string } {
  const infCteNode = findElement(nodes, 'infCte');
  if (!infCteNode) return { missing: 'infCte' };
  const infCte = kidsOf(infCteNode);
  const ide = kidsOf(findElement(infCte, 'ide') ?? {});
  const toma = tomadorOf(infCte, ide);
  if (!toma) return { missing: 'tomador (toma3/toma4 com a UF do endereço)' };
  const ideFields = { modal: textAt(ide, ['modal']), UFIni: textAt(ide, ['UFIni']), UFFim: textAt(ide, ['UFFim']), dhEmi: textAt(ide, ['dhEmi']) };
  for (const [name, value] of Object.entries(ideFields)) if (value === undefined) return { missing: `ide/${name}` };
  const vTPrest = textAt(infCte, ['vPrest', 'vTPrest']);
  if (vTPrest === undefined) return { missing: 'vPrest/vTPrest' };
  const vCarga = textAt(kidsOf(findElement(infCte, 'infCarga') ?? {}), ['vCarga']) ?? '0.00';
  return {
    ...icmsOf(infCte), vTPrest, vCarga, toma,
    modal: ideFields.modal as string, UFIni: ideFields.UFIni as string, UFFim: ideFields.UFFim as string, dhEmi: ideFields.dhEmi as string,
  };
}
