// The storage port: everything the gateway persists, behind one async interface implemented by the
// SQLite (embedded) and SQL Server adapters. Secrets cross this API in PLAINTEXT; the adapters seal
// them at rest, so no other module ever handles ciphertext.
//
// Isolation: every document/event/inutilização operation takes the companyId and never touches rows
// of another company; company lookups on behalf of a partner take the partnerId.
//
// Uniqueness decision: a company row is one CNPJ in one environment, and a CNPJ belongs to ONE partner
// per environment (UNIQUE (cnpj, environment)), so two partners can never claim the same emitter.
// Homologação and produção are separate rows because InvoiCy gives them different access keys.

export type StoreKind = 'sqlite' | 'mssql';
export type Environment = 'homologacao' | 'producao';
/** SEFAZ tpAmb: 1 produção, 2 homologação. */
export type TpAmb = '1' | '2';
// The document's states are the domain's words (fiscal/document-state.ts); the store persists them.
import type { DocModel, DocStage, DocStatus } from '../fiscal/document-state';
import type { DfeState, MissingStatus, NsuRange } from '../fiscal/dfe-sweep';
import type { SerieNumbering } from '../fiscal/numbering-gaps';
export { DOC_STATUS, type DocModel, type DocStage, type DocStatus } from '../fiscal/document-state';

/** Failures the caller can act on; `message` is Portuguese, meant for ERPs and support staff. */
export class StoreError extends Error {
  constructor(readonly code: 'conflict' | 'not_found' | 'invalid' | 'illegal_transition' | 'unavailable', message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export function environmentTpAmb(env: Environment): TpAmb {
  return env === 'producao' ? '1' : '2';
}

// ---------------------------------------------------------------- partners

export interface Partner {
  id: string;
  name: string;
  createdAt: Date;
}

export interface CreatedPartner {
  partner: Partner;
  /** EmpPK / ChaveParceiro: returned once, only its lookup hash is stored. */
  partnerKey: string;
  /** Partner access key (EmpCK of ConsultaCadastro and partner-level calls); sealed at rest. */
  accessKey: string;
}

// ---------------------------------------------------------------- companies

export type ContingencyOption = 'SVC' | 'EPEC' | 'OFFLINE' | 'NONE';

export interface ModelContingencySettings {
  /** Ordered options tried while the scope is in contingency (contingency-and-numbering.md §3.1). */
  options: ContingencyOption[];
  transitionMode: 'invoicy' | 'focus';
  /** Dedicated série used by the `focus` transition mode. */
  transitionSerie?: number;
  routeKnownUnprocessed?: boolean;
}

export type ContingencySettings = Partial<Record<DocModel, ModelContingencySettings>>;

/** What the NF-e/NFC-e reader does with a field its layout does not know: 145 (default) or leave it out, logged. */
export type UnknownFieldsPolicy = 'reject' | 'ignore';

/** Company as listed/shown: never carries secrets (see getCompanyAccessKey / getCompanyCsc). */
export interface Company {
  id: string;
  partnerId: string;
  /** Normalised CNPJ, possibly alphanumeric. */
  cnpj: string;
  uf: string;
  name: string;
  ie: string | null;
  environment: Environment;
  enabled: boolean;
  /** NFC-e CSC identifier (public); the CSC itself only through getCompanyCsc. */
  cscId: string | null;
  hasCsc: boolean;
  contingency: ContingencySettings;
  unknownFields: UnknownFieldsPolicy;
  /** The numbering-gap job voids this company's gaps by inutilização; off: it only reports them. */
  voidGaps: boolean;
  /** Sends ciência (210210) for every NF-e captured where the company is destinatário (autoCiencia). */
  autoCiencia: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewCompany {
  partnerId: string;
  cnpj: string;
  uf: string;
  name: string;
  ie?: string | null;
  environment: Environment;
  enabled?: boolean;
  cscId?: string | null;
  csc?: string | null;
  contingency?: ContingencySettings;
  unknownFields?: UnknownFieldsPolicy;
  voidGaps?: boolean;
}

export interface CompanyPatch {
  uf?: string;
  name?: string;
  ie?: string | null;
  enabled?: boolean;
  cscId?: string | null;
  /** null removes the CSC. */
  csc?: string | null;
  contingency?: ContingencySettings;
  unknownFields?: UnknownFieldsPolicy;
  voidGaps?: boolean;
  autoCiencia?: boolean;
}

export interface CreatedCompany {
  company: Company;
  /** Company access key (EmpCK secret), 32 hex chars. */
  accessKey: string;
}

export interface CompanyCsc {
  cscId: string;
  csc: string;
}

// ---------------------------------------------------------------- certificates

export interface NewCertificate {
  pfx: Buffer;
  password: string;
  keyPem: string;
  certPem: string;
  subject: string;
  cnpj: string | null;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/** Public view of a stored certificate. */
export interface CertificateInfo {
  id: string;
  companyId: string;
  certPem: string;
  subject: string;
  cnpj: string | null;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  active: boolean;
  createdAt: Date;
}

/** Internal use only (signing, mutual TLS): includes the decrypted private key. */
export interface ActiveCertificate extends CertificateInfo {
  keyPem: string;
  pfx: Buffer;
  password: string;
}

// ---------------------------------------------------------------- documents

/** Mutable document state; all nullable columns are `null` when unknown. */
export interface DocumentFields {
  chave: string | null;
  tpEmis: string;
  docStatus: DocStatus;
  stage: DocStage;
  cStat: string | null;
  xMotivo: string | null;
  nProt: string | null;
  dhAut: Date | null;
  dhEmi: Date | null;
  digestValue: string | null;
  nRec: string | null;
  cNF: string | null;
  /** Recipient CNPJ/CPF/idEstrangeiro, for consulta. */
  destDoc: string | null;
  destName: string | null;
  /** Total value as the decimal string of the XML (vNF / vTPrest), never a float. */
  totalValue: string | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  epecProtocol: string | null;
  /** Every key the document had before the current one (contingency re-keying). */
  previousChaves: string[];
  discardRequested: boolean;
  substituteNumero: number | null;
  substituteSerie: number | null;
  discardState: string | null;
}

/** A document's state: what every document read returns (its XML is read apart: DocumentXml). */
export interface DocumentRecord extends DocumentFields {
  id: string;
  companyId: string;
  tpAmb: TpAmb;
  model: DocModel;
  serie: number;
  numero: number;
  /** Inclusion date. */
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The document's XML, stored apart from its state: no record read carries it (a list may hold 1,000
 * documents, and most reads need only the state); `getDocumentXml` reads the values a caller needs.
 */
export interface DocumentXml {
  /** Byte-exact signed XML: stored and returned verbatim. */
  xmlSigned: string | null;
  xmlProc: string | null;
  /** The ERP's layout document, kept for retries. */
  layoutXml: string | null;
}
export type DocumentXmlField = keyof DocumentXml;

export type NewDocument = { tpAmb: TpAmb; model: DocModel; serie: number; numero: number } & Partial<DocumentFields & DocumentXml>;
export type NewUnnumberedDocument = Omit<NewDocument, 'numero'>;
/** A state change, with any XML to store (written apart, never returned by the update). */
export type DocumentPatch = Partial<DocumentFields & DocumentXml>;

/** Optimistic guard for updateDocument: the update applies only when the row still matches. */
export interface DocumentGuard {
  stage?: DocStage[];
  docStatus?: DocStatus[];
}

/**
 * The série of the company's reference rows to NF-e it received as destinatário (their manifestação):
 * no NF-e série is negative, so such a row never takes a number of the company's own.
 */
export const RECEIVED_SERIE = -1;

export interface DocumentQuery {
  /** The company's own documents only: not its reference rows to NF-e it received (RECEIVED_SERIE). */
  ownOnly?: boolean;
  tpAmb?: TpAmb;
  model?: DocModel;
  serie?: number;
  numeroFrom?: number;
  numeroTo?: number;
  chave?: string;
  emissionFrom?: Date;
  emissionTo?: Date;
  includedFrom?: Date;
  includedTo?: Date;
  docStatus?: DocStatus[];
  stage?: DocStage[];
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface JobDocumentQuery {
  docStatus?: DocStatus[];
  stage?: DocStage[];
  /** Only documents whose nextAttemptAt is null or not after this instant. */
  dueBefore?: Date;
  tpAmb?: TpAmb;
  model?: DocModel;
  /** Emitter UF (the company's), for per-scope jobs. */
  uf?: string;
  /** Only documents referenced (or not) for discard (contingency-and-numbering.md §5.2). */
  discardRequested?: boolean;
  limit: number;
}

export interface SequenceKey {
  companyId: string;
  tpAmb: TpAmb;
  model: DocModel;
  serie: number;
}

/** Which séries numberingFacts reads (all of the company's when empty). */
export interface NumberingQuery {
  tpAmb?: TpAmb;
  models?: DocModel[];
  serie?: number;
}

// ---------------------------------------------------------------- events

export type EventStatus = 'pending' | 'sending' | 'registered' | 'rejected';

export interface EventFields {
  status: EventStatus;
  cStat: string | null;
  xMotivo: string | null;
  nProt: string | null;
  dhReg: Date | null;
  xmlSigned: string | null;
  xmlProc: string | null;
  /** The ERP's event request, kept for retries of pending events. */
  requestXml: string | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
}

export interface EventRecord extends EventFields {
  id: string;
  documentId: string;
  companyId: string;
  tpEvento: string;
  nSeq: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NewEvent = { documentId: string; tpEvento: string; nSeq: number } & Partial<EventFields>;
export type EventPatch = Partial<EventFields>;

/** What reserveEvent needs to hand out one sequence of an event type of a document. */
export interface EventReservation {
  documentId: string;
  tpEvento: string;
  /** The sequence asked for; undefined: the one after the highest sequence in use. */
  nSeq?: number;
  /** Highest sequence the event type allows; beyond it the reservation is `exhausted`. */
  maxSeq: number;
  /**
   * A rejected event frees its sequence (the authority may register it later), except when its cStat
   * is one of these: the authority holds that sequence (e.g. 573, duplicate).
   */
  heldBy?: readonly string[];
  requestXml: string | null;
}

export type EventReservationResult =
  /** A new row, or the rejected row of that sequence taken over: status `sending`, no XML signed yet. */
  | { kind: 'reserved'; event: EventRecord }
  /** The sequence is held by this row (sending, pending or registered). */
  | { kind: 'taken'; event: EventRecord }
  /** No sequence left up to maxSeq. */
  | { kind: 'exhausted' };

export interface JobEventQuery {
  status?: EventStatus[];
  dueBefore?: Date;
  limit: number;
}

// ---------------------------------------------------------------- inutilizações

/** `pending` and `authorized` ranges block their numbers; `rejected` ones do not. */
export type InutilizacaoStatus = 'pending' | 'authorized' | 'rejected';

export interface InutilizacaoFields {
  status: InutilizacaoStatus;
  cStat: string | null;
  xMotivo: string | null;
  nProt: string | null;
  dhReg: Date | null;
  xmlProc: string | null;
}

export interface InutilizacaoRecord extends InutilizacaoFields {
  id: string;
  companyId: string;
  tpAmb: TpAmb;
  model: DocModel;
  serie: number;
  nIni: number;
  nFin: number;
  justificativa: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewInutilizacao = {
  tpAmb: TpAmb; model: DocModel; serie: number; nIni: number; nFin: number; justificativa: string;
} & Partial<InutilizacaoFields>;
export type InutilizacaoPatch = Partial<InutilizacaoFields>;

export interface InutilizacaoQuery {
  tpAmb?: TpAmb;
  model?: DocModel;
  serie?: number;
  status?: InutilizacaoStatus[];
  limit?: number;
}

// ---------------------------------------------------------------- request log

export interface RequestLogEntry {
  requestId: string;
  partnerId?: string | null;
  companyId?: string | null;
  /** Dispatch kind, e.g. 'Envio', 'Consulta', 'EnvioEvento'. */
  kind: string;
  documents: number;
  /** Request-level and document-level codes returned (e.g. ['100', '100']). */
  codes: string[];
  durationMs: number;
}

export interface RequestLogRecord extends Required<RequestLogEntry> {
  id: number;
  createdAt: Date;
}

export interface RequestLogQuery {
  partnerId?: string;
  companyId?: string;
  since?: Date;
  limit?: number;
}

// ---------------------------------------------------------------- contingency state

export interface ContingencyScope {
  tpAmb: TpAmb;
  uf: string;
  model: DocModel;
}

export interface ContingencyStateInput {
  state: 'normal' | 'contingency';
  since: Date;
  cause: string | null;
  detectingDocumentId?: string | null;
  nextProbeAt?: Date | null;
  probeFailures: number;
}

export interface ContingencyRecord extends ContingencyScope {
  state: 'normal' | 'contingency';
  since: Date;
  cause: string | null;
  detectingDocumentId: string | null;
  nextProbeAt: Date | null;
  probeFailures: number;
  updatedAt: Date;
}

// ---------------------------------------------------------------- DF-e distribution (dfe-distribution.md §8)

/** The distribution's models: NF-e (NFeDistribuicaoDFe) and CT-e (CTeDistribuicaoDFe), each its own NSU sequence. */
export type DfeModel = '55' | '57';

/** One company's position in one model's distribution (one row per opted-in (tpAmb, CNPJ, model)). */
export interface DfeStateRecord extends DfeState {
  companyId: string;
  model: DfeModel;
  tpAmb: TpAmb;
  cnpj: string;
  /** The company opted in (CLI `company dfe`); a disabled row keeps its position for a later opt-in. */
  enabled: boolean;
  lastSweepAt: Date | null;
  updatedAt: Date;
}

/** A captured document: one docZip, unzipped, with the facts read from it. */
export interface NewDfeDocument {
  /** 15 digits; absent for a consChNFe answer without NSU. */
  nsu: string | null;
  schema: string;
  /** Local name of the root element (resNFe, nfeProc, resEvento, procEventoNFe, cteProc, procEventoCTe …). */
  root: string;
  chave: string | null;
  /** Events only. */
  tpEvento: string | null;
  emitterDoc: string | null;
  emitterName: string | null;
  destDoc: string | null;
  dhEmi: Date | null;
  /** vNF / vTPrest as written in the XML. */
  totalValue: string | null;
  /** authorized | denied | cancelled (from cSitNFe, the protocol's cStat, or a cancellation event of the key). */
  situation: DfeSituation | null;
  /** Full documents outrank summaries when deduplicating by key (resNFe 1, nfeProc 2); events 0. */
  rank: number;
  xml: string;
}

export type DfeSituation = 'authorized' | 'denied' | 'cancelled';

export interface DfeDocumentRecord extends NewDfeDocument {
  id: string;
  companyId: string;
  model: DfeModel;
  tpAmb: TpAmb;
  /** True for the key's best document (the full one once it arrived), false for one it superseded, null for events. */
  best: boolean | null;
  receivedAt: Date;
}

/** Read API of captured documents (for InvoiCy's DistribuicaoDFe and the "Recebidos" consulta). */
export interface DfeDocumentQuery {
  model?: DfeModel;
  /** Inclusive NSU range (15 digits). */
  nsuFrom?: string;
  nsuTo?: string;
  chave?: string;
  /** The emitter's CNPJ/CPF (a supplier). */
  emitterDoc?: string;
  /** Série of the key, with an optional inclusive number range (read from the key). */
  serie?: number;
  numeroFrom?: number;
  numeroTo?: number;
  /** Only each key's best document (events excluded). */
  bestOnly?: boolean;
  roots?: string[];
  situation?: DfeSituation[];
  emittedFrom?: Date;
  emittedTo?: Date;
  receivedFrom?: Date;
  receivedTo?: Date;
  /** Ordered by NSU (documents without NSU last); default 50, at most 1000. */
  limit?: number;
}

export type DfeMissingStatus = MissingStatus;

export interface DfeMissingRecord {
  companyId: string;
  model: DfeModel;
  nsu: string;
  status: DfeMissingStatus;
  firstSeenAt: Date;
  attempts: number;
  lastAttemptAt: Date | null;
  updatedAt: Date;
}

export interface DfeStep {
  /** The position after the query (with the call already in its logs). */
  state: DfeState;
  /** When it happened: documents' receivedAt, missing NSUs' firstSeenAt. */
  at: Date;
  documents?: readonly NewDfeDocument[];
  missing?: readonly NsuRange[];
  /** The missing NSU a consNSU asked for, with its new status and attempt count. */
  missingUpdate?: { nsu: string; status: DfeMissingStatus; attempts: number };
  lastSweepAt?: Date;
}

export interface DfeBacklog {
  pending: number;
  oldestPendingNsu: string | null;
  oldestPendingSince: Date | null;
  fetched: number;
  neverGenerated: number;
  expired: number;
}

// ---------------------------------------------------------------- the port

export interface Store {
  readonly kind: StoreKind;

  createPartner(name: string): Promise<CreatedPartner>;
  findPartnerByKey(partnerKey: string): Promise<Partner | undefined>;
  getPartner(id: string): Promise<Partner | undefined>;
  listPartners(): Promise<Partner[]>;
  getPartnerAccessKey(partnerId: string): Promise<string | undefined>;

  /** Fails with a Portuguese message when the CNPJ already belongs to a company in that environment. */
  createCompany(input: NewCompany): Promise<CreatedCompany>;
  findCompanyForPartner(partnerId: string, cnpj: string, environment: Environment): Promise<Company | undefined>;
  getCompany(id: string): Promise<Company | undefined>;
  listCompanies(partnerId?: string): Promise<Company[]>;
  updateCompany(id: string, patch: CompanyPatch): Promise<Company | undefined>;
  getCompanyAccessKey(id: string): Promise<string | undefined>;
  /** Issues a new access key (the old one stops working at once) and returns it. */
  rotateCompanyAccessKey(id: string): Promise<string | undefined>;
  getCompanyCsc(id: string): Promise<CompanyCsc | undefined>;

  /** Stores a certificate as the company's active one, deactivating the previous one. */
  saveCertificate(companyId: string, cert: NewCertificate): Promise<CertificateInfo>;
  getActiveCertificate(companyId: string): Promise<ActiveCertificate | undefined>;
  listCertificates(companyId: string): Promise<CertificateInfo[]>;

  /**
   * Inserts a document with a client-given number (moves the sequence forward when higher; not with
   * `sequence: false`, for a row outside the company's numbering: its reference to another company's CT-e).
   */
  insertDocument(companyId: string, doc: NewDocument, opts?: { sequence?: boolean }): Promise<DocumentRecord>;
  /**
   * Atomically allocates the next free number of the sequence and inserts the document with it;
   * `numbered` adds the fields that depend on the number (key, cNF…), so they are written at once.
   */
  allocateAndInsertDocument(companyId: string, doc: NewUnnumberedDocument, numbered?: (numero: number) => DocumentPatch): Promise<DocumentRecord>;
  /** Moves the sequence past a client-given number when it is higher. */
  noteClientNumber(key: SequenceKey, numero: number): Promise<void>;
  /** Next number the sequence would try (before skipping used numbers). */
  peekSequence(key: SequenceKey): Promise<number>;
  /** Undefined when the document does not exist for that company or the guard did not match. */
  updateDocument(companyId: string, id: string, patch: DocumentPatch, guard?: DocumentGuard): Promise<DocumentRecord | undefined>;
  getDocument(companyId: string, id: string): Promise<DocumentRecord | undefined>;
  findDocumentByNumber(companyId: string, tpAmb: TpAmb, model: DocModel, serie: number, numero: number): Promise<DocumentRecord | undefined>;
  /** Matches the current key or any previous (contingency) key. */
  findDocumentByChave(companyId: string, chave: string): Promise<DocumentRecord | undefined>;
  /** The asked XML values of a document (null: none stored), in one read; undefined when the company has no such document. */
  getDocumentXml<F extends DocumentXmlField>(companyId: string, id: string, fields: readonly F[]): Promise<Pick<DocumentXml, F> | undefined>;
  queryDocuments(companyId: string, filter: DocumentQuery): Promise<DocumentRecord[]>;
  /** Across companies, for jobs; ordered by nextAttemptAt then inclusion. */
  findDocumentsForJob(filter: JobDocumentQuery): Promise<DocumentRecord[]>;
  /**
   * What the numbering-gap rule (fiscal/numbering-gaps.ts) needs of each série of the company, in one
   * read: the runs of numbers with a document, the documents not settled for good, the inutilização
   * ranges holding their numbers. Ordered by tpAmb, model, série. The reference rows to NF-e the
   * company received (RECEIVED_SERIE) are no série of its own and never appear.
   */
  numberingFacts(companyId: string, filter?: NumberingQuery): Promise<SerieNumbering[]>;

  insertEvent(companyId: string, event: NewEvent): Promise<EventRecord>;
  /**
   * Atomically reserves a sequence of an event type of the document (as allocateAndInsertDocument
   * does for numbers): concurrent callers never get the same sequence, and a sequence in use (sending,
   * pending, registered, or rejected with a `heldBy` cStat) is never handed out again.
   */
  reserveEvent(companyId: string, reservation: EventReservation): Promise<EventReservationResult>;
  updateEvent(companyId: string, id: string, patch: EventPatch): Promise<EventRecord | undefined>;
  getEvent(companyId: string, id: string): Promise<EventRecord | undefined>;
  listEvents(companyId: string, documentId: string): Promise<EventRecord[]>;
  findEventsForJob(filter: JobEventQuery): Promise<EventRecord[]>;

  insertInutilizacao(companyId: string, inut: NewInutilizacao): Promise<InutilizacaoRecord>;
  updateInutilizacao(companyId: string, id: string, patch: InutilizacaoPatch): Promise<InutilizacaoRecord | undefined>;
  getInutilizacao(companyId: string, id: string): Promise<InutilizacaoRecord | undefined>;
  listInutilizacoes(companyId: string, filter?: InutilizacaoQuery): Promise<InutilizacaoRecord[]>;
  /** True when a pending or authorized inutilização range covers the number. */
  isNumberInutilizado(companyId: string, tpAmb: TpAmb, model: DocModel, serie: number, numero: number): Promise<boolean>;

  recordRequest(entry: RequestLogEntry): Promise<void>;
  listRequests(filter?: RequestLogQuery): Promise<RequestLogRecord[]>;

  /** Atomic; re-entrant for the same owner (renews the TTL); steals an expired lease. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;

  getContingency(scope: ContingencyScope): Promise<ContingencyRecord | undefined>;
  /**
   * Writes the state of a scope. With `ifState`, writes only when the current state (normal when
   * never recorded) equals it — so exactly one caller enters contingency. Returns whether it wrote.
   */
  setContingency(scope: ContingencyScope, value: ContingencyStateInput, opts?: { ifState?: 'normal' | 'contingency' }): Promise<boolean>;
  listContingencies(state?: 'normal' | 'contingency'): Promise<ContingencyRecord[]>;

  /** Opts a company in or out of one model's distribution; the first opt-in creates its position at NSU 0. */
  setDfeEnabled(companyId: string, model: DfeModel, enabled: boolean): Promise<DfeStateRecord>;
  getDfeState(companyId: string, model: DfeModel): Promise<DfeStateRecord | undefined>;
  listDfeStates(filter?: { enabled?: boolean; companyId?: string }): Promise<DfeStateRecord[]>;
  /** Persists the position (before the next call to the AN); the row must exist (setDfeEnabled). */
  saveDfeState(companyId: string, model: DfeModel, state: DfeState, lastSweepAt?: Date): Promise<void>;
  /**
   * Stores captured documents idempotently by NSU (an NSU already stored is skipped), marks their missing
   * rows fetched, and keeps one best document per key (a nfeProc supersedes its resNFe; a cancellation
   * event marks the key's documents cancelled). Returns how many were new.
   */
  storeDfeDocuments(companyId: string, model: DfeModel, docs: readonly NewDfeDocument[], receivedAt: Date): Promise<number>;
  /**
   * One query's outcome in one transaction: stores its documents (as storeDfeDocuments), adds the missing
   * NSUs of its ranges (pending, except those stored or already listed), settles the missing NSU it asked
   * for, and persists the position — so a crash never keeps documents without the position or the reverse.
   */
  recordDfeStep(companyId: string, model: DfeModel, step: DfeStep): Promise<{ stored: number; missing: number }>;
  /** Missing NSUs by status, lowest NSU first. */
  listDfeMissing(companyId: string, model: DfeModel, filter: { status?: DfeMissingStatus[]; limit?: number; after?: string }): Promise<DfeMissingRecord[]>;
  /** Pending NSUs first missed before `firstSeenBefore` become expired; returns how many. */
  expireDfeMissing(companyId: string, model: DfeModel, firstSeenBefore: Date): Promise<number>;
  dfeBacklog(companyId: string, model: DfeModel): Promise<DfeBacklog>;
  /** The read API of captured documents: by NSU range, key, dates, situation; only the company's own. */
  queryDfeDocuments(companyId: string, filter?: DfeDocumentQuery): Promise<DfeDocumentRecord[]>;

  close(): Promise<void>;
}
