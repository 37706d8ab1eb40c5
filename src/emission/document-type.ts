// A document type: the one place that knows a kind of fiscal document (NF-e/NFC-e today; CT-e next).
// The generic pipeline (issue.ts), the contingency routes (routes/), the recording of SEFAZ's answers
// (outcome.ts) and the jobs reach everything kind-specific through it: how the InvoiCy layout is
// read, how the access key is built, how the document is rendered and signed (with another tpEmis in
// contingency), where its supplement (QR code) goes, which SEFAZ services carry it, how a protocol is
// read back and which events it accepts. Implementations live in their own folder (nfe/).
import type { DocumentPatch, DocumentRecord, TpAmb, UnknownFieldsPolicy } from '../store/port';
import type { DocModel } from '../fiscal/document-state';
import type { SefazClient, SefazTarget } from '../sefaz/client';
import type { SefazCredentials } from '../sefaz/transport';
import type { OrderedNode } from '../xml/ordered';
import type { CompanyContext } from './context';
import type { DocumentNoun } from './document-noun';
import type { EventoInput } from './inputs';

/** What the generic pipeline reads from a draft of any kind. */
export interface DraftFacts {
  model: DocModel;
  serie: string;
  /** The ERP's number; undefined: the série's sequence allocates one. */
  numero?: string;
  /** tpAmb the layout declares (checked against the company's environment). */
  tpAmb: string;
  /** Emitter UF: the document's contingency scope (the company's when absent). */
  uf?: string;
}

/** A refusal answered before anything is sent (document-level code and text). */
export interface Refusal {
  code: number | string;
  text: string;
}

/** The signed document, ready for the schema check and transmission. */
export interface Signed {
  chave: string;
  xmlSigned: string;
  digestValue: string | null;
  /** dhEmi exactly as written in the XML (the EPEC summary must repeat it). */
  dhEmi: string;
}

/** The per-document work of one kind, planned once its pre-number checks passed. */
export interface Issue {
  /** dhEmi as written in the document. */
  dhEmi: string;
  /** What a number fixes (the random code, the access key, summary columns), stored with the number. */
  numbered(numero: number): DocumentPatch;
  /** Renders (tpEmis 1), signs and adds the supplement; the key must be the numbered one. */
  sign(doc: DocumentRecord): Promise<Signed>;
  /**
   * A rejection SEFAZ would answer on the content (totals that differ from the items …), recorded once
   * the number is this document's own, nothing sent: a resend of a number already settled gets its
   * stored answer instead, and a rejected number may be sent again corrected, as after SEFAZ's.
   */
  rejection?: Refusal;
}

/** tpEmis of the contingency renditions: 4 EPEC, 6 SVC-AN, 7 SVC-RS, 8 SVC-SP (CT-e), 9 off-line. */
export type ContingencyTpEmis = '4' | '6' | '7' | '8' | '9';

export type RenditionOutcome =
  | { ok: true; signed: Signed & { tpEmis: ContingencyTpEmis } }
  /** The route cannot serve this document (e.g. no CSC for the off-line QR): try the next option. */
  | { ok: false; unavailable: string }
  /** The schema refuses the re-keyed document: a rejection no other route would change. */
  | { ok: false; schema: string[] };

/** One document's protocol as SEFAZ returned it (authorisation, denial or rejection). */
export interface Protocol {
  chave: string;
  cStat: string;
  xMotivo: string;
  nProt?: string;
  dhRecbto?: string;
  /** The digest SEFAZ computed: equal to the signature's when the protocol belongs to this XML. */
  digVal?: string;
  /** The protocol element exactly as received (it goes into the distribution document). */
  raw: string;
}

/** SEFAZ's answer to an authorisation request (synchronous or lote) or to a recibo query. */
export interface AuthorisationAnswer {
  cStat: string;
  xMotivo: string;
  nRec?: string;
  tMed?: string;
  protocols: Protocol[];
}

/** An event as SEFAZ registered it (or refused it). */
export interface EventAnswer {
  cStat: string;
  xMotivo: string;
  tpEvento?: string;
  nSeq?: number;
  nProt?: string;
  dhRegEvento: string;
  /** The event answer exactly as received. */
  raw: string;
}

/** SEFAZ's answer to a consulta by key. */
export interface ConsultaAnswer {
  cStat: string;
  xMotivo: string;
  protocol?: Protocol;
  /** The registered events with their distribution documents (event answer + signed event). */
  events: { answer: EventAnswer; proc: string }[];
}

/** SEFAZ's answer to a lote of events. */
export interface EventsAnswer {
  cStat: string;
  xMotivo: string;
  events: EventAnswer[];
}

/** The SEFAZ services that carry a kind, with their answers in the generic shapes. */
export interface DocumentServices {
  /** The status service of an authorizer (the scope's normal one, or an SVC): its cStat and xMotivo. */
  status(sefaz: SefazClient, target: SefazTarget, credentials: SefazCredentials): Promise<{ cStat: string; xMotivo: string }>;
  authorize(ctx: CompanyContext, target: SefazTarget, credentials: SefazCredentials, lote: { indSinc: '0' | '1'; signedXmls: readonly string[] }): Promise<AuthorisationAnswer>;
  recibo(ctx: CompanyContext, target: SefazTarget, credentials: SefazCredentials, nRec: string): Promise<AuthorisationAnswer>;
  consult(ctx: CompanyContext, target: SefazTarget, credentials: SefazCredentials, chave: string): Promise<ConsultaAnswer>;
  sendEvents(ctx: CompanyContext, target: SefazTarget, credentials: SefazCredentials, signedEventXmls: readonly string[]): Promise<EventsAnswer>;
}

/** What an event handler plans: what will be signed for one document. */
export interface EventPlan {
  tpEvento: string;
  /** The sequence to send; undefined: the next one free (e.g. a CC-e without EvenSeq). */
  nSeq?: number;
  /** The detEvento content. */
  det: string;
  /** The author's CNPJ when it is not the emitter's (a CT-e's tomador: 610110/610111). */
  author?: string;
}

/**
 * What the events use case reads of any kind's EnvioEvento; a kind's reader adds its own fields (the
 * NF-e's: EventoInput).
 */
export interface EventHeader {
  /** ModeloDocumento as the request states it. */
  modelo: string;
  tpEvento: string;
  chave?: string;
  numero?: number;
  serie?: number;
  /** Local date-time without offset, and the offset (EveDh + EveFusoHorario). */
  eveDh?: string;
  eveFuso?: string;
}

/** What an event handler is given: the InvoiCy request, the document it names, and the key's UF. */
export interface EventRequest<Input extends EventHeader = EventoInput> {
  input: Input;
  doc: DocumentRecord;
  /** The UF of the document's key (cOrgao of its authorizer). */
  uf: string;
}

/**
 * One tpEvento of a kind, as the events use case asks for it: the request's own fields (checked before
 * the document is looked up), the detEvento for the document (async: a kind may need the authorised
 * XML, e.g. to compute what a correction changes), then the document's state, deadlines and dates as
 * SEFAZ would check them (asked after a sequence already held has been answered).
 */
export interface EventHandler<Input extends EventHeader = EventoInput> {
  /** Highest nSeqEvento of the event (594 beyond it). */
  readonly maxSeq: number;
  /**
   * Registered at the Ambiente Nacional (cOrgao 91, its RecepcaoEvento) instead of the document's
   * authorizer: the NF-e destinatário's manifestação.
   */
  readonly ambienteNacional?: boolean;
  /** The event's own fields (text, sequence, references); undefined when valid. */
  checkFields(input: Input): Refusal | undefined;
  /**
   * The document the event is about when it is not one of the company's by chave or number (a CT-e's
   * tomador declaring a desacordo on another company's CT-e); absent: the company's document.
   */
  locate?(ctx: CompanyContext, input: Input): Promise<DocumentRecord | Refusal>;
  plan(ctx: CompanyContext, req: EventRequest<Input>): Promise<EventPlan | Refusal>;
  /** Async for a kind whose rules read the document's XML or its other events (the CT-e). */
  checkState(ctx: CompanyContext, doc: DocumentRecord, at: Date, input: Input): Refusal | undefined | Promise<Refusal | undefined>;
  /**
   * Events of the type differ only in their text under successive sequences (a CC-e): SEFAZ's record
   * under a sequence is this event only when its detEvento is the same. Its text ends the 573 answer.
   */
  readonly repeatable?: { duplicateHint: string };
}

/** Events of a kind: what the ERP may send, how one is written and recorded. */
export interface DocumentEvents<Input extends EventHeader = EventoInput> {
  /** The kind's EnvioEvento (layout problems: code 145, all at once); `defaultOffset` is the company UF's. */
  read(xml: string, o: { defaultOffset: string; now: Date }): { ok: true; input: Input } | { ok: false; problems: string[] };
  /** The handler of every tpEvento the events use case sends, by tpEvento. */
  handlers: Readonly<Partial<Record<string, EventHandler<Input>>>>;
  /** The refusal of an EveTp without handler: not offered yet, registered by the service itself, or outside the layout. */
  unhandled(tpEvento: string): Refusal;
  /** The unsigned event for a document's key. */
  unsigned(p: { cOrgao: string; tpAmb: TpAmb; cnpj: string; chave: string; dhEvento: string; tpEvento: string; nSeq: number; det: string }): string;
  /** The element the signature covers. */
  signedTag: string;
  /** Events that cancel the document once registered. */
  cancelling: readonly string[];
  /** The cancellation (tpEvento and detEvento content) the discard job sends for an authorised document. */
  cancellation(p: { nProt: string; xJust: string }): { tpEvento: string; det: string };
  /** The distribution document of a registered event (signed event + SEFAZ's answer). */
  proc(signedEventXml: string, answerRaw: string): string;
}

/** The EPEC of a kind (prior registration of the document's summary at the Ambiente Nacional). */
export interface DocumentEpec<Draft> {
  readonly tpEvento: string;
  /** Why this document cannot use EPEC (it is then never re-keyed for it); undefined when it can. */
  unavailable(draft: Draft): string | undefined;
  /** The unsigned event of the re-keyed (tpEmis 4) rendition. */
  event(ctx: CompanyContext, draft: Draft, signed: Signed, uf: string): string;
}

/**
 * Method syntax on purpose: a DocumentType<NfeDraft> serves where a DocumentType<unknown> is asked
 * (the draft only travels between the type's own methods).
 */
export interface DocumentType<Draft> extends DocumentNoun {
  /** InvoiCy ModeloDocumento names of the kind and their model codes ({ NFe: '55', NFCe: '65' }). */
  readonly modelos: Readonly<Record<string, DocModel>>;

  /**
   * The InvoiCy layout (`parsed`: the same text already parsed by the SOAP layer) → draft or field
   * errors; `unknownFields` is the company's choice, `tolerated` what the reader let through (logged).
   */
  read(layoutXml: string, parsed?: OrderedNode[], unknownFields?: UnknownFieldsPolicy): { ok: true; draft: Draft; tolerated?: string[] } | { ok: false; errors: string[] };
  facts(draft: Draft): DraftFacts;
  /** The same draft under another série and without number (the focus transition's re-issue). */
  withSerie(draft: Draft, serie: number): Draft;

  /** Checks that need no number (e.g. the NFC-e's CSC), then the plan of the document's work. */
  plan(ctx: CompanyContext, draft: Draft, uf: string): Promise<Issue | Refusal>;
  /** The schema errors of a signed document; undefined when valid or when no schemas are configured. */
  validate(ctx: CompanyContext, signedXml: string): Promise<string[] | undefined>;
  /**
   * SEFAZ's business rules the signed document alone decides, checked before sending: the rejection
   * SEFAZ would answer (its cStat and xMotivo), or undefined. Absent for a kind without such rules.
   */
  precheck?(signedXml: string, at: { model: DocModel; now: Date }): { cStat: string; xMotivo: string } | undefined;
  /** The numbered document re-rendered with a contingency tpEmis (new key), signed and validated. */
  renderForContingency(ctx: CompanyContext, draft: Draft, doc: DocumentRecord, uf: string, tpEmis: ContingencyTpEmis): Promise<RenditionOutcome>;
  readonly epec: DocumentEpec<Draft>;

  /**
   * Several documents of one call that travel together in asynchronous lotes within SEFAZ's limits:
   * the groups (indexes, in order); undefined when documents of this model go one by one.
   */
  lotes(model: DocModel, signedXmls: readonly string[]): number[][] | undefined;
  readonly services: DocumentServices;
  /**
   * Where a number range is voided: 'sefaz' (the inutilização service) or 'local' when the kind has no
   * such service (CT-e 4.00): numbers SEFAZ never authorised are closed in the gateway's numbering only.
   */
  readonly inutilizacao: 'sefaz' | 'local';
  readonly events: DocumentEvents<EventHeader>;
  /** Whether a protocol belongs in the distribution document of this key and signature digest. */
  attachable(prot: Protocol, chave: string, digestValue: string): boolean;
  /** The distribution document: the signed XML exactly as sent followed by the protocol as received. */
  proc(signedXml: string, protocolRaw: string): string;
}

export function isRefusal(v: Issue | EventPlan | DocumentRecord | Refusal): v is Refusal {
  return (v as Refusal).code !== undefined;
}
