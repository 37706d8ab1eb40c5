// Types of the InvoiCy NF-e/NFC-e 4.00 layout.
import type { LayoutError, LayoutNode, RenderBase } from '../types';

export interface DestDoc {
  cnpj?: string;
  cpf?: string;
  idEstrangeiro?: string;
  ie?: string;
  uf?: string;
  xNome?: string;
}

export interface NfeDraft {
  modelo: '55' | '65';
  cUF: string;
  serie: string;
  /** Absent when the ERP left numbering to the gateway. */
  nNF?: string;
  cNF?: string;
  /** Local date-time without offset, as InvoiCy sends it. */
  dhEmi?: string;
  fusoHorario?: string;
  tpEmis: string;
  tpAmb: string;
  tpNF: string;
  emitCnpj?: string;
  emitCpf?: string;
  emitIe: string;
  emitUf: string;
  destDoc?: DestDoc;
  vNF: string;
  vICMS: string;
  vST: string;
  infSuplem?: { qrCode?: string; urlChave?: string };
  idUnico?: string;
  numeroPedido?: string;
  emailArquivos?: string[];
  /** What the reader tolerated (layout/nfe/tolerance.ts, unknown fields ignored), for the log. */
  tolerated?: string[];
  /** The SEFAZ-shaped content renderNfe serialises. */
  readonly tree: LayoutNode;
}

export interface RenderOptions extends RenderBase {
  nNF: string;
  cNF: string;
}

export type ParseResult = { ok: true; draft: NfeDraft } | { ok: false; errors: LayoutError[] };
