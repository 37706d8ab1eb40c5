// Start-up recovery (contingency-and-numbering.md §6, §8): what a crash left half done, settled once
// when the process starts and without any 108 (the ERP already has an answer, or will consult):
// * `sending` (sync or lote, with or without nRec): unknown fate → recibo, then consulta by key;
//   authorised/denied → adopted; otherwise pending (105) with stage `sending`, so the pending-retry
//   job consults again after the queue wait and only then re-sends the same key;
// * `signed`, never answered: certainly not sent → pending (105), transmitted by the pending-retry job;
// * `received`/`numbered` (no signed XML yet): nothing reached SEFAZ → Rejeitado with 199 "not
//   transmitted", so the ERP may send that number again (never made pending: the ERP got no answer and
//   may already be sending it again — under a new number when the gateway had numbered it);
// * events left `sending` → pending (re-sent by the pending-retry job).
// Only rows last touched before this run started are considered: newer ones belong to live requests.
import { type DocumentRecord } from '../../store/port';
import { DOC_STATUS } from '../../fiscal/document-state';
import type { CompanyContext } from '../context';
import { SitCodigo, TEXT } from '../codes';
import { recordRejection } from '../outcome';
import { settleUnknownFate } from './pending-retry';
import type { JobRun } from './common';

export interface RecoverySummary {
  [k: string]: number;
  found: number;
  settled: number;
  pending: number;
  rejected: number;
  events: number;
}

/** One pass at start (the store's largest page): a crash leaves at most the requests then in flight. */
const RECOVERY_BATCH = 1000;

async function recoverDocument(run: JobRun, ctx: CompanyContext, doc: DocumentRecord, signedXml: string | null): Promise<'settled' | 'pending' | 'rejected'> {
  if (doc.stage === 'received' || doc.stage === 'numbered' || !signedXml) {
    await recordRejection(ctx, doc, String(SitCodigo.naoTransmitido), TEXT.naoTransmitido);
    return 'rejected';
  }
  if (doc.stage === 'sending') {
    const settled = await settleUnknownFate(run, ctx, doc, signedXml);
    if (settled !== 'wait' && settled !== 'resend') return 'settled';
  }
  // Pending for the retry job; an unknown fate waits out the SEFAZ queue before the next consulta.
  await ctx.store.updateDocument(ctx.company.id, doc.id, {
    cStat: String(SitCodigo.pendente), xMotivo: TEXT.emProcessamento,
    nextAttemptAt: run.at(doc.stage === 'sending' ? run.options.unknownFateWaitMs : 0),
  });
  return 'pending';
}

export async function recoverAfterCrash(run: JobRun): Promise<RecoverySummary> {
  const summary: RecoverySummary = { found: 0, settled: 0, pending: 0, rejected: 0, events: 0 };
  const before = run.now.getTime();
  const docs = (await run.store.findDocumentsForJob({
    docStatus: [DOC_STATUS.PENDENTE], stage: ['received', 'numbered', 'signed', 'sending'], dueBefore: run.now, limit: RECOVERY_BATCH,
  })).filter((d) => d.updatedAt.getTime() < before && (d.cStat === null || d.stage === 'sending'));
  for (const listed of docs) {
    if (run.stopped) break;
    summary.found += 1;
    const ctx = await run.context(listed.companyId);
    // Read again to be recovered, with its signed XML (whether one was written tells how far it got).
    const doc = ctx && (await ctx.store.getDocument(ctx.company.id, listed.id));
    const xml = ctx && doc && (await ctx.store.getDocumentXml(ctx.company.id, doc.id, ['xmlSigned']));
    if (!ctx || !doc || !xml) continue;
    const step = await recoverDocument(run, ctx.withLog({ numero: String(doc.numero), serie: String(doc.serie), chave: doc.chave ?? undefined }), doc, xml.xmlSigned);
    summary[step] += 1;
  }
  const events = await run.store.findEventsForJob({ status: ['sending'], limit: RECOVERY_BATCH });
  for (const ev of events.filter((e) => e.updatedAt.getTime() < before)) {
    await run.store.updateEvent(ev.companyId, ev.id, { status: 'pending', cStat: String(SitCodigo.pendente), xMotivo: TEXT.eventoPendente });
    summary.events += 1;
  }
  if (summary.found > 0) run.log.warn('recuperação após queda: documentos encontrados em andamento', summary);
  return summary;
}
