// What an ERP is answered from the DF-e capture (issue 15 §3), pure: the page of an NSU cursor
// (InvoiCy's DistribuicaoDFe with UsarUltimoNSU S) and the outcome of one on-demand consChNFe.
// The Ambiente Nacional is asked by the capture alone; these rules only read what it stored.
import { decideGapStep, pad15, type DfePolicy, type DfeState, type DistOutcome } from './dfe-sweep';

/** At most this many documents per DistribuicaoDFe answer (as the AN's docZip per answer). */
export const PAGE_SIZE = 50;

export interface PageInput {
  /** The ERP's cursor: documents after this NSU. */
  after: number;
  /** Captured NSUs above `after`, ascending (the first PAGE_SIZE are enough). */
  captured: readonly number[];
  /** The lowest NSU above `after` still pending recovery (consNSU), if any. */
  lowestPending?: number;
  /** The capture's position (ultNSU): every NSU up to it is stored, pending, or proven undeliverable. */
  position: number;
  /** The highest NSU the AN said exists (maxNSU). */
  maxNSU: number;
}

export interface Page {
  /** The NSUs to deliver, ascending (≤ PAGE_SIZE). */
  nsus: number[];
  /** Where the ERP continues from. */
  ultimoNSU: string;
  maximoNSU: string;
  /** The page stopped before an NSU still being recovered. */
  waitingFor?: string;
}

/**
 * One page of the cursor. It never passes an NSU still pending recovery: a document the gap filling
 * brings later would otherwise land behind the ERP's cursor and never reach it (gaps are fetched lowest
 * first, so the wait lasts as long as the AN's budget needs). Without a full page the cursor moves up to
 * the capture's position (what lies between is never delivered: not generated, expired, or before the
 * opt-in), so an ERP never re-asks an empty range.
 */
export function distributionPage(p: PageInput): Page {
  const bound = p.lowestPending !== undefined ? p.lowestPending - 1 : Number.POSITIVE_INFINITY;
  const nsus = p.captured.filter((n) => n > p.after && n <= bound).slice(0, PAGE_SIZE);
  const reach = Math.min(bound, p.position);
  const last = nsus.length === PAGE_SIZE ? nsus[nsus.length - 1] : Math.max(p.after, reach, ...nsus);
  return {
    nsus,
    ultimoNSU: pad15(last),
    maximoNSU: pad15(Math.max(p.maxNSU, p.position, last)),
    ...(p.lowestPending !== undefined && last === p.lowestPending - 1 ? { waitingFor: pad15(p.lowestPending) } : {}),
  };
}

/** consChNFe refusals about the key itself (dfe-distribution.md §4): answered, the position untouched. */
const KEY_REFUSALS = ['217', '236', '614', '615', '616', '617', '618', '619', '632', '640', '641', '653', '654'];

export type KeyLookupResult<D> =
  | { kind: 'found'; documents: D[] }
  /** 137: the AN has no NF-e of that key for this party (or no NSU for it). */
  | { kind: 'not-found' }
  | { kind: 'refused'; cStat: string; xMotivo: string }
  /** 656, 108/109, transport or configuration failures: the state says until when nothing goes. */
  | { kind: 'failed'; alert: string };

/** One on-demand consChNFe answer applied to the position (a key query of the capture's budget). */
export function decideKeyLookup<D extends { NSU?: string }>(
  state: DfeState, outcome: DistOutcome & { documents?: readonly D[] }, now: Date, policy: DfePolicy,
): { state: DfeState; result: KeyLookupResult<D> } {
  if (outcome.kind === 'answer' && KEY_REFUSALS.includes(outcome.cStat)) {
    return { state: { ...state, backoffMs: 0, backoffUntil: null }, result: { kind: 'refused', cStat: outcome.cStat, xMotivo: outcome.xMotivo } };
  }
  const d = decideGapStep<D>(state, outcome, now, policy);
  if (d.status === 'fetched') return { state: d.state, result: { kind: 'found', documents: d.store } };
  if (d.status === 'never_generated') return { state: d.state, result: { kind: 'not-found' } };
  return { state: d.state, result: { kind: 'failed', alert: d.alert ?? 'consulta por chave não respondida' } };
}
