// Pending documents and events (105) retried once their scope is NORMAL (contingency-and-numbering.md
// §6): a document whose last transmission had an unknown fate is settled by consulta first (never a
// blind resend); one never sent goes to the normal authorizer with its own key. Back-off between
// attempts; after PENDING_MAX_ATTEMPTS certain failures the document becomes Rejeitado (IC-STATUS).
import { type DocumentRecord, type EventRecord } from '../../store/port';
import { DOC_STATUS } from '../../fiscal/document-state';
import { AUTHORISED_CSTATS, DENIAL_CSTATS, SitCodigo, TEXT } from '../codes';
import { applyProtocol, recordRejection, sefazTarget } from '../outcome';
import { transmitEvent } from '../events';
import { PENDING_MAX_ATTEMPTS, pendingBackoff } from '../../contingency/policy';
import { SefazTransportError } from '../../sefaz/errors';
import type { CompanyContext } from '../context';
import { documentTypeOf } from '../document-types';
import { consultKey, scopeIsNormal, transmitStored, type JobRun } from './common';

export interface PendingSummary {
  [k: string]: number;
  tried: number;
  settled: number;
  stillPending: number;
  gaveUp: number;
  waiting: number;
}

const EVENT_INTERRUPTED = 'Rejeição: processamento do evento interrompido antes do envio à SEFAZ; envie o evento novamente';

function gaveUpText(cause: string): string {
  return `Rejeição: documento não transmitido após ${PENDING_MAX_ATTEMPTS} tentativas automáticas; último erro: ${cause}`;
}

/** Waits for the next attempt; an unknown fate keeps stage `sending` so the next one consults first. */
async function reschedule(run: JobRun, ctx: CompanyContext, doc: DocumentRecord, cause: string, unknownFate: boolean): Promise<void> {
  const wait = Math.max(pendingBackoff(doc.attempts), unknownFate ? run.options.unknownFateWaitMs : 0);
  await ctx.store.updateDocument(ctx.company.id, doc.id, {
    nextAttemptAt: run.at(wait), lastError: cause,
    cStat: doc.cStat ?? String(SitCodigo.pendente), xMotivo: doc.xMotivo ?? TEXT.pendente,
  });
}

type Step = 'settled' | 'pending' | 'gave-up';

/** The recibo of a lote never answered: 104 settles, 105 waits, anything else falls to the consulta. */
async function checkRecibo(ctx: CompanyContext, doc: DocumentRecord, nRec: string): Promise<DocumentRecord | 'processing' | undefined> {
  const { credentials } = await ctx.certificate();
  try {
    const rec = await documentTypeOf(doc.model).services.recibo(ctx, sefazTarget(ctx, doc), credentials, nRec);
    if (rec.cStat === '105') return 'processing';
    const prot = rec.cStat === '104' ? rec.protocols.find((p) => p.chave === doc.chave) : undefined;
    return prot ? await applyProtocol(ctx, doc, prot) : undefined;
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    return 'processing';
  }
}

/**
 * Settles a document whose transmission may have reached SEFAZ: recibo (when known), then consulta
 * by key. Authorised/denied → adopted. 217 → `resend` (same key: SEFAZ answers 204 if it was
 * processed after all), or Rejeitado for a contingency key (§5.3: the ERP may send the number again).
 */
export async function settleUnknownFate(run: JobRun, ctx: CompanyContext, doc: DocumentRecord, signedXml: string | null): Promise<DocumentRecord | 'resend' | 'wait'> {
  if (doc.nRec) {
    const byRecibo = await checkRecibo(ctx, doc, doc.nRec);
    if (byRecibo === 'processing') return 'wait';
    if (byRecibo) return byRecibo;
  }
  if (!doc.chave) throw new Error(`documento ${doc.id} sem chave de acesso não pode ser consultado`);
  const facts = await consultKey(ctx, doc, doc.chave);
  if (facts.kind === 'transport-error') return 'wait';
  const prot = facts.ret.protocol;
  if (prot && prot.chave === doc.chave && [...AUTHORISED_CSTATS, ...DENIAL_CSTATS].includes(prot.cStat)) return applyProtocol(ctx, doc, prot);
  if (facts.cStat !== '217') return 'wait';
  if (doc.tpEmis === '1' && signedXml) return 'resend';
  return recordRejection(ctx, doc, facts.cStat, facts.xMotivo);
}

async function retryDocument(run: JobRun, ctx: CompanyContext, doc: DocumentRecord, signedXml: string | null): Promise<Step> {
  if (!signedXml || !doc.chave) {
    await recordRejection(ctx, doc, String(SitCodigo.naoTransmitido), TEXT.naoTransmitido);
    return 'gave-up';
  }
  if (doc.stage === 'sending') {
    const settled = await settleUnknownFate(run, ctx, doc, signedXml);
    if (settled === 'wait') {
      await reschedule(run, ctx, doc, doc.lastError ?? 'situação na SEFAZ ainda desconhecida', true);
      return 'pending';
    }
    if (settled !== 'resend') return 'settled';
  }
  const sent = await transmitStored(ctx, doc, signedXml);
  if (sent.kind === 'answered') return 'settled';
  if (sent.kind === 'not-sent' && sent.doc.attempts >= PENDING_MAX_ATTEMPTS) {
    await recordRejection(ctx, sent.doc, sent.cStat ?? String(SitCodigo.naoTransmitido), gaveUpText(sent.cause));
    return 'gave-up';
  }
  // An unknown fate is never given up on: only SEFAZ's answer to the consulta may close it.
  await reschedule(run, ctx, sent.doc, sent.cause, sent.kind === 'unknown');
  return 'pending';
}

/** A pending document: answered 105 to the ERP (cStat set) and not referenced for discard. */
function isRetryable(doc: DocumentRecord): boolean {
  return doc.cStat !== null && !doc.discardRequested;
}

export async function retryPendingDocuments(run: JobRun): Promise<PendingSummary> {
  const summary: PendingSummary = { tried: 0, settled: 0, stillPending: 0, gaveUp: 0, waiting: 0 };
  const docs = await run.store.findDocumentsForJob({ docStatus: [DOC_STATUS.PENDENTE], dueBefore: run.now, discardRequested: false, limit: run.options.batchSize });
  for (const listed of docs.filter(isRetryable)) {
    if (run.stopped) break;
    const ctx = await run.context(listed.companyId);
    if (!ctx || !(await scopeIsNormal(ctx, listed))) {
      summary.waiting += 1;
      continue;
    }
    // Read again once it is to be worked on, with the signed XML it is sent with.
    const doc = await ctx.store.getDocument(ctx.company.id, listed.id);
    const xml = doc && (await ctx.store.getDocumentXml(ctx.company.id, doc.id, ['xmlSigned']));
    if (!doc || !xml) continue;
    summary.tried += 1;
    const step = await retryDocument(run, ctx.withLog({ numero: String(doc.numero), serie: String(doc.serie), chave: doc.chave ?? undefined }), doc, xml.xmlSigned);
    if (step === 'settled') summary.settled += 1;
    else if (step === 'gave-up') summary.gaveUp += 1;
    else summary.stillPending += 1;
  }
  return summary;
}

async function retryEvent(run: JobRun, ctx: CompanyContext, doc: DocumentRecord, ev: EventRecord): Promise<Step> {
  const signedXml = ev.xmlSigned;
  if (!signedXml) throw new Error(`evento ${ev.id} pendente sem XML assinado`);
  const sending = await ctx.store.updateEvent(ctx.company.id, ev.id, { status: 'sending', attempts: ev.attempts + 1 });
  if (!sending) return 'pending';
  const { ev: after } = await transmitEvent(ctx, doc, sending, signedXml);
  if (after.status !== 'pending') return 'settled';
  const cause = after.lastError ?? TEXT.eventoPendente;
  if (after.attempts >= PENDING_MAX_ATTEMPTS) {
    await ctx.store.updateEvent(ctx.company.id, ev.id, { status: 'rejected', cStat: String(SitCodigo.naoTransmitido), xMotivo: gaveUpText(cause) });
    return 'gave-up';
  }
  await ctx.store.updateEvent(ctx.company.id, ev.id, { nextAttemptAt: run.at(pendingBackoff(after.attempts)) });
  return 'pending';
}

export async function retryPendingEvents(run: JobRun): Promise<PendingSummary> {
  const summary: PendingSummary = { tried: 0, settled: 0, stillPending: 0, gaveUp: 0, waiting: 0 };
  const events = await run.store.findEventsForJob({ status: ['pending'], dueBefore: run.now, limit: run.options.batchSize });
  for (const ev of events) {
    if (run.stopped) break;
    const ctx = await run.context(ev.companyId);
    if (ctx && !ev.xmlSigned) {
      // Reserved but never signed (a crash in between): certainly not sent, so its sequence is freed.
      await ctx.store.updateEvent(ev.companyId, ev.id, { status: 'rejected', cStat: String(SitCodigo.naoTransmitido), xMotivo: EVENT_INTERRUPTED });
      summary.gaveUp += 1;
      continue;
    }
    const doc = ctx && (await ctx.store.getDocument(ev.companyId, ev.documentId));
    if (!ctx || !doc || !(await scopeIsNormal(ctx, doc))) {
      summary.waiting += 1;
      continue;
    }
    summary.tried += 1;
    const step = await retryEvent(run, ctx.withLog({ chave: doc.chave ?? undefined, tpEvento: ev.tpEvento }), doc, ev);
    if (step === 'settled') summary.settled += 1;
    else if (step === 'gave-up') summary.gaveUp += 1;
    else summary.stillPending += 1;
  }
  if (summary.gaveUp > 0) run.log.warn('eventos pendentes desistidos (limite de tentativas, ou nunca assinados)', { eventos: summary.gaveUp });
  return summary;
}
