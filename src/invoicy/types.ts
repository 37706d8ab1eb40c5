// The contract between the InvoiCy SOAP layer and the emission layer that implements it. The SOAP
// layer authenticates, classifies and groups; the backend processes documents and returns one
// structured result per document, which reply-documents.ts alone writes as InvoiCy XML.
import type { DocStatus } from '../fiscal/document-state';
import type { LogScope } from '../log/logger';
import type { OrderedNode } from '../xml/parse';

/** One SOAP call: its id (in the reply of an internal error) and the log scope of its lines. */
export interface CallContext {
  requestId: string;
  log: LogScope;
}

export interface AuthenticatedCompany {
  id: string;
  partnerId: string;
  cnpj: string;
  uf: string;
  enabled: boolean;
  accessKey: string;
}

export type DocumentKind = 'Envio' | 'EnvioEvento' | 'Inutilizacao' | 'Consulta' | 'DescartarDocumento' | 'ConsultaCadastro' | 'PuloNumeracao' | 'DistribuicaoDFe';

export interface DocumentRequest {
  index: number;
  kind: DocumentKind;
  /** Normalised model: NFe, NFCe, CTe, MDFe, NFSe, NFCom (empty when the document does not say). */
  modelo: string;
  /** Inner document text as received (for the Conector `Consultar` form: the whole `Consultar`). */
  documentXml: string;
  /** `documentXml` as parsed by the SOAP layer (`parseXmlOrdered`, prefixes removed), to parse it once. */
  parsed?: OrderedNode[];
  /** DadosItem/Parametros text, when present and non-blank. */
  parametrosXml?: string;
  cnpj: string;
  tpAmb?: string;
}

/** Request-level code a document asks for: 108 (this call detected an outage) > 109 (contingency) > 100. */
export type DocumentRequestCode = 100 | 108 | 109;

/** What every result carries: the group it is answered in, its document-level code and its request code. */
interface ResultHead {
  /** InvoiCy model name (NFe, NFCe…), as received when the document was refused before it was read. */
  modelo: string;
  /** Document-level code (SitCodigo / DocSitCodigo): SEFAZ's cStat or InvoiCy's own; '' when none yet. */
  code: number | string;
  text: string;
  requestCode: DocumentRequestCode;
}

/** The stored state of an emitted document (authorised, denied, rejected, pending…). */
export interface DocumentOutcome extends ResultHead {
  kind: 'document';
  numero: number;
  serie: number;
  chave?: string;
  protocol?: string;
  dhAut?: Date;
  /** UTC offset of the emitter's UF, for the dates of the reply. */
  offset: string;
  digestValue?: string;
  /** The distribution XML (the nfeProc, or the signed NFC-e issued off-line), when there is one. */
  xml?: string;
  docStatus: DocStatus;
}

/** An event and the sequence it names. */
export interface EventIds {
  tpEvento: string;
  nSeq: number;
}

/** The stored state of one event of a document (registered, rejected, pending). */
export interface EventOutcome extends ResultHead, EventIds {
  kind: 'event';
  numero: number;
  serie: number;
  chave?: string;
  protocol?: string;
  dhReg?: Date;
  offset: string;
  /** The procEventoNFe, once registered. */
  xml?: string;
}

export interface InutilizacaoOutcome extends ResultHead {
  kind: 'inutilizacao';
  serie: number;
  nIni: number;
  nFin: number;
  protocol?: string;
  dhReg?: Date;
  offset: string;
  xml?: string;
}

/** An answer without a stored outcome: a refusal, an internal error, a request in flight or scheduled. */
export interface Refusal extends ResultHead {
  kind: 'refusal';
  numero?: number | string;
  serie?: number | string;
  chave?: string;
  /** The event sequence the answer is about (in flight, duplicate). */
  event?: EventIds;
}

/** A document the SOAP layer refused before any processing (layout, another emitter): model and code only. */
export interface Unprocessed extends ResultHead {
  kind: 'unprocessed';
}

/** One event of a consulta entry. */
export interface ConsultaEvent extends EventIds {
  code: string;
  protocol?: string;
  dhReg?: Date;
  /** Only when the consulta asked for the XML ('' when the event has none). */
  xml?: string;
}

/** Resumo of a consulta entry (when the consulta asked for the situation). */
export interface ConsultaSummary {
  dhEmi?: Date;
  digestValue?: string;
  dhAut?: Date;
  emitterName: string;
  destDoc?: string;
  destName?: string;
  totalValue?: string;
}

/** One document found by a consulta. */
export interface ConsultaEntry {
  modelo: string;
  numero: number;
  serie: number;
  chave?: string;
  protocol?: string;
  code: string;
  text: string;
  docStatus: DocStatus;
  offset: string;
  /** Only when the consulta asked for the XML ('' when the document has none). */
  xml?: string;
  /** Only when the consulta asked for the PDF: what stands in its place. */
  pdf?: string;
  summary?: ConsultaSummary;
  /** Empty unless the consulta asked for the events. */
  events: ConsultaEvent[];
}

/**
 * A consulta: its entries, or none with the reason (117 nothing found, 145…) as its code. With entries,
 * its code and text are the first entry's.
 */
export interface ConsultaOutcome extends ResultHead {
  kind: 'consulta';
  entries: ConsultaEntry[];
}

/** The numbering gaps of one série of the calling company ("Consultar Pulos de Numeração"). */
export interface SerieGapsEntry {
  cnpj: string;
  modelo: string;
  serie: number;
  /** How many numbers are missing. */
  count: number;
  /** The missing numbers, "3-5, 8". */
  numbers: string;
  code: number;
  text: string;
}

/**
 * A "Consultar Pulos de Numeração": one entry per série with gaps, or none with the reason as its code
 * (no gap found, a refusal) for the asked CNPJ, model and série.
 */
export interface NumberingGapsOutcome extends ResultHead {
  kind: 'gaps';
  cnpj: string;
  serie?: number;
  entries: SerieGapsEntry[];
}

/** One captured document of a DistribuicaoDFe answer. */
export interface DistributedDocument {
  cnpjEmitente: string;
  numero: number;
  serie: number;
  chave: string;
  /** 15 digits; '' for a document the AN sent without NSU (a key query). */
  nsu: string;
  /** 1 resumo, 2 documento completo, 3 resumo de evento, 4 evento completo. */
  tipoArquivo: 1 | 2 | 3 | 4;
  xml: string;
}

/**
 * InvoiCy's DistribuicaoDFe ("Consulta Distribuição DFE", RetornoDFe): what the gateway captured from
 * the Ambiente Nacional, up to 50 documents, with its code (Situacao) and the NSU cursor.
 */
export interface DistribuicaoOutcome extends ResultHead {
  kind: 'distribuicao';
  ultimoNSU: string;
  maximoNSU: string;
  documents: DistributedDocument[];
}

/** What the backend answers for one document; invoicy/reply-documents.ts writes it as InvoiCy XML. */
export type DocumentResult = DocumentOutcome | EventOutcome | InutilizacaoOutcome | Refusal | Unprocessed | ConsultaOutcome | NumberingGapsOutcome | DistribuicaoOutcome;

export interface InvoicyBackend {
  /** The partner id of an EmpPK; undefined when no partner has it. */
  findPartner(partnerKey: string): Promise<string | undefined>;
  /** tpAmb of the first document, when it carries one: homologação and produção are separate
   *  companies with separate access keys (the partner key is the same). */
  findCompany(partnerId: string, cnpj: string, tpAmb?: string): Promise<AuthenticatedCompany | undefined>;
  process(company: AuthenticatedCompany, docs: DocumentRequest[], call: CallContext): Promise<DocumentResult[]>;
  recordRequest?(entry: {
    requestId: string;
    partnerId?: string;
    companyId?: string;
    kind: string;
    documents: number;
    codes: number[];
    docCodes: string[];
    durationMs: number;
  }): Promise<void>;
}

/** One DadosItem as read from the envelope. */
export interface DadosItem {
  documento: string;
  /** Absent when the element is missing; may be blank. */
  parametros?: string;
}

/** A parsed `recepcao.Execute` call. */
export interface ExecuteRequest {
  empPK: string;
  empCK: string;
  empCO?: string;
  texto?: string;
  items: DadosItem[];
}
