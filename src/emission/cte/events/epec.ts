// 110113 EPEC of the CT-e (evEPECCTe, cte.md §6.3): its summary read from the CT-e being issued in
// contingency (tpEmis 4), and the detEvento written from it. Sent to the SVC of the UF, never to the
// Ambiente Nacional.
import { kidsOf, textAt, type OrderedNode } from '../../../xml/ordered';
import { el, opt } from './element';
import { findElement } from '../cce-fields';

export interface EpecTomador {
  /** 0 remetente, 1 expedidor, 2 recebedor, 3 destinatário, 4 outros. */
  toma: string;
  UF: string;
  CNPJ?: string;
  CPF?: string;
  IE?: string;
}

export interface EpecCteSummary {
  vICMS: string;
  vICMSST?: string;
  vTPrest: string;
  vCarga: string;
  toma4: EpecTomador;
  modal: string;
  UFIni: string;
  UFFim: string;
  dhEmi: string;
}

/** The party groups toma 0–3 name, and their address groups. */
const PARTIES: Record<string, [string, string]> = {
  0: ['rem', 'enderReme'], 1: ['exped', 'enderExped'], 2: ['receb', 'enderReceb'], 3: ['dest', 'enderDest'], 4: ['toma4', 'enderToma'],
};

function tomadorOf(infCte: OrderedNode[], ide: OrderedNode[]): EpecTomador | undefined {
  const toma = textAt(ide, ['toma3', 'toma']) ?? textAt(ide, ['toma4', 'toma']);
  const where = toma === undefined ? undefined : PARTIES[toma];
  if (toma === undefined || !where) return undefined;
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
  const toma4 = tomadorOf(infCte, ide);
  if (!toma4) return { missing: 'tomador (toma3/toma4 com a UF do endereço)' };
  const ideFields = { modal: textAt(ide, ['modal']), UFIni: textAt(ide, ['UFIni']), UFFim: textAt(ide, ['UFFim']), dhEmi: textAt(ide, ['dhEmi']) };
  for (const [name, value] of Object.entries(ideFields)) if (value === undefined) return { missing: `ide/${name}` };
  const vTPrest = textAt(infCte, ['vPrest', 'vTPrest']);
  if (vTPrest === undefined) return { missing: 'vPrest/vTPrest' };
  const vCarga = textAt(kidsOf(findElement(infCte, 'infCarga') ?? {}), ['vCarga']) ?? '0.00';
  return {
    ...icmsOf(infCte), vTPrest, vCarga, toma4,
    modal: ideFields.modal as string, UFIni: ideFields.UFIni as string, UFFim: ideFields.UFFim as string, dhEmi: ideFields.dhEmi as string,
  };
}

/** 110113 EPEC (evEPECCTe); tpCTe is always 0 (an EPEC is only for a normal CT-e). */
export function detEpecCte(s: EpecCteSummary, xJust: string): string {
  const t = s.toma4;
  const id = t.CNPJ !== undefined ? el('CNPJ', t.CNPJ) : el('CPF', t.CPF ?? '');
  return (
    `<evEPECCTe><descEvento>EPEC</descEvento>${el('xJust', xJust)}${el('vICMS', s.vICMS)}${opt('vICMSST', s.vICMSST)}` +
    `${el('vTPrest', s.vTPrest)}${el('vCarga', s.vCarga)}<toma4>${el('toma', t.toma)}${el('UF', t.UF)}${id}${opt('IE', t.IE)}</toma4>` +
    `${el('modal', s.modal)}${el('UFIni', s.UFIni)}${el('UFFim', s.UFFim)}<tpCTe>0</tpCTe>${el('dhEmi', s.dhEmi)}</evEPECCTe>`
  );
}
