// The numbering-gap job (issue 14 §4; contingency-and-numbering.md §7.5): finds each enabled
// company's gaps (fiscal/numbering-gaps.ts) and, once a gap is old enough or its legal deadline (day
// 10 of the following month, Ajuste SINIEF 07/05 cl. 14ª) is near, voids it by inutilização — only
// for a company with voidGaps on; every other company gets a log line of what would be voided, and
// nothing is sent or changed. A gap never holds a number that may still be in flight (pending 105,
// necessita interação, EPEC, off-line, a discard, a pending inutilização), and each range is read
// again just before it is sent.
//
// Only models whose document type has the inutilização service at SEFAZ: CT-e 4.00 has none
// (`inutilizacao: 'local'`), so a CT-e gap is nothing SEFAZ expects to be voided; closing it locally
// would only hide it from the report. CT-e gaps stay in the report (`numbering gaps`, PuloNumeracao).
import { DOC_STATUS, type DocModel } from '../../fiscal/document-state';
import { formatGapNumbers, gapCount, gapVerdict, mergeRanges, type GapRange, type SerieGaps } from '../../fiscal/numbering-gaps';
import { CertificateProblem, type CompanyContext } from '../context';
import { documentTypeOf } from '../document-types';
import { sendInutilizacao } from '../inutilizacao';
import { gapReport, issuedModels } from '../numbering-gaps';
import { modeloName } from '../results';
import type { JobRun } from './common';

/**
 * Numbers per inutilização request. SEFAZ's range limit is a UF parameter nobody publishes
 * (sefaz-nfe.md §14, cStat 201): stay well below any.
 */
export const MAX_VOID_RANGE = 1000;
/** A range SEFAZ refused is tried again after this long (not on every run). */
const REJECTED_RETRY_MS = 86_400_000;

export interface GapJobSummary {
  [k: string]: number;
  companies: number;
  /** Numbers found missing. */
  gaps: number;
  /** Of them, younger than the minimum age and far from their deadline. */
  waiting: number;
  /** Due numbers of companies in report-only mode (nothing sent). */
  reportOnly: number;
  voided: number;
  /** Sent, no answer: the inutilização stays pending (its numbers blocked). */
  pending: number;
  rejected: number;
  /** Due, not sent this run: scope in contingency, no valid certificate, a number taken since, a recent rejection. */
  deferred: number;
  /** Due numbers already past their legal deadline. */
  late: number;
}

type RangeOutcome = 'voided' | 'pending' | 'rejected' | 'deferred';

function voidableModels(): DocModel[] {
  return issuedModels().filter((m) => documentTypeOf(m).inutilizacao === 'sefaz');
}

async function voidRange(run: JobRun, ctx: CompanyContext, s: SerieGaps, range: { nIni: number; nFin: number }): Promise<RangeOutcome> {
  const numeros = range.nIni === range.nFin ? String(range.nIni) : `${range.nIni}-${range.nFin}`;
  // A number may have been taken since the report (a client's number, a resend, a discard).
  const docs = await ctx.store.queryDocuments(ctx.company.id, {
    tpAmb: ctx.tpAmb, model: s.model, serie: s.serie, numeroFrom: range.nIni, numeroTo: range.nFin, limit: MAX_VOID_RANGE,
  });
  const taken = docs.filter((d) => d.docStatus !== DOC_STATUS.REJEITADO || d.discardRequested);
  if (taken.length) {
    ctx.log.info('pulo de numeração não inutilizado: número em uso desde a consulta', { numeros, emUso: taken.map((d) => d.numero).join(',') });
    return 'deferred';
  }
  const refused = (await ctx.store.listInutilizacoes(ctx.company.id, { tpAmb: ctx.tpAmb, model: s.model, serie: s.serie, status: ['rejected'], limit: 1000 }))
    .find((i) => i.nIni <= range.nFin && range.nIni <= i.nFin && run.now.getTime() - i.updatedAt.getTime() < REJECTED_RETRY_MS);
  if (refused) return 'deferred';
  const cert = await ctx.certificate();
  const inut = await sendInutilizacao(ctx, { model: s.model, serie: s.serie, nIni: range.nIni, nFin: range.nFin, xJust: run.options.gapJustification }, cert);
  if (inut.status === 'authorized') {
    ctx.log.info('pulo de numeração inutilizado', { numeros, cStat: inut.cStat, nProt: inut.nProt });
    return 'voided';
  }
  if (inut.status === 'pending') {
    ctx.log.warn('inutilização de pulo de numeração sem resposta da SEFAZ (pendente)', { numeros, motivo: inut.xMotivo });
    return 'pending';
  }
  ctx.log.error('inutilização de pulo de numeração rejeitada pela SEFAZ: verifique a numeração', { numeros, cStat: inut.cStat, xMotivo: inut.xMotivo });
  return 'rejected';
}

async function serieRun(run: JobRun, ctx: CompanyContext, s: SerieGaps, summary: GapJobSummary): Promise<void> {
  const policy = { minAgeMs: run.options.gapMinAgeMs, deadlineDay: run.options.gapDeadlineDay };
  const due: GapRange[] = [];
  const late: GapRange[] = [];
  for (const gap of s.gaps) {
    const verdict = gapVerdict(gap, run.now, policy);
    if (verdict.action === 'wait') continue;
    due.push(gap);
    if (verdict.late) late.push(gap);
  }
  const found = gapCount(s.gaps);
  const count = gapCount(due);
  summary.gaps += found;
  summary.waiting += found - count;
  summary.late += gapCount(late);
  if (!count) return;
  const detail = { numeros: formatGapNumbers(due), ...(late.length ? { foraDoPrazo: formatGapNumbers(late) } : {}) };
  if (!ctx.company.voidGaps) {
    summary.reportOnly += count;
    ctx.log.warn('pulos de numeração a inutilizar (empresa em modo somente relatório: nada enviado)', detail);
    return;
  }
  if (await ctx.contingency.isInContingency({ tpAmb: ctx.tpAmb, uf: ctx.company.uf, model: s.model })) {
    summary.deferred += count;
    ctx.log.info('pulos de numeração aguardam o fim da contingência', detail);
    return;
  }
  for (const range of mergeRanges(due, MAX_VOID_RANGE)) {
    if (run.stopped) return;
    summary[await voidRange(run, ctx, s, range)] += range.nFin - range.nIni + 1;
  }
}

export async function runNumberingGaps(run: JobRun): Promise<GapJobSummary> {
  const summary: GapJobSummary = { companies: 0, gaps: 0, waiting: 0, reportOnly: 0, voided: 0, pending: 0, rejected: 0, deferred: 0, late: 0 };
  const models = voidableModels();
  for (const company of await run.store.listCompanies()) {
    if (run.stopped) break;
    const companyCtx = await run.context(company.id);
    if (!companyCtx) continue;
    summary.companies += 1;
    for (const s of await gapReport(run.store, company.id, { tpAmb: companyCtx.tpAmb, models })) {
      if (run.stopped) break;
      const ctx = companyCtx.withLog({ cnpj: company.cnpj, modelo: modeloName(s.model), serie: String(s.serie) });
      try {
        await serieRun(run, ctx, s, summary);
      } catch (err) {
        if (!(err instanceof CertificateProblem)) throw err;
        summary.deferred += gapCount(s.gaps);
        ctx.log.error('pulos de numeração não inutilizados: certificado da empresa', { motivo: err.message });
      }
    }
  }
  return summary;
}
