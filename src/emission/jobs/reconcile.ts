// EPEC reconciliation and transmission of off-line NFC-e (contingency-and-numbering.md §4, §3.2): once
// the scope is NORMAL, each EPEC document (DocStatus 10, tpEmis 4) and each off-line NFC-e (11,
// tpEmis 9) is sent synchronously with the SAME key and signed XML; 100 → Autorizado with its nfeProc,
// a rejection → Rejeitado with the cStat (both visible in consulta). Re-sending the same key is safe
// (SEFAZ answers 204 and the consulta adopts the truth), so an unknown fate simply waits for the next
// attempt. EPECs nearing the 168 h limit are logged, whatever the scope's state.
import { type DocumentRecord } from '../../store/port';
import { DOC_STATUS } from '../../fiscal/document-state';
import { epecWarning, pendingBackoff } from '../../contingency/policy';
import type { CompanyContext } from '../context';
import { scopeIsNormal, transmitStored, type JobRun } from './common';

export interface ReconcileSummary {
  [k: string]: number;
  sent: number;
  authorised: number;
  rejected: number;
  retryLater: number;
  waiting: number;
  epecWarnings: number;
}

/** When the EPEC was registered: its emission instant (the event carries the same dhEmi), else inclusion. */
function epecInstant(doc: DocumentRecord): Date {
  return doc.dhEmi ?? doc.createdAt;
}

function warnIfOld(run: JobRun, doc: DocumentRecord): boolean {
  const level = epecWarning(epecInstant(doc), run.now, run.options.epecWarnAfterHours);
  if (level === 'ok') return false;
  const fields = { numero: doc.numero, serie: doc.serie, chave: doc.chave, epecEm: epecInstant(doc).toISOString() };
  if (level === 'overdue') run.log.error('EPEC não conciliada há mais de 168 h: novas EPEC do emitente serão bloqueadas (142)', fields);
  else run.log.warn('EPEC perto do limite de 168 h sem conciliação', fields);
  return true;
}

async function reconcileOne(run: JobRun, ctx: CompanyContext, doc: DocumentRecord, signedXml: string, summary: ReconcileSummary): Promise<void> {
  summary.sent += 1;
  const sent = await transmitStored(ctx, doc, signedXml);
  if (sent.kind === 'answered') {
    if (sent.doc.docStatus === DOC_STATUS.AUTORIZADO) summary.authorised += 1;
    else summary.rejected += 1;
    ctx.log.info(doc.docStatus === DOC_STATUS.EPEC ? 'EPEC conciliada' : 'NFC-e off-line transmitida', { docStatus: sent.doc.docStatus, cStat: sent.doc.cStat });
    return;
  }
  summary.retryLater += 1;
  await ctx.store.updateDocument(ctx.company.id, doc.id, { nextAttemptAt: run.at(pendingBackoff(sent.doc.attempts)), lastError: sent.cause });
}

export async function reconcileContingencyDocuments(run: JobRun): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { sent: 0, authorised: 0, rejected: 0, retryLater: 0, waiting: 0, epecWarnings: 0 };
  const docs = await run.store.findDocumentsForJob({
    docStatus: [DOC_STATUS.EPEC, DOC_STATUS.CONTINGENCIA_OFFLINE], dueBefore: run.now, limit: run.options.batchSize,
  });
  for (const listed of docs) {
    if (run.stopped) break;
    if (listed.docStatus === DOC_STATUS.EPEC && warnIfOld(run, listed)) summary.epecWarnings += 1;
    const ctx = await run.context(listed.companyId);
    // Read again to be sent, with the signed XML it is sent with.
    const doc = ctx && (await ctx.store.getDocument(ctx.company.id, listed.id));
    const signedXml = ctx && doc && (await ctx.store.getDocumentXml(ctx.company.id, doc.id, ['xmlSigned']))?.xmlSigned;
    if (!ctx || !doc || !signedXml || !(await scopeIsNormal(ctx, doc))) {
      summary.waiting += 1;
      continue;
    }
    await reconcileOne(run, ctx.withLog({ numero: String(doc.numero), serie: String(doc.serie), chave: doc.chave ?? undefined }), doc, signedXml, summary);
  }
  return summary;
}
