// Fields of the EPEC event (110140 detEvento) taken from a draft (sefaz-nfe.md §7.4).
import type { NfeDraft } from './types';

export interface EpecSummary {
  /** TDateTimeUTC when the draft carries dhEmi; otherwise the caller supplies the emission time. */
  dhEmi?: string;
  tpNF: string;
  IE: string;
  dest?: { UF: string; CNPJ?: string; CPF?: string; idEstrangeiro?: string; IE?: string };
  vNF: string;
  vICMS: string;
  vST: string;
}

export function epecSummary(draft: NfeDraft): EpecSummary {
  const d = draft.destDoc;
  const summary: EpecSummary = {
    dhEmi: draft.dhEmi && draft.fusoHorario ? draft.dhEmi + draft.fusoHorario : undefined,
    tpNF: draft.tpNF,
    IE: draft.emitIe,
    vNF: draft.vNF,
    vICMS: draft.vICMS,
    vST: draft.vST,
  };
  if (d) {
    // A foreign buyer has no UF of its own: SEFAZ uses "EX".
    summary.dest = { UF: d.uf ?? (d.idEstrangeiro !== undefined ? 'EX' : '') };
    if (d.cnpj) summary.dest.CNPJ = d.cnpj;
    else if (d.cpf) summary.dest.CPF = d.cpf;
    else if (d.idEstrangeiro !== undefined) summary.dest.idEstrangeiro = d.idEstrangeiro;
    if (d.ie && d.ie !== 'ISENTO') summary.dest.IE = d.ie;
  }
  return summary;
}
