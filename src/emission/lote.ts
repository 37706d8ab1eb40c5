// Several documents of one company in one call → asynchronous lotes (indSinc 0), grouped by their
// document type within SEFAZ's limits (DocumentType.lotes): nRec
// persisted in every document before the first poll, recibo polled after ≈ tMed with back-off, bounded
// by `maxWaitMs`; what is still open then stays `sending` with its nRec for a job (answer 105).
import { setTimeout as sleep } from 'node:timers/promises';
import { SefazTransportError } from '../sefaz/errors';
import type { DocumentRecord } from '../store/port';
import type { DocumentResult } from '../invoicy/types';
import { DEFAULT_LOTE_POLLING, type CompanyContext } from './context';
import { SitCodigo } from './codes';
import { applyProtocol, markUnknownFate, recordRejection, resultOf, sefazTarget, settleByConsulta } from './outcome';
import { judgeTransportFailure, settleTransportFailure } from './outage';
import type { ReadyDocument } from './issue';
import { documentTypeOf } from './document-types';

async function patchAll(ctx: CompanyContext, docs: DocumentRecord[], patch: (d: DocumentRecord) => Parameters<CompanyContext['store']['updateDocument']>[2]): Promise<DocumentRecord[]> {
  return Promise.all(docs.map(async (d) => (await ctx.store.updateDocument(ctx.company.id, d.id, patch(d))) ?? d));
}

export async function sendLote(ctx: CompanyContext, readies: ReadyDocument[]): Promise<DocumentResult[]> {
  const polling = { ...DEFAULT_LOTE_POLLING, ...ctx.deps.lotePolling };
  let docs = await patchAll(ctx, readies.map((r) => r.doc), (d) => ({ stage: 'sending', attempts: d.attempts + 1 }));
  const target = sefazTarget(ctx, docs[0]);
  const services = documentTypeOf(docs[0].model).services;
  const { credentials } = await ctx.certificate();
  ctx.log.info('lote enviado', { documentos: docs.length, indSinc: 0 });

  const finish = async (list: DocumentRecord[]) => {
    const fresh = await Promise.all(list.map(async (d) => (await ctx.store.getDocument(ctx.company.id, d.id)) ?? d));
    return Promise.all(fresh.map((d) => resultOf(ctx, d)));
  };

  let ret;
  try {
    ret = await services.authorize(ctx, target, credentials, { indSinc: '0', signedXmls: readies.map((r) => r.signedXml) });
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    const verdict = await judgeTransportFailure(ctx, docs[0], err);
    for (const d of docs) await settleTransportFailure(ctx, d, err, verdict);
    return finish(docs);
  }
  if (ret.cStat === '108' || ret.cStat === '109') {
    for (const d of docs) await markUnknownFate(ctx, d, `${ret.cStat} - ${ret.xMotivo}`);
    return finish(docs);
  }
  if (ret.cStat !== '103' || !ret.nRec) {
    // The lote was refused as a whole (or answered inline): each document takes that answer.
    for (const d of docs) {
      const prot = ret.protocols.find((p) => p.chave === d.chave);
      await (prot ? applyProtocol(ctx, d, prot) : recordRejection(ctx, d, ret.cStat, ret.xMotivo));
    }
    return finish(docs);
  }

  const nRec = ret.nRec;
  docs = await patchAll(ctx, docs, () => ({
    nRec, docStatus: 1, cStat: String(SitCodigo.pendente), xMotivo: `Lote em processamento na SEFAZ (recibo ${nRec}); consulte a situação do documento`,
  }));
  ctx.log.info('lote recebido pela SEFAZ', { nRec });

  const open = new Map(docs.map((d) => [d.chave, d]));
  const deadline = Date.now() + polling.maxWaitMs;
  let delay = Math.min(Math.max(Number(ret.tMed ?? 1) * 1000, polling.minDelayMs), polling.maxDelayMs);
  while (open.size > 0 && Date.now() + delay <= deadline) {
    await sleep(delay);
    delay = Math.min(delay * 2, polling.maxDelayMs);
    let rec;
    try {
      rec = await services.recibo(ctx, target, credentials, nRec);
    } catch (err) {
      if (!(err instanceof SefazTransportError)) throw err;
      ctx.log.warn('consulta de recibo falhou', { nRec, error: err.message });
      continue;
    }
    if (rec.cStat === '105') continue;
    if (rec.cStat === '104') {
      for (const prot of rec.protocols) {
        const d = open.get(prot.chave);
        if (!d) continue;
        await applyProtocol(ctx, d, prot);
        open.delete(prot.chave);
      }
      continue;
    }
    if (rec.cStat === '106') {
      // Recibo unknown to SEFAZ: the truth comes from each key.
      for (const [chave, d] of open) if (await settleByConsulta(ctx, d)) open.delete(chave);
    }
    ctx.log.warn('recibo sem resultado', { nRec, cStat: rec.cStat });
    break;
  }
  if (open.size > 0) ctx.log.warn('lote ainda em processamento; documentos deixados para o job', { nRec, documentos: open.size });
  return finish(docs);
}
