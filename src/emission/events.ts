// EnvioEvento (contract §11.3), for any document type: the request is read, the document found, the
// type's handler for the tpEvento checks the fields and the document and says what to send (the NF-e's:
// nfe/events.ts); the sequence is reserved in the store (concurrent requests never share one), the
// event signed and stored before and after the SEFAZ call; a transport failure leaves it pending (105).
import { authorizerFor } from '../sefaz/endpoints';
import type { SefazTarget } from '../sefaz/client';
import type { SefazCredentials } from '../sefaz/transport';
import { SefazTransportError } from '../sefaz/errors';
import { signXml } from '../signing/xmldsig';
import { formatDateTime, parseDateTime } from '../fiscal/datetime';
import { ufCode } from '../fiscal/ufs';
import { eventDateTime } from '../fiscal/event-rules';
import { XmlInputError } from '../xml/parse';
import type { DocumentRecord, EventRecord } from '../store/port';
import type { DocModel } from '../fiscal/document-state';
import { DOC_STATUS } from '../fiscal/document-state';
import type { DocumentRequest, DocumentResult } from '../invoicy/types';
import { CertificateProblem, type CompanyContext } from './context';
import { SitCodigo, TEXT } from './codes';
import { InputError, readEnvioEvento } from './inputs';
import { eventOutcome, eventRefusal, modelCode, refusal } from './results';
import { docUf } from './outcome';
import { isRefusal, type DocumentType, type EventHandler, type EventHeader, type EventPlan, type Refusal } from './document-type';
import { documentTypeForModel, documentTypeOf, modelRefusal } from './document-types';

const REGISTERED = ['135', '136', '155'];
/** cOrgao of the Ambiente Nacional. */
const AN_C_ORGAO = '91';
/** Duplicidade de evento: SEFAZ already holds that sequence. */
const DUPLICATE_EVENT = '573';
class EventRefusal extends Error {
  constructor(readonly code: number | string, message: string) {
    super(message);
  }
}

function refuse(code: number | string, text: string): never {
  throw new EventRefusal(code, text);
}

function refuseWith(r: Refusal): never {
  return refuse(r.code, r.text);
}

function check(r: Refusal | undefined): void {
  if (r) refuseWith(r);
}

function layoutError(problem: string): never {
  return refuse(SitCodigo.layout, `Erro no layout do evento: ${problem}`);
}

/** The type's handler of an EveTp; the type's own refusal when it has none. */
function handlerFor(type: DocumentType<unknown>, tpEvento: string): EventHandler {
  return type.events.handlers[tpEvento] ?? refuseWith(type.events.unhandled(tpEvento));
}

async function findDocument(ctx: CompanyContext, input: EventHeader, model: DocModel): Promise<DocumentRecord> {
  let doc: DocumentRecord | undefined;
  if (input.chave) doc = await ctx.store.findDocumentByChave(ctx.company.id, input.chave);
  else if (input.numero !== undefined && input.serie !== undefined) {
    doc = await ctx.store.findDocumentByNumber(ctx.company.id, ctx.tpAmb, model, input.serie, input.numero);
  } else layoutError('informe ChaAcesso ou NtfNumero e NtfSerie');
  if (!doc || doc.model !== model) refuse(SitCodigo.naoEncontrado, 'Documento não localizado na base de dados do emissor para este evento');
  return doc;
}

/** The detEvento content of a signed evento (or of the procEventoNFe holding it). */
function detOf(xml: string | null): string | undefined {
  return xml ? /<detEvento[^>]*>([\s\S]*?)<\/detEvento>/.exec(xml)?.[1] : undefined;
}

/**
 * The answer to a request whose sequence is held by another row: in flight → 105 "em processamento";
 * the same event (same detEvento) → its stored outcome; another text → 573, nothing sent.
 */
function takenReply(ctx: CompanyContext, doc: DocumentRecord, ev: EventRecord, det: string): DocumentResult {
  const type = documentTypeOf(doc.model);
  if (ev.status === 'sending') return eventRefusal(doc, ev, SitCodigo.pendente, TEXT.eventoEmProcessamento(ev.tpEvento, ev.nSeq));
  if (detOf(ev.xmlSigned) === det) return eventOutcome(doc, ev, ctx.offset);
  const held = ev.status === 'registered'
    ? `já está registrada com outro texto${ev.nProt ? ` (protocolo ${ev.nProt})` : ''}`
    : 'está pendente de envio à SEFAZ com outro texto';
  const hint = type.events.handlers[ev.tpEvento]?.repeatable?.duplicateHint ?? '';
  return eventRefusal(doc, ev, DUPLICATE_EVENT, `Rejeição: Duplicidade de evento: a sequência ${ev.nSeq} do evento ${ev.tpEvento} ${held}${hint}`);
}

/** The row already holding the plan's sequence (not a rejected one: that one may be sent again). */
async function holder(ctx: CompanyContext, doc: DocumentRecord, p: EventPlan): Promise<EventRecord | undefined> {
  if (p.nSeq === undefined) return undefined;
  return (await ctx.store.listEvents(ctx.company.id, doc.id)).find((e) => e.tpEvento === p.tpEvento && e.nSeq === p.nSeq && e.status !== 'rejected');
}

/**
 * Reserves the event's sequence (atomically: concurrent requests never share one), then signs, stores
 * and transmits it. `stored` when the sequence is held by another row (in flight, pending or
 * registered); 594 when no sequence is left. Used by EnvioEvento and by the discard job.
 */
export async function issueEvent(
  ctx: CompanyContext, doc: DocumentRecord, p: EventPlan, opts: { requestXml: string | null; dhEvento?: string },
): Promise<{ doc: DocumentRecord; ev: EventRecord } | { stored: EventRecord }> {
  const type = documentTypeOf(doc.model);
  const handler = type.events.handlers[p.tpEvento];
  if (!handler) throw new Error(`evento ${p.tpEvento} sem tratamento para o modelo ${doc.model}`);
  const maxSeq = handler.maxSeq;
  const r = await ctx.store.reserveEvent(ctx.company.id, {
    documentId: doc.id, tpEvento: p.tpEvento, nSeq: p.nSeq, maxSeq, heldBy: [DUPLICATE_EVENT], requestXml: opts.requestXml,
  });
  if (r.kind === 'exhausted') {
    refuse(594, `Rejeição: O número de sequencia do evento informado é maior que o permitido (as ${maxSeq} sequências do evento ${p.tpEvento} deste documento já foram usadas)`);
  }
  if (r.kind === 'taken') return { stored: r.event };
  // Only an accepted document (it has its key) reaches an event.
  const chave = doc.chave;
  if (!chave) throw new Error(`evento ${p.tpEvento} para o documento ${doc.id}, que não tem chave de acesso`);
  let ev = r.event;
  let signed: string;
  try {
    const cert = await ctx.certificate();
    const events = type.events;
    const unsigned = events.unsigned({
      cOrgao: handler.ambienteNacional ? AN_C_ORGAO : ufCode(docUf(ctx, doc)), tpAmb: doc.tpAmb, cnpj: p.author ?? ctx.company.cnpj, chave,
      dhEvento: opts.dhEvento ?? formatDateTime(ctx.now(), ctx.offset),
      tpEvento: p.tpEvento, nSeq: ev.nSeq, det: p.det,
    });
    signed = await signXml(unsigned, { tag: events.signedTag, keyPem: cert.cert.keyPem, certPem: cert.cert.certPem });
    ev = (await ctx.store.updateEvent(ctx.company.id, ev.id, { xmlSigned: signed })) ?? ev;
  } catch (err) {
    // Never sent: the reserved sequence is freed for the next request.
    await ctx.store.updateEvent(ctx.company.id, ev.id, {
      status: 'rejected', cStat: String(SitCodigo.erroInterno), xMotivo: 'Erro interno ao assinar o evento; envie-o novamente',
      lastError: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
  ctx.log.info('evento enviado', { tpEvento: p.tpEvento, nSeq: ev.nSeq });
  return transmitEvent(ctx, doc, ev, signed);
}

/**
 * Sends one stored, signed event and records SEFAZ's answer: registered (a cancellation also cancels
 * the document), rejected, or pending (105) on a transport failure. Also used to retry pending events.
 */
export async function transmitEvent(ctx: CompanyContext, doc: DocumentRecord, ev: EventRecord, signed: string): Promise<{ doc: DocumentRecord; ev: EventRecord }> {
  const { credentials } = await ctx.certificate();
  const type = documentTypeOf(doc.model);
  const uf = docUf(ctx, doc);
  // A document authorised by an SVC has its events at that SVC (its key's tpEmis says which); a
  // manifestação goes to the Ambiente Nacional, and its document's authorizer still answers consultas.
  const target = { uf, model: doc.model, tpAmb: doc.tpAmb, authorizer: authorizerFor(uf, doc.model, doc.tpEmis), log: ctx.log };
  const receiver = type.events.handlers[ev.tpEvento]?.ambienteNacional ? { ...target, authorizer: 'AN' } : target;
  let ret;
  try {
    ret = await type.services.sendEvents(ctx, receiver, credentials, [signed]);
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    ev = (await ctx.store.updateEvent(ctx.company.id, ev.id, { status: 'pending', cStat: String(SitCodigo.pendente), xMotivo: TEXT.eventoPendente, lastError: err.message })) ?? ev;
    ctx.log.warn('evento pendente', { error: err.message });
    return { doc, ev };
  }
  const r = ret.events[0];
  if (ret.cStat === '128' && r && REGISTERED.includes(r.cStat)) {
    return registered(ctx, doc, ev, { cStat: r.cStat, xMotivo: r.xMotivo, nProt: r.nProt, dhRegEvento: r.dhRegEvento, xmlProc: type.events.proc(signed, r.raw) });
  }
  if (r?.cStat === DUPLICATE_EVENT) {
    // Sent before with an unknown fate (a pending retry): SEFAZ already holds it — adopt its record.
    const known = await registeredAtSefaz(ctx, target, credentials, doc, ev);
    if (known) return registered(ctx, doc, ev, known);
  }
  const cStat = r?.cStat ?? ret.cStat;
  const xMotivo = r?.xMotivo ?? ret.xMotivo;
  ev = (await ctx.store.updateEvent(ctx.company.id, ev.id, { status: 'rejected', cStat, xMotivo })) ?? ev;
  return { doc, ev };
}

interface RegisteredEvent { cStat: string; xMotivo: string; nProt?: string; dhRegEvento: string; xmlProc: string }

async function registered(ctx: CompanyContext, doc: DocumentRecord, ev: EventRecord, r: RegisteredEvent): Promise<{ doc: DocumentRecord; ev: EventRecord }> {
  ev = (await ctx.store.updateEvent(ctx.company.id, ev.id, {
    status: 'registered', cStat: r.cStat, xMotivo: r.xMotivo, nProt: r.nProt ?? null,
    dhReg: parseDateTime(r.dhRegEvento) ?? null, xmlProc: r.xmlProc, lastError: null,
  })) ?? ev;
  const type = documentTypeOf(doc.model);
  if (type.events.cancelling.includes(ev.tpEvento)) {
    doc = (await ctx.store.updateDocument(ctx.company.id, doc.id, { docStatus: DOC_STATUS.CANCELADO, cStat: '101', xMotivo: `Cancelamento de ${type.label} homologado` })) ?? doc;
  }
  return { doc, ev };
}

/** The event as SEFAZ registered it (consulta by key), or undefined when SEFAZ does not show it. */
async function registeredAtSefaz(ctx: CompanyContext, target: SefazTarget, credentials: SefazCredentials, doc: DocumentRecord, ev: EventRecord): Promise<RegisteredEvent | undefined> {
  if (!doc.chave) return undefined;
  try {
    const type = documentTypeOf(doc.model);
    const sit = await type.services.consult(ctx, target, credentials, doc.chave);
    // A CC-e SEFAZ holds under this sequence with another text is not this one: adopting it would drop this text.
    const repeatable = type.events.handlers[ev.tpEvento]?.repeatable !== undefined;
    const same = (raw: string) => !repeatable || detOf(raw) === detOf(ev.xmlSigned);
    const found = sit.events.find((e) => e.answer.tpEvento === ev.tpEvento && e.answer.nSeq === ev.nSeq
      && REGISTERED.includes(e.answer.cStat) && same(e.proc));
    return found && { ...found.answer, xmlProc: found.proc };
  } catch (err) {
    if (err instanceof SefazTransportError) return undefined;
    throw err;
  }
}

/**
 * The request as the type its ModeloDocumento names reads it; without such a type, the NF-e-shaped
 * reading (the model refusal follows).
 */
function readRequest(ctx: CompanyContext, req: DocumentRequest): { input: EventHeader } | { problem: string } {
  const model = modelCode(req.modelo);
  const type = model && documentTypeForModel(model);
  try {
    if (!type) return { input: readEnvioEvento(req.documentXml) };
    const r = type.events.read(req.documentXml, { defaultOffset: ctx.offset, now: ctx.now() });
    return r.ok ? { input: r.input } : { problem: r.problems.join('; ') };
  } catch (err) {
    if (err instanceof InputError || err instanceof XmlInputError) return { problem: err.message };
    throw err;
  }
}

export async function processEvento(ctx: CompanyContext, req: DocumentRequest): Promise<DocumentResult> {
  const read = readRequest(ctx, req);
  if ('problem' in read) {
    return refusal(req.modelo, SitCodigo.layout, `Erro no layout do evento: ${read.problem}`);
  }
  const input = read.input;
  const modelo = req.modelo || input.modelo;
  const model = modelCode(modelo);
  const ids = { numero: input.numero, serie: input.serie, chave: input.chave };
  if (!model) {
    const r = modelRefusal(modelo);
    return refusal(modelo, r.code, r.text, ids);
  }

  try {
    const handler = handlerFor(documentTypeOf(model), input.tpEvento);
    const when = eventDateTime({ eveDh: input.eveDh, fuso: input.eveFuso, defaultOffset: ctx.offset, now: ctx.now() });
    if ('problem' in when) layoutError(when.problem);
    check(handler.checkFields(input));
    const located = handler.locate ? await handler.locate(ctx, input) : await findDocument(ctx, input, model);
    if (isRefusal(located)) refuseWith(located);
    let doc = located;
    ctx.log.add({ chave: doc.chave ?? undefined, numero: String(doc.numero), serie: String(doc.serie) });
    const p = await handler.plan(ctx, { input, doc, uf: docUf(ctx, doc) });
    if (isRefusal(p)) refuseWith(p);
    // A sequence already in use is answered before the state checks: a resend of a registered
    // cancellation gets its stored outcome although the document is cancelled by now.
    const held = await holder(ctx, doc, p);
    if (held) return takenReply(ctx, doc, held, p.det);
    check(await handler.checkState(ctx, doc, when.at, input));
    await ctx.certificate();

    const issued = await issueEvent(ctx, doc, p, { requestXml: req.documentXml, dhEvento: when.dhEvento });
    if ('stored' in issued) return takenReply(ctx, doc, issued.stored, p.det);
    const ev = issued.ev;
    doc = issued.doc;
    ctx.log.add({ cStat: ev.cStat ?? undefined });
    if (ev.status !== 'pending') ctx.log.info('evento respondido', { tpEvento: p.tpEvento, nSeq: ev.nSeq, cStat: ev.cStat });
    return eventOutcome(doc, ev, ctx.offset);
  } catch (err) {
    if (err instanceof EventRefusal || err instanceof CertificateProblem) {
      return refusal(modelo, err.code, err.message, ids);
    }
    throw err;
  }
}
