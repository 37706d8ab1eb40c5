// The single-consumer DF-e distribution rules (dfe-distribution.md §5, §6, §8): given the persisted
// position of one (tpAmb, CNPJ, model), the clock and what the Ambiente Nacional answered, what to store,
// which NSUs are missing, the new position and when the next query may go. Pure: the caller records the
// call before sending it (recordCall) and persists the decided state before the next one.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const NSU_ZERO = '000000000000000';

/** TNSU: always 15 digits on the wire (unpadded → 215). */
export function pad15(n: number | string): string {
  return String(n).padStart(15, '0');
}

/** NSUs fit a double exactly (15 digits < 2^53). */
export function nsuValue(nsu: string): number {
  return Number(nsu);
}

export interface DfePolicy {
  /** All calls (distNSU, consNSU, consChNFe) per CNPJ and model in a rolling hour (§6: 20 by default). */
  callCap: number;
  /** consNSU + consChNFe per rolling hour (rule 3 of §6: 21st → 656). */
  keyQueryCap: number;
  /** Key queries gap filling leaves for on-demand key lookups. */
  keyReserve: number;
  /** The AN's wait after 137, ultNSU = maxNSU and 656. */
  holdMs: number;
  /** Added to every hold (clock skew; ≥ 1 minute). */
  marginMs: number;
  /** First back-off after 108/109/transport errors, doubling up to backoffMaxMs. */
  backoffMinMs: number;
  backoffMaxMs: number;
  /** The AN keeps documents this long; a missing NSU older than this is expired. */
  retentionDays: number;
}

export const DEFAULT_DFE_POLICY: DfePolicy = {
  callCap: 20, keyQueryCap: 20, keyReserve: 2, holdMs: HOUR, marginMs: 2 * MINUTE,
  backoffMinMs: 15 * MINUTE, backoffMaxMs: 4 * HOUR, retentionDays: 90,
};

/** Persisted per (tpAmb, CNPJ, model) (§8.1). */
export interface DfeState {
  ultNSU: string;
  maxNSU: string;
  /** No distNSU before this instant (after 137 or ultNSU = maxNSU). */
  holdUntil: Date | null;
  /** No query of any kind before this instant (after a 656: a query inside the block restarts it). */
  blockedUntil: Date | null;
  /** No query before this instant (108/109, transport errors, unexpected answers). */
  backoffUntil: Date | null;
  /** The last back-off applied (0: none since the last good answer). */
  backoffMs: number;
  /** Instants of every call of the last hour. */
  callLog: Date[];
  /** Instants of the consNSU/consChNFe calls of the last hour. */
  keyQueryLog: Date[];
  /** Follow an empty answer with ultNSU < maxNSU at once (§8.2); switched off by a 656 on such a follow-up. */
  continueWhenBehind: boolean;
}

export function initialDfeState(): DfeState {
  return {
    ultNSU: NSU_ZERO, maxNSU: NSU_ZERO, holdUntil: null, blockedUntil: null, backoffUntil: null, backoffMs: 0,
    callLog: [], keyQueryLog: [], continueWhenBehind: true,
  };
}

/** What a query produced: the AN's answer (only the fields these rules read) or a transport failure. */
export type DistOutcome =
  | { kind: 'answer'; cStat: string; xMotivo: string; ultNSU?: string; maxNSU?: string; documents: readonly { NSU?: string }[] }
  | { kind: 'transport'; error: string };

/** Inclusive range of NSUs, 15 digits each. */
export interface NsuRange {
  from: string;
  to: string;
}

function lastHour(log: readonly Date[], now: Date): Date[] {
  return log.filter((t) => now.getTime() - t.getTime() < HOUR);
}

export function callsLastHour(state: DfeState, now: Date): number {
  return lastHour(state.callLog, now).length;
}

export function keyQueriesLastHour(state: DfeState, now: Date): number {
  return lastHour(state.keyQueryLog, now).length;
}

/** The state with one more call logged (before it is sent: a crash never hides a call). Prunes old entries. */
export function recordCall(state: DfeState, now: Date, kind: 'dist' | 'key'): DfeState {
  return {
    ...state,
    callLog: [...lastHour(state.callLog, now), now],
    keyQueryLog: kind === 'key' ? [...lastHour(state.keyQueryLog, now), now] : lastHour(state.keyQueryLog, now),
  };
}

export type Gate =
  /** `calls`: how many queries may go now. */
  | { go: true; calls: number }
  | { go: false; reason: 'blocked' | 'backoff' | 'hold' | 'cap'; until: Date };

function after(instant: Date | null, now: Date): boolean {
  return instant !== null && now.getTime() < instant.getTime();
}

/** When the oldest logged call leaves the rolling hour. */
function capFreedAt(log: readonly Date[], now: Date): Date {
  const oldest = lastHour(log, now)[0];
  return new Date((oldest ?? now).getTime() + HOUR);
}

function common(state: DfeState, now: Date, policy: DfePolicy): Gate | undefined {
  if (after(state.blockedUntil, now)) return { go: false, reason: 'blocked', until: state.blockedUntil as Date };
  if (after(state.backoffUntil, now)) return { go: false, reason: 'backoff', until: state.backoffUntil as Date };
  if (callsLastHour(state, now) >= policy.callCap) return { go: false, reason: 'cap', until: capFreedAt(state.callLog, now) };
  return undefined;
}

/** May a sweep (distNSU) start now, and with how many calls at most (§8.2). */
export function sweepGate(state: DfeState, now: Date, policy: DfePolicy): Gate {
  const closed = common(state, now, policy);
  if (closed) return closed;
  if (after(state.holdUntil, now)) return { go: false, reason: 'hold', until: state.holdUntil as Date };
  return { go: true, calls: policy.callCap - callsLastHour(state, now) };
}

/**
 * May a key query (consNSU, consChNFe) go now (§8.3): gap filling leaves `keyReserve` of the hourly key
 * budget for on-demand lookups; an on-demand lookup may use it all. A distNSU hold does not stop them.
 */
export function keyQueryGate(state: DfeState, now: Date, policy: DfePolicy, purpose: 'gap' | 'on-demand'): Gate {
  const closed = common(state, now, policy);
  if (closed) return closed;
  const cap = purpose === 'gap' ? policy.keyQueryCap - policy.keyReserve : policy.keyQueryCap;
  const used = keyQueriesLastHour(state, now);
  if (used >= cap) return { go: false, reason: 'cap', until: capFreedAt(state.keyQueryLog, now) };
  return { go: true, calls: Math.min(cap - used, policy.callCap - callsLastHour(state, now)) };
}

/** NSUs in (after, upTo] that are not in `delivered`, as ranges. */
export function gapsBetween(after: number, upTo: number, delivered: readonly number[]): NsuRange[] {
  const ranges: NsuRange[] = [];
  let next = after + 1;
  for (const n of [...new Set(delivered)].filter((d) => d > after && d <= upTo).sort((a, b) => a - b)) {
    if (n > next) ranges.push({ from: pad15(next), to: pad15(n - 1) });
    next = n + 1;
  }
  if (next <= upTo) ranges.push({ from: pad15(next), to: pad15(upTo) });
  return ranges;
}

export function rangeSize(r: NsuRange): number {
  return nsuValue(r.to) - nsuValue(r.from) + 1;
}

export type StopReason =
  /** ultNSU = maxNSU, or 137: nothing more for an hour. */
  | 'caught-up'
  /** 656: blocked for an hour, never retried early. */
  | 'blocked'
  /** 108/109, transport error or an unexpected answer: back off. */
  | 'backoff'
  /** 589: our position was above the AN's; resynchronised. */
  | 'resync';

export interface SweepDecision<D> {
  state: DfeState;
  /** Documents to store, ascending NSU. */
  store: D[];
  /** NSUs to add to the missing list. */
  missing: NsuRange[];
  next: 'continue' | 'stop';
  stopReason?: StopReason;
  /** The next call follows an empty answer with ultNSU < maxNSU (its 656 switches continueWhenBehind off). */
  behindFollowUp: boolean;
  /** ultNSU jumped over NSUs we never received: another system consumed them. */
  concurrentJump?: NsuRange & { count: number };
  /** The first sweep started past NSUs it cannot tell apart (out of retention or taken by another system). */
  initialSkip?: NsuRange;
  /** For support staff (Portuguese). */
  alert?: string;
}

function hold(now: Date, policy: DfePolicy): Date {
  return new Date(now.getTime() + policy.holdMs + policy.marginMs);
}

function backOff(state: DfeState, now: Date, policy: DfePolicy): DfeState {
  const ms = state.backoffMs > 0 ? Math.min(state.backoffMs * 2, policy.backoffMaxMs) : policy.backoffMinMs;
  return { ...state, backoffMs: ms, backoffUntil: new Date(now.getTime() + ms) };
}

const OPERATOR_ADVICE = 'Nenhum outro sistema (ERP, contador, aplicativo da Receita) deve consultar a distribuição deste CNPJ: desative-os; os NSUs saltados serão buscados um a um por consNSU.';

/**
 * One distNSU answer applied to the state (§8.2). `behindFollowUp`: this call followed an empty answer
 * with ultNSU < maxNSU. A first sweep (position 0) does not list the NSUs before the first one the AN
 * hands out: the AN starts at the oldest NSU it still keeps, so those are out of retention or were taken
 * by another system before the company opted in, and asking them one by one would spend the key budget
 * on 137s; they are reported as `initialSkip`.
 */
export function decideSweepStep<D extends { NSU?: string }>(
  state: DfeState, outcome: DistOutcome & { documents?: readonly D[] }, now: Date, policy: DfePolicy, behindFollowUp: boolean,
): SweepDecision<D> {
  const stop = (s: DfeState, stopReason: StopReason, extra: Partial<SweepDecision<D>> = {}): SweepDecision<D> =>
    ({ state: s, store: [], missing: [], next: 'stop', stopReason, behindFollowUp: false, ...extra });
  if (outcome.kind === 'transport') {
    return stop(backOff(state, now, policy), 'backoff', { alert: `Falha de comunicação com o Ambiente Nacional: ${outcome.error}` });
  }
  const prev = nsuValue(state.ultNSU);
  const initial = prev === 0;
  const answered = { ...state, backoffMs: 0, backoffUntil: null };
  const docs = (outcome.documents ?? []) as readonly D[];
  const delivered = docs.filter((d) => d.NSU !== undefined).map((d) => nsuValue(d.NSU as string));
  const ult = outcome.ultNSU !== undefined ? nsuValue(outcome.ultNSU) : undefined;
  const max = outcome.maxNSU !== undefined ? nsuValue(outcome.maxNSU) : undefined;

  /** Missing NSUs in (prev, upTo] around the delivered ones, with the leading jump and the initial skip. */
  const advance = (upTo: number) => {
    if (upTo <= prev) return { missing: [] as NsuRange[] };
    const firstDelivered = Math.min(...delivered.filter((n) => n > prev), upTo + 1);
    const leading = firstDelivered - 1 > prev ? { from: pad15(prev + 1), to: pad15(Math.min(firstDelivered - 1, upTo)) } : undefined;
    if (initial) {
      return { missing: gapsBetween(firstDelivered - 1, upTo, delivered), initialSkip: leading };
    }
    const missing = gapsBetween(prev, upTo, delivered);
    return { missing, concurrentJump: leading ? { ...leading, count: rangeSize(leading) } : undefined };
  };
  const jumpAlert = (jump: NsuRange & { count: number } | undefined) => jump
    ? `Outro consumidor avançou a posição deste CNPJ: ultNSU saltou de ${pad15(prev)} para ${jump.to} (${jump.count} NSU(s) não recebidos). ${OPERATOR_ADVICE}`
    : undefined;

  switch (outcome.cStat) {
    case '138': {
      const upTo = ult ?? Math.max(prev, ...delivered);
      const { missing, concurrentJump, initialSkip } = advance(upTo);
      const maxNSU = max !== undefined ? pad15(max) : state.maxNSU;
      const next: DfeState = { ...answered, ultNSU: pad15(Math.max(upTo, prev)), maxNSU };
      const store = [...docs].sort((a, b) => nsuValue(a.NSU ?? '0') - nsuValue(b.NSU ?? '0'));
      const base = { store, missing, concurrentJump, initialSkip, alert: jumpAlert(concurrentJump) };
      if (ult === undefined || max === undefined || ult >= max) {
        return { ...base, state: { ...next, holdUntil: hold(now, policy) }, next: 'stop', stopReason: 'caught-up', behindFollowUp: false };
      }
      return { ...base, state: next, next: 'continue', behindFollowUp: false };
    }
    case '137': {
      if (ult === undefined) return stop({ ...answered, holdUntil: hold(now, policy) }, 'caught-up');
      const { missing, concurrentJump, initialSkip } = advance(ult);
      const next: DfeState = { ...answered, ultNSU: pad15(Math.max(ult, prev)), maxNSU: max !== undefined ? pad15(max) : state.maxNSU };
      const base = { store: [] as D[], missing, concurrentJump, initialSkip, alert: jumpAlert(concurrentJump) };
      if (max !== undefined && ult < max && state.continueWhenBehind) {
        return { ...base, state: next, next: 'continue', behindFollowUp: true };
      }
      return { ...base, state: { ...next, holdUntil: hold(now, policy) }, next: 'stop', stopReason: 'caught-up', behindFollowUp: false };
    }
    case '656': {
      // maxNSU is 0 in a 656: only ultNSU (the last NSU queried for the CNPJ) is read.
      const blocked = { ...answered, blockedUntil: hold(now, policy), continueWhenBehind: behindFollowUp ? false : state.continueWhenBehind };
      const why = behindFollowUp
        ? ' A consulta seguiu uma resposta vazia com ultNSU < maxNSU: esse seguimento imediato foi desligado para este CNPJ.'
        : '';
      if (ult !== undefined && ult > prev) {
        const { missing, concurrentJump, initialSkip } = advance(ult);
        return stop({ ...blocked, ultNSU: pad15(ult) }, 'blocked', {
          missing, concurrentJump, initialSkip,
          alert: `Consumo indevido (656): ${outcome.xMotivo}. Bloqueado até ${blocked.blockedUntil.toISOString()}.${why} ${jumpAlert(concurrentJump) ?? ''}`.trim(),
        });
      }
      return stop(blocked, 'blocked', { alert: `Consumo indevido (656): ${outcome.xMotivo}. Bloqueado até ${blocked.blockedUntil.toISOString()}.${why}` });
    }
    case '108':
    case '109':
      return stop(backOff(state, now, policy), 'backoff', { alert: `Ambiente Nacional paralisado (${outcome.cStat}): ${outcome.xMotivo}` });
    case '589': {
      const resynced = max !== undefined ? { ...answered, ultNSU: pad15(max), maxNSU: pad15(max) } : answered;
      return stop(resynced, 'resync', {
        alert: `NSU informado (${state.ultNSU}) superior ao maior NSU do Ambiente Nacional (589): posição reajustada para ${resynced.ultNSU}.`,
      });
    }
    default:
      // A configuration or message problem (593, 215, 252 …) does not fix itself: back off, do not hammer.
      return stop(backOff(state, now, policy), 'backoff', { alert: `Distribuição DF-e recusada (${outcome.cStat}): ${outcome.xMotivo}` });
  }
}

export type MissingStatus = 'pending' | 'fetched' | 'never_generated' | 'expired';

export interface GapDecision<D> {
  state: DfeState;
  /** The missing NSU's new status (pending: try again later). */
  status: MissingStatus;
  store: D[];
  /** Stop gap filling for this CNPJ in this run. */
  stop: boolean;
  alert?: string;
}

/** A missing NSU is given up once the AN no longer keeps it (90 days after it was first missed). */
export function isExpired(firstSeenAt: Date, now: Date, policy: DfePolicy): boolean {
  return now.getTime() - firstSeenAt.getTime() >= policy.retentionDays * DAY;
}

/** One consNSU answer applied (§8.3): 138 fetched, 137 never generated for us, 656 blocks every query. */
export function decideGapStep<D extends { NSU?: string }>(
  state: DfeState, outcome: DistOutcome & { documents?: readonly D[] }, now: Date, policy: DfePolicy,
): GapDecision<D> {
  if (outcome.kind === 'transport') {
    return { state: backOff(state, now, policy), status: 'pending', store: [], stop: true, alert: `Falha de comunicação com o Ambiente Nacional: ${outcome.error}` };
  }
  const answered = { ...state, backoffMs: 0, backoffUntil: null };
  switch (outcome.cStat) {
    case '138':
      return { state: answered, status: 'fetched', store: [...(outcome.documents ?? [])] as D[], stop: false };
    case '137':
      return { state: answered, status: 'never_generated', store: [], stop: false };
    case '656': {
      const blockedUntil = hold(now, policy);
      return { state: { ...answered, blockedUntil }, status: 'pending', store: [], stop: true, alert: `Consumo indevido (656) em consNSU: ${outcome.xMotivo}. Bloqueado até ${blockedUntil.toISOString()}.` };
    }
    default:
      return { state: backOff(state, now, policy), status: 'pending', store: [], stop: true, alert: `consNSU recusado (${outcome.cStat}): ${outcome.xMotivo}` };
  }
}

/** Rough drain estimate: a backlog above what the gap budget clears before retention ends deserves a warning (§8.3). */
export function backlogAtRisk(pending: number, policy: DfePolicy): boolean {
  return pending > (policy.keyQueryCap - policy.keyReserve) * 24 * policy.retentionDays;
}
