// Public types of the InvoiCy NF-e/NFC-e layout module.
import type { IField } from './definition';

/** One problem found in an InvoiCy <Envio>; `message` is meant for the ERP (Portuguese). */
export interface LayoutError {
  /** InvoiCy path, e.g. "Envio/det/detItem[2]/prod/vProd". */
  path: string;
  /** e.g. "obrigatório", "tamanho máximo 60", "formato decimal 13.2", "valor não permitido". */
  rule: string;
  value?: string;
  message: string;
}

export interface LayoutValue { value: string; src: string }

/**
 * The document already shaped like SEFAZ infNFe (InvoiCy suffixes stripped, wrappers unfolded),
 * still carrying the InvoiCy path of every value for error messages.
 */
export interface LayoutNode {
  /** InvoiCy path of the group this node came from. */
  src: string;
  def?: IField;
  parent?: LayoutNode;
  fields: Map<string, LayoutValue[]>;
  groups: Map<string, LayoutNode[]>;
}

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
  /** The SEFAZ-shaped content renderNfe serialises. */
  readonly tree: LayoutNode;
}

export interface RenderOptions {
  nNF: string;
  cNF: string;
  /** TDateTimeUTC with offset. */
  dhEmi: string;
  tpEmis: string;
  tpAmb: string;
  dhCont?: string;
  xJust?: string;
  verProc: string;
}

export type ParseResult = { ok: true; draft: NfeDraft } | { ok: false; errors: LayoutError[] };
