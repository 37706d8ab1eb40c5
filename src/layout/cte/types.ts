// Types of the InvoiCy CT-e 4.00 layout.
import type { LayoutError, LayoutNode, RenderBase } from '../types';

/** A party of the CT-e (remetente, expedidor, recebedor, destinatário, tomador). */
export interface CteParty {
  cnpj?: string;
  cpf?: string;
  ie?: string;
  uf?: string;
  xNome?: string;
}

export interface CteDraft {
  modelo: '57';
  cUF: string;
  serie: string;
  /** Absent when the ERP left numbering to the gateway. */
  nCT?: string;
  cCT?: string;
  /** Local date-time without offset, as InvoiCy sends it. */
  dhEmi?: string;
  fusoHorario?: string;
  tpEmis: string;
  tpAmb: string;
  /** 0 normal, 1 complemento, 3 substituição. */
  tpCTe: string;
  /** 01 rodoviário … 06 multimodal. */
  modal: string;
  tpServ: string;
  UFIni: string;
  UFFim: string;
  emitCnpj?: string;
  emitCpf?: string;
  emitIe: string;
  emitUf: string;
  /** ide/toma: 0 remetente, 1 expedidor, 2 recebedor, 3 destinatário, 4 outros (toma4). */
  toma: string;
  /** The tomador's own data, whichever party it is. */
  tomador?: CteParty;
  rem?: CteParty;
  exped?: CteParty;
  receb?: CteParty;
  dest?: CteParty;
  vTPrest: string;
  vRec: string;
  vICMS: string;
  vCarga: string;
  /** Keys of the NF-e the CT-e carries (infDoc/infNFe/chave). */
  nfeKeys: string[];
  emailArquivos?: string[];
  /** The SEFAZ-shaped content renderCte serialises. */
  readonly tree: LayoutNode;
}

export interface CteRenderOptions extends RenderBase {
  nCT: string;
  cCT: string;
  /** infCTeSupl/qrCodCTe (fiscal/cte-qrcode.ts), written after infCte when given. */
  qrCodCTe?: string;
}

export type CteParseResult = { ok: true; draft: CteDraft } | { ok: false; errors: LayoutError[] };
