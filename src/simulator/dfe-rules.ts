// The Ambiente Nacional's distribution rules as the simulator models them (dfe-distribution.md §4–6,
// §10), pure: a query, the consumer's shared position and the list's facts in; the answer's cStat,
// positions and the consumer's next state out. Every call goes through `blocked` first: a query
// during a 656 block restarts the hour (rule 4).

/** Thresholds (§10: configurable). */
export interface DfeLimits {
  /** consNSU + consChNFe per CNPJ in a rolling hour; the next one is 656 (rule 3). */
  keyQueriesPerHour: number;
  /** The wait after 137 / ultNSU = maxNSU, and the length of a 656 block. */
  holdMs: number;
  /** docZip per answer. */
  maxDocuments: number;
  /** Documents older than this are no longer distributed (90 days). */
  retentionMs: number;
  /** NSUs only for parties that queried within this time (NT v1.10, 60 days); undefined = every party. */
  inactivityMs?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEFAULT_DFE_LIMITS: DfeLimits = { keyQueriesPerHour: 20, holdMs: HOUR, maxDocuments: 50, retentionMs: 90 * DAY };

/** The position the Ambiente Nacional keeps per CNPJ: shared by every system that queries it (§5.1). */
export interface DfeConsumer {
  /** ultNSU of the last distNSU answer (any system's). */
  lastUltNSU?: number;
  lastDistAtMs?: number;
  /** No distNSU before this (after 137 or a caught-up answer): rule 1. */
  nothingUntilMs?: number;
  blockUntilMs?: number;
  blockReason?: string;
  /** Instants of consNSU/consChNFe answered in the last hour. */
  keyQueries: number[];
}

/** The facts of the party's list a decision needs. */
export interface ListFacts {
  maxNSU: number;
  /** NSUs greater than `after`, received at or after `sinceMs`, ascending, at most `limit`. */
  after(after: number, sinceMs: number, limit: number): number[];
  /** Whether the NSU exists and was received at or after `sinceMs`. */
  available(nsu: number, sinceMs: number): boolean;
}

export const MOTIVO = {
  wait: 'Rejeicao: Consumo Indevido (Deve ser aguardado 1 hora para efetuar nova solicitacao caso nao existam mais documentos a serem pesquisados. Tente apos 1 hora)',
  sequence: 'Rejeicao: Consumo Indevido (Deve ser utilizado o ultNSU nas solicitacoes subsequentes. Tente apos 1 hora)',
  limit: (n: number) => `Rejeicao: Consumo Indevido (Ultrapassou o limite de ${n} consultas por hora)`,
} as const;

export type DistDecision =
  | { cStat: '138'; nsus: number[]; ultNSU: number; maxNSU: number }
  | { cStat: '137'; ultNSU: number; maxNSU: number }
  /** distNSU's 656 carries the last ultNSU of the CNPJ and maxNSU 0 (rule 5); key queries' carry neither. */
  | { cStat: '656'; xMotivo: string; ultNSU?: number }
  | { cStat: '589'; maxNSU: number };

export interface Decided {
  answer: DistDecision;
  next: DfeConsumer;
}

function block(c: DfeConsumer, nowMs: number, limits: DfeLimits, reason: string, dist: boolean): Decided {
  const next = { ...c, blockUntilMs: nowMs + limits.holdMs, blockReason: reason };
  return { answer: { cStat: '656', xMotivo: reason, ...(dist ? { ultNSU: c.lastUltNSU ?? 0 } : {}) }, next };
}

/** A query during a block: 656 with the block's reason, the hour restarted (rule 4). */
function blocked(c: DfeConsumer, nowMs: number, limits: DfeLimits, dist: boolean): Decided | undefined {
  if (c.blockUntilMs === undefined || nowMs >= c.blockUntilMs) return undefined;
  return block(c, nowMs, limits, c.blockReason ?? MOTIVO.wait, dist);
}

/**
 * distNSU(u): block → 589 past maxNSU → 656 within the hour after "nothing more" → 656 out of
 * sequence within the hour of the last call; an out-of-sequence call after a quiet hour is the
 * integraNotas case (§5.1): 137 with no documents, ultNSU = the shared position. Otherwise up to
 * maxDocuments after u (those past retention skipped), 137 when none is left; both 137 and a
 * caught-up 138 (ultNSU = maxNSU) start the hour of rule 1.
 */
export function decideDistNsu(c: DfeConsumer, u: number, list: ListFacts, nowMs: number, limits: DfeLimits): Decided {
  const during = blocked(c, nowMs, limits, true);
  if (during) return during;
  const maxNSU = list.maxNSU;
  if (u > maxNSU) return { answer: { cStat: '589', maxNSU }, next: c };
  if (c.nothingUntilMs !== undefined && nowMs < c.nothingUntilMs) return block(c, nowMs, limits, MOTIVO.wait, true);
  const hold = (ultNSU: number) => (ultNSU >= maxNSU ? nowMs + limits.holdMs : undefined);
  if (c.lastUltNSU !== undefined && u !== c.lastUltNSU) {
    if (c.lastDistAtMs !== undefined && nowMs - c.lastDistAtMs < limits.holdMs) return block(c, nowMs, limits, MOTIVO.sequence, true);
    const ultNSU = c.lastUltNSU;
    return { answer: { cStat: '137', ultNSU, maxNSU }, next: { ...c, lastDistAtMs: nowMs, nothingUntilMs: hold(ultNSU) } };
  }
  const nsus = list.after(u, nowMs - limits.retentionMs, limits.maxDocuments);
  if (nsus.length === 0) {
    return { answer: { cStat: '137', ultNSU: maxNSU, maxNSU }, next: { ...c, lastUltNSU: maxNSU, lastDistAtMs: nowMs, nothingUntilMs: nowMs + limits.holdMs } };
  }
  const ultNSU = nsus[nsus.length - 1];
  return { answer: { cStat: '138', nsus, ultNSU, maxNSU }, next: { ...c, lastUltNSU: ultNSU, lastDistAtMs: nowMs, nothingUntilMs: hold(ultNSU) } };
}

/** consNSU / consChNFe admission: block, then the rolling limit (the one past it is 656 and blocks). */
export function admitKeyQuery(c: DfeConsumer, nowMs: number, limits: DfeLimits): Decided | { next: DfeConsumer } {
  const during = blocked(c, nowMs, limits, false);
  if (during) return during;
  const recent = c.keyQueries.filter((t) => nowMs - t < HOUR);
  if (recent.length >= limits.keyQueriesPerHour) return block({ ...c, keyQueries: recent }, nowMs, limits, MOTIVO.limit(limits.keyQueriesPerHour), false);
  return { next: { ...c, keyQueries: [...recent, nowMs] } };
}

/** consNSU(n) once admitted: 589 past maxNSU, 138 with that one document, 137 when it is not (or no longer) there. */
export function decideConsNsu(n: number, list: ListFacts, nowMs: number, limits: DfeLimits): DistDecision {
  if (n > list.maxNSU) return { cStat: '589', maxNSU: list.maxNSU };
  if (n >= 1 && list.available(n, nowMs - limits.retentionMs)) return { cStat: '138', nsus: [n], ultNSU: n, maxNSU: list.maxNSU };
  return { cStat: '137', ultNSU: n, maxNSU: list.maxNSU };
}

/** What consChNFe knows of the NF-e and the requester (dfe-distribution.md §4). */
export interface KeyFacts {
  exists: boolean;
  status?: 'authorized' | 'denied' | 'cancelled';
  authorizedAtMs?: number;
  isEmitter: boolean;
  related: boolean;
}

/** consChNFe refusals in the AN's order: 217, 641, 640, 632, 653, 654; undefined = the NF-e is delivered. */
export function consChaveRefusal(f: KeyFacts, nowMs: number, limits: DfeLimits): '217' | '641' | '640' | '632' | '653' | '654' | undefined {
  if (!f.exists) return '217';
  if (f.isEmitter) return '641';
  if (!f.related) return '640';
  if (f.authorizedAtMs !== undefined && nowMs - f.authorizedAtMs > limits.retentionMs) return '632';
  if (f.status === 'cancelled') return '653';
  if (f.status === 'denied') return '654';
  return undefined;
}
