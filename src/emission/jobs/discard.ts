// Discard (contingency-and-numbering.md §5.2): a document named by SubstituirDocumento or
// DescartarDocumento is consulted by every key it had, once its scope is NORMAL, until SEFAZ gives a
// definitive answer: authorised → cancellation 110111 with the standard justification → Cancelado (5);
// unknown to SEFAZ (217 twice, old enough) → inutilização of that single number → Inutilizado (6);
// already cancelled/voided → 5/6; denied → 12. `discardState` is persisted before each side effect.
//
// Also §5.3: a "necessita interação" document (4) NOT referenced for discard is settled by consulta:
// authorised → adopted (2); unknown to SEFAZ → Rejeitado (3), so the ERP may send that number again.
import { type DocumentRecord, type EventRecord } from '../../store/port';
import { DOC_STATUS } from '../../fiscal/document-state';
import { discardDecision, pendingBackoff, type DiscardDecision } from '../../contingency/policy';
import type { CompanyContext } from '../context';
import { documentTypeOf } from '../document-types';
import { applyProtocol, settleByConsulta } from '../outcome';
import { issueEvent, transmitEvent } from '../events';
import { sendInutilizacao } from '../inutilizacao';
import { saveDocument } from '../save';
import { consultKey, scopeIsNormal, type JobRun, type KeyFacts } from './common';

/** Values of DocumentRecord.discardState written by this job. */
export const DISCARD_STATE = {
  consulting: 'consultando',
  notFoundOnce: 'nao-localizado-1',
  cancelling: 'cancelando',
  voiding: 'inutilizando',
  cancelled: 'cancelado',
  voided: 'inutilizado',
  denied: 'denegado',
  manual: 'acao-manual',
} as const;

const DAY = 86_400_000;
/** Statuses a discard can start from: the 108 document, a pending or rejected one, or an authorised one. */
const DISCARDABLE = [DOC_STATUS.NECESSITA_INTERACAO, DOC_STATUS.PENDENTE, DOC_STATUS.REJEITADO, DOC_STATUS.AUTORIZADO, DOC_STATUS.CONTINGENCIA_SVC];
/** Answers of an inutilização that mean "that number is void at SEFAZ". */
const ALREADY_VOID = ['206', '256', '563'];

export interface DiscardSummary {
  [k: string]: number;
  consulted: number;
  cancelled: number;
  voided: number;
  denied: number;
  retryLater: number;
  manual: number;
  waiting: number;
  settled: number;
}

type Outcome = 'cancelled' | 'voided' | 'denied' | 'retryLater' | 'manual';

async function retryLater(run: JobRun, ctx: CompanyContext, doc: DocumentRecord, reason: string): Promise<Outcome> {
  // pendingBackoff keeps the consultas of a key under SEFAZ's 10 per hour.
  await saveDocument(ctx, doc, { attempts: doc.attempts + 1, nextAttemptAt: run.at(pendingBackoff(doc.attempts + 1)), lastError: reason });
  return 'retryLater';
}

async function manual(run: JobRun, ctx: CompanyContext, doc: DocumentRecord, reason: string): Promise<Outcome> {
  ctx.log.error('descarte exige ação manual do suporte', { numero: doc.numero, serie: doc.serie, motivo: reason });
  await saveDocument(ctx, doc, { discardState: DISCARD_STATE.manual, lastError: reason, nextAttemptAt: run.at(DAY) });
  return 'manual';
}

/** One decision per key; the one to act on comes first (an authorised key must be cancelled). */
const PRIORITY: DiscardDecision['action'][] = ['cancel', 'retry-later', 'manual', 'already-cancelled', 'denied', 'confirm-not-found', 'inutilizar', 'already-voided'];

async function cancel(run: JobRun, ctx: CompanyContext, doc: DocumentRecord, facts: KeyFacts & { kind: 'answer' }): Promise<Outcome> {
  const prot = facts.ret.protocol;
  if (!prot?.nProt) return retryLater(run, ctx, doc, 'consulta sem protocolo de autorização');
  // Adopt the authorisation first: the cancellation needs the document authorised locally.
  if (doc.docStatus !== DOC_STATUS.AUTORIZADO && doc.docStatus !== DOC_STATUS.CONTINGENCIA_SVC) {
    doc = await applyProtocol(ctx, doc, prot);
    if (doc.docStatus !== DOC_STATUS.AUTORIZADO) return manual(run, ctx, doc, `protocolo ${prot.nProt} não corresponde ao XML assinado guardado`);
  }
  doc = await saveDocument(ctx, doc, { discardState: DISCARD_STATE.cancelling });
  const plan = { ...documentTypeOf(doc.model).events.cancellation({ nProt: prot.nProt, xJust: run.options.cancelJustification }), nSeq: 1 };
  const issued = await issueEvent(ctx, doc, plan, { requestXml: null });
  // Already stored: registered (a crash after SEFAZ answered); pending or sending → send it again (a
  // second copy meets 573 and adopts SEFAZ's record); not signed yet → its request is still at it.
  let ev: EventRecord;
  if (!('stored' in issued)) ev = issued.ev;
  else if (issued.stored.status === 'registered' || !issued.stored.xmlSigned) ev = issued.stored;
  else ev = (await transmitEvent(ctx, doc, issued.stored, issued.stored.xmlSigned)).ev;
  if (ev.status === 'registered') {
    await saveDocument(ctx, doc, { docStatus: DOC_STATUS.CANCELADO, cStat: '101', xMotivo: 'Cancelamento de NF-e homologado', discardState: DISCARD_STATE.cancelled, lastError: null });
    return 'cancelled';
  }
  if (ev.cStat === '501') return manual(run, ctx, doc, `cancelamento recusado fora do prazo (501): ${ev.xMotivo}`);
  // Pending (transport) or another rejection (e.g. 573): the next consulta tells what happened.
  return retryLater(run, ctx, doc, `cancelamento não registrado: ${ev.cStat} - ${ev.xMotivo}`);
}

async function voidNumber(run: JobRun, ctx: CompanyContext, doc: DocumentRecord): Promise<Outcome> {
  const model = doc.model;
  if (model === '57') return manual(run, ctx, doc, 'CT-e sem serviço de inutilização');
  doc = await saveDocument(ctx, doc, { discardState: DISCARD_STATE.voiding });
  const cert = await ctx.certificate();
  const inut = await sendInutilizacao(ctx, { model, serie: doc.serie, nIni: doc.numero, nFin: doc.numero, xJust: run.options.inutJustification }, cert);
  if (inut.status === 'authorized' || ALREADY_VOID.includes(inut.cStat ?? '')) {
    await saveDocument(ctx, doc, { docStatus: DOC_STATUS.INUTILIZADO, cStat: '102', xMotivo: 'Inutilização de número homologado', discardState: DISCARD_STATE.voided, lastError: null });
    return 'voided';
  }
  // 241: SEFAZ knows the number after all → the next consulta finds it. Transport: still pending.
  if (inut.status === 'pending' || inut.cStat === '241') return retryLater(run, ctx, doc, `inutilização não homologada: ${inut.cStat} - ${inut.xMotivo}`);
  return manual(run, ctx, doc, `inutilização rejeitada: ${inut.cStat} - ${inut.xMotivo}`);
}

async function discardOne(run: JobRun, ctx: CompanyContext, doc: DocumentRecord): Promise<Outcome> {
  const keys = [...new Set([doc.chave, ...doc.previousChaves].filter((k): k is string => !!k))];
  // Never keyed: the number never left the gateway.
  if (keys.length === 0) return voidNumber(run, ctx, doc);
  if (!doc.discardState) doc = await saveDocument(ctx, doc, { discardState: DISCARD_STATE.consulting });
  const answers: { key: string; facts: KeyFacts; decision: DiscardDecision }[] = [];
  for (const key of keys) {
    const facts = await consultKey(ctx, doc, key);
    const decision = discardDecision({
      consulta: facts.kind === 'transport-error' ? 'transport-error' : { cStat: facts.cStat, cancelEventRegistered: facts.cancelEventRegistered },
      now: run.now,
      // The row is created just before its transmission: a close, conservative bound of the failure.
      failedAt: doc.createdAt,
      tMedSeconds: 0,
      notFoundBefore: doc.discardState === DISCARD_STATE.notFoundOnce ? 1 : 0,
      minWaitMs: run.options.unknownFateWaitMs,
    });
    answers.push({ key, facts, decision });
  }
  answers.sort((a, b) => PRIORITY.indexOf(a.decision.action) - PRIORITY.indexOf(b.decision.action));
  const { key, facts, decision } = answers[0];
  ctx.log.info('descarte: consulta', { chaveConsultada: key, decisao: decision.action });
  switch (decision.action) {
    case 'cancel':
      if (key !== doc.chave || facts.kind !== 'answer') return manual(run, ctx, doc, `chave anterior ${key} autorizada: cancele-a manualmente`);
      return cancel(run, ctx, doc, facts);
    case 'retry-later':
      return retryLater(run, ctx, doc, decision.reason);
    case 'manual':
      return manual(run, ctx, doc, decision.reason);
    case 'already-cancelled':
      await saveDocument(ctx, doc, { docStatus: DOC_STATUS.CANCELADO, cStat: '101', xMotivo: 'Documento já cancelado na SEFAZ', discardState: DISCARD_STATE.cancelled, lastError: null });
      return 'cancelled';
    case 'denied': {
      const prot = facts.kind === 'answer' ? facts.ret.protocol : undefined;
      const adopted = prot && key === doc.chave ? await applyProtocol(ctx, doc, prot) : doc;
      await saveDocument(ctx, adopted, { docStatus: DOC_STATUS.DENEGADO, discardState: DISCARD_STATE.denied });
      return 'denied';
    }
    case 'confirm-not-found':
      await saveDocument(ctx, doc, { discardState: DISCARD_STATE.notFoundOnce, nextAttemptAt: run.at(pendingBackoff(1)) });
      return 'retryLater';
    case 'inutilizar':
      return voidNumber(run, ctx, doc);
    case 'already-voided':
      await saveDocument(ctx, doc, { docStatus: DOC_STATUS.INUTILIZADO, xMotivo: 'Número já inutilizado na SEFAZ', discardState: DISCARD_STATE.voided, lastError: null });
      return 'voided';
  }
}

/** §5.3: settle an unreferenced 108 document once the lost transmission cannot be queued anymore. */
async function settleUnreferenced(run: JobRun, ctx: CompanyContext, doc: DocumentRecord): Promise<boolean> {
  if (run.now.getTime() - doc.createdAt.getTime() < run.options.unknownFateWaitMs) return false;
  const settled = await settleByConsulta(ctx, doc);
  if (settled) return true;
  await saveDocument(ctx, doc, { nextAttemptAt: run.at(pendingBackoff(1)) });
  return false;
}

export async function runDiscards(run: JobRun): Promise<DiscardSummary> {
  const summary: DiscardSummary = { consulted: 0, cancelled: 0, voided: 0, denied: 0, retryLater: 0, manual: 0, waiting: 0, settled: 0 };
  const referenced = await run.store.findDocumentsForJob({ docStatus: DISCARDABLE, discardRequested: true, dueBefore: run.now, limit: run.options.batchSize });
  for (const listed of referenced) {
    if (run.stopped) break;
    if (listed.discardState === DISCARD_STATE.manual) continue;
    const ctx = await run.context(listed.companyId);
    if (!ctx || !(await scopeIsNormal(ctx, listed))) {
      summary.waiting += 1;
      continue;
    }
    // Read again once it is to be worked on: earlier documents of the batch took time.
    const doc = await ctx.store.getDocument(ctx.company.id, listed.id);
    if (!doc) continue;
    summary.consulted += 1;
    const outcome = await discardOne(run, ctx.withLog({ numero: String(doc.numero), serie: String(doc.serie), chave: doc.chave ?? undefined }), doc);
    summary[outcome] += 1;
  }
  const unreferenced = await run.store.findDocumentsForJob({ docStatus: [DOC_STATUS.NECESSITA_INTERACAO], discardRequested: false, dueBefore: run.now, limit: run.options.batchSize });
  for (const listed of unreferenced) {
    if (run.stopped) break;
    const ctx = await run.context(listed.companyId);
    if (!ctx || !(await scopeIsNormal(ctx, listed))) {
      summary.waiting += 1;
      continue;
    }
    const doc = await ctx.store.getDocument(ctx.company.id, listed.id);
    if (!doc) continue;
    if (await settleUnreferenced(run, ctx.withLog({ numero: String(doc.numero), serie: String(doc.serie), chave: doc.chave ?? undefined }), doc)) summary.settled += 1;
  }
  return summary;
}
