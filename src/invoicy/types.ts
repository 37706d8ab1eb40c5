// The contract between the InvoiCy SOAP layer and the emission layer that implements it. The SOAP
// layer authenticates, classifies and groups; the backend processes documents and returns the inner
// reply documents (built with reply-documents.ts).
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

export type DocumentKind = 'Envio' | 'EnvioEvento' | 'Inutilizacao' | 'Consulta' | 'DescartarDocumento' | 'ConsultaCadastro';

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

export interface DocumentResult {
  modelo: string;
  /** Inner `<Documento>…</Documento>` (a consulta may hold several sibling `Documento`s). */
  replyXml: string;
  requestCode?: 100 | 108 | 109;
}

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
