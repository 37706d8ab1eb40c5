// Numbering gaps (contingency-and-numbering.md §7.5; Ajuste SINIEF 07/05, cláusula décima quarta): a
// number of a série's used range that no authorised, denied, cancelled or voided document holds —
// a number skipped, or a rejected document never sent again. A number whose document may still be
// in flight (pending 105, necessita interação, EPEC, off-line, a discard under way) or inside a
// pending inutilização is never a gap. Pure: the store reads the facts, this decides.
import { DOC_STATUS, type DocModel, type DocStatus } from './document-state';

/** What the store knows of one série's numbers, in one read. */
export interface SerieNumbering {
  tpAmb: string;
  model: DocModel;
  serie: number;
  /** Runs of consecutive numbers that have a document, ascending; `since`: inclusion of the run's first document. */
  runs: { from: number; to: number; since: Date }[];
  /** The documents of the runs not settled for good (every status but authorised, denied, cancelled, voided). */
  open: { numero: number; docStatus: DocStatus; discardRequested: boolean; updatedAt: Date }[];
  /** Inutilização ranges holding their numbers (authorised or pending). */
  inutilizacoes: { nIni: number; nFin: number }[];
}

/** `skipped`: no document ever had the number; `rejected`: its document was rejected and not sent again. */
export type GapReason = 'skipped' | 'rejected';

export interface GapRange {
  nIni: number;
  nFin: number;
  reason: GapReason;
  /** When the gap appeared: inclusion of the document just above a skipped range, the rejection's last update. */
  since: Date;
}

export interface SerieGaps {
  tpAmb: string;
  model: DocModel;
  serie: number;
  gaps: GapRange[];
}

/** Statuses whose number is settled for good at SEFAZ. */
export const SETTLED_STATUSES: readonly DocStatus[] = [
  DOC_STATUS.AUTORIZADO, DOC_STATUS.CANCELADO, DOC_STATUS.INUTILIZADO, DOC_STATUS.DENEGADO, DOC_STATUS.CONTINGENCIA_SVC,
];

/** A rejected document nobody is settling: its number is free at SEFAZ. Any other open status may be in flight. */
function abandoned(doc: SerieNumbering['open'][number]): boolean {
  return doc.docStatus === DOC_STATUS.REJEITADO && !doc.discardRequested;
}

/** `range` minus the `taken` ranges, as ascending pieces. */
function subtract(range: { nIni: number; nFin: number }, taken: readonly { nIni: number; nFin: number }[]): { nIni: number; nFin: number }[] {
  let pieces = [range];
  for (const t of taken) {
    pieces = pieces.flatMap((p) => {
      if (t.nFin < p.nIni || t.nIni > p.nFin) return [p];
      return [
        ...(t.nIni > p.nIni ? [{ nIni: p.nIni, nFin: t.nIni - 1 }] : []),
        ...(t.nFin < p.nFin ? [{ nIni: t.nFin + 1, nFin: p.nFin }] : []),
      ];
    });
  }
  return pieces;
}

const inside = (n: number, ranges: readonly { nIni: number; nFin: number }[]) => ranges.some((r) => r.nIni <= n && n <= r.nFin);

/**
 * The gaps of one série, ascending. The used range runs from the lowest number known (a série taken
 * over from another emitter starts where its numbers here start) to the highest number held by a
 * document or inutilização that is not an abandoned rejection: rejected numbers at the top are the
 * next ones to resend, not gaps.
 */
export function serieGaps(s: SerieNumbering): SerieGaps {
  const free = new Map(s.open.filter(abandoned).map((d) => [d.numero, d]));
  let upper = Math.max(0, ...s.inutilizacoes.map((i) => i.nFin));
  for (const run of s.runs) {
    let top = run.to;
    while (top >= run.from && free.has(top)) top -= 1;
    if (top >= run.from) upper = Math.max(upper, top);
  }
  const gaps: GapRange[] = [];
  s.runs.forEach((run, i) => {
    const previousEnd = i === 0 ? undefined : s.runs[i - 1].to;
    if (previousEnd === undefined || previousEnd + 1 > Math.min(run.from - 1, upper)) return;
    for (const piece of subtract({ nIni: previousEnd + 1, nFin: Math.min(run.from - 1, upper) }, s.inutilizacoes)) {
      gaps.push({ ...piece, reason: 'skipped', since: run.since });
    }
  });
  for (const doc of free.values()) {
    if (doc.numero < upper && !inside(doc.numero, s.inutilizacoes)) gaps.push({ nIni: doc.numero, nFin: doc.numero, reason: 'rejected', since: doc.updatedAt });
  }
  gaps.sort((a, b) => a.nIni - b.nIni);
  return { tpAmb: s.tpAmb, model: s.model, serie: s.serie, gaps };
}

export function gapCount(gaps: readonly { nIni: number; nFin: number }[]): number {
  return gaps.reduce((n, g) => n + g.nFin - g.nIni + 1, 0);
}

/** Contiguous ranges merged (whatever their reason), each at most `maxSize` numbers long. */
export function mergeRanges(gaps: readonly { nIni: number; nFin: number }[], maxSize = Number.MAX_SAFE_INTEGER): { nIni: number; nFin: number }[] {
  const merged: { nIni: number; nFin: number }[] = [];
  for (const g of [...gaps].sort((a, b) => a.nIni - b.nIni)) {
    const last = merged.at(-1);
    if (last && g.nIni === last.nFin + 1) last.nFin = g.nFin;
    else merged.push({ nIni: g.nIni, nFin: g.nFin });
  }
  return merged.flatMap((r) => {
    const out: { nIni: number; nFin: number }[] = [];
    for (let n = r.nIni; n <= r.nFin; n += maxSize) out.push({ nIni: n, nFin: Math.min(n + maxSize - 1, r.nFin) });
    return out;
  });
}

/** The missing numbers as one text: "3-5, 8, 10-11" (a range where numbers follow each other). */
export function formatGapNumbers(gaps: readonly { nIni: number; nFin: number }[]): string {
  return mergeRanges(gaps).map((r) => (r.nIni === r.nFin ? String(r.nIni) : `${r.nIni}-${r.nFin}`)).join(', ');
}

// Months and the deadline day are counted in Brasília time (UTC−3, no daylight saving since 2019).
const BRASILIA_OFFSET_MS = -3 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The legal deadline of a gap that appeared at `since`: day `deadlineDay`, 00:00 Brasília time, of
 * the month after. Ajuste SINIEF 07/05 says "até o 10º dia do mês subsequente"; voiding *before* day
 * 10 (the default) leaves that whole day as margin.
 */
export function voidDeadline(since: Date, deadlineDay: number): Date {
  const local = new Date(since.getTime() + BRASILIA_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, deadlineDay) - BRASILIA_OFFSET_MS);
}

export interface VoidPolicy {
  /** A gap is voided once it is this old (the ERP may still resend a rejected number before). */
  minAgeMs: number;
  /** Day of the following month before which the gaps of a month are voided. */
  deadlineDay: number;
}

export type GapVerdict =
  /** Old enough (or its deadline is less than a day away): void it now; `late` when the deadline has passed. */
  | { action: 'void'; late: boolean }
  | { action: 'wait'; until: Date };

/**
 * When a gap is voided: once older than the minimum age, or earlier when its legal deadline is less
 * than a day away (a minimum age longer than the deadline allows never makes a gap late). A gap past
 * its deadline is still voided, and flagged late.
 */
export function gapVerdict(gap: GapRange, now: Date, policy: VoidPolicy): GapVerdict {
  const deadline = voidDeadline(gap.since, policy.deadlineDay).getTime();
  const ripe = Math.min(gap.since.getTime() + policy.minAgeMs, deadline - DAY_MS);
  if (now.getTime() < ripe) return { action: 'wait', until: new Date(ripe) };
  return { action: 'void', late: now.getTime() >= deadline };
}
