// Pure contingency rules (contingency-and-numbering.md §2–§6, sefaz-nfe.md §5.5, §7, §12): what
// switches a scope into contingency, which option a document takes, and the timing of probes,
// retries, EPEC reconciliation, cancellations and discards. No I/O here; callers pass the facts.
import type { ContingencyOption } from '../store/port';
import type { DocModel } from '../fiscal/document-state';
import { defaultCteSvc, defaultSvc, type SvcAuthorizer } from '../fiscal/ufs';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// ---------------------------------------------------------------- entering contingency (§2.2)

/** What one transmission to the normal authorizer produced: a thrown error or SEFAZ's answer. */
export type TransmissionOutcome = { error: unknown } | { cStat: string };

const PARALISADO = ['108', '109'];

/** How long a transmission with unknown fate may still sit in a SEFAZ queue (§5.2, §8): the wait before a 217 is trusted. */
export const UNKNOWN_FATE_WAIT_MS = 3 * MINUTE;

/** What a failure of a transmission to the normal authorizer means for the scope. */
export type FailureVerdict =
  /** SEFAZ is down: the scope enters contingency and the document gets 108 / DocStatus 4. */
  | 'outage'
  /** The request itself was at fault (over SEFAZ's size limit): never an outage; the document is refused (214). */
  | 'request-fault'
  /** SEFAZ answers: no contingency; a document whose fate is unknown is settled by consulta, never by a new number. */
  | 'sefaz-up'
  /** Not known yet: the status service of the scope must be asked (`FailureEvidence.status`). */
  | 'ask-status';

/** The facts of a failed exchange with SEFAZ that the rules read (a SefazTransportError carries them). */
export interface TransportFailure {
  kind: string;
  /** SEFAZ may have received the message (false: certainly never written). */
  requestSent: boolean;
  httpStatus?: number;
}

function isTransportFailure(e: unknown): e is TransportFailure {
  return typeof e === 'object' && e !== null && typeof (e as TransportFailure).kind === 'string' && typeof (e as TransportFailure).requestSent === 'boolean';
}

/** The status service's answer (cStat) or its own failure. */
export type StatusEvidence = { cStat: string } | TransportFailure;

export interface FailureEvidence {
  /** The scope is already in contingency: an earlier failure was confirmed (documents in flight get 108 too). */
  scopeInContingency?: boolean;
  /** The scope's normal status service (NFeStatusServico4), asked after this failure. */
  status?: StatusEvidence;
}

/** An HTTP 4xx is the server refusing this request (e.g. our certificate): the server is up. */
function refusedByServer(err: TransportFailure): boolean {
  return err.kind === 'http' && err.httpStatus !== undefined && err.httpStatus >= 400 && err.httpStatus < 500;
}

/** A status answer other than 108/109 (or a 4xx refusal) shows SEFAZ up; a failed status request or 108/109 shows it down. */
export function statusShowsSefazUp(status: StatusEvidence): boolean {
  if (!('cStat' in status)) return refusedByServer(status);
  return !PARALISADO.includes(status.cStat);
}

/**
 * The evidence rule: a scope enters contingency (for every company of the UF) only on evidence about
 * SEFAZ, never about one caller's request. SEFAZ's own 108/109 answer is that evidence. A transport
 * failure (no answer, reset, timeout, HTTP 5xx, unparseable reply) is confirmed by the status service of
 * the scope — a small, well-formed request: it fails too or answers 108/109 → outage; it answers → SEFAZ
 * is up. A message the gateway knows is over SEFAZ's limit never counts, nor does an HTTP 4xx refusal.
 */
export function failureVerdict(failure: TransportFailure | { cStat: string }, evidence: FailureEvidence = {}): FailureVerdict {
  if ('cStat' in failure) return PARALISADO.includes(failure.cStat) ? 'outage' : 'sefaz-up';
  if (failure.kind === 'oversized') return 'request-fault';
  if (refusedByServer(failure)) return 'sefaz-up';
  if (evidence.scopeInContingency) return 'outage';
  if (!evidence.status) return 'ask-status';
  return statusShowsSefazUp(evidence.status) ? 'sefaz-up' : 'outage';
}

/**
 * The document certainly was not processed (failure before the request was written, or a 108/109
 * answer): it may go to the contingency options under its own number (`routeKnownUnprocessed`).
 * Otherwise its fate is unknown and its number must never be re-sent elsewhere.
 */
export function isKnownUnprocessed(outcome: TransmissionOutcome): boolean {
  if ('cStat' in outcome) return PARALISADO.includes(outcome.cStat);
  return isTransportFailure(outcome.error) && !outcome.error.requestSent;
}

// ---------------------------------------------------------------- per-model facts (§3.1)

/** What contingency offers a model, as data: one row per model. */
export interface ModelContingency {
  /** InvoiCy's default order of the options. */
  defaultOptions: readonly ContingencyOption[];
  /** The SVC serving each UF (the shipped table; configuration may override it); absent: no SVC. */
  svc?: { defaultFor(uf: string): SvcAuthorizer };
  /**
   * Where the EPEC event goes — the Ambiente Nacional, the SVC serving the UF, or the UF's own
   * authorizer — and the UFs that have it (every UF when absent); absent: no EPEC.
   */
  epec?: {
    to: 'AN' | 'SVC' | 'UF';
    ufs?: readonly string[];
    /** SEFAZ's refusal of new EPECs while one is unreconciled past EPEC_LIMIT_HOURS (NF-e 142, CT-e 639). */
    overdueCStat?: string;
  };
  /** Off-line emission (tpEmis 9) and the UFs that forbid it; absent: no off-line. */
  offline?: { forbiddenUfs: readonly string[] };
  /** How long after its authorisation a document may be cancelled regularly (sefaz-nfe.md §12, cte.md §11). */
  cancelWindowMs: number;
}

export const MODEL_CONTINGENCY: Readonly<Record<DocModel, ModelContingency>> = {
  // NF-e: SVC-AN/SVC-RS (tpEmis 6/7), EPEC 110140 at the Ambiente Nacional.
  '55': { defaultOptions: ['SVC', 'EPEC', 'NONE'], svc: { defaultFor: defaultSvc }, epec: { to: 'AN', overdueCStat: '142' }, cancelWindowMs: 24 * HOUR },
  // NFC-e: no SVC (783); EPEC only in SP, at SP's own service; off-line except where the UF forbids it
  // (SP uses SAT/EPEC instead, sefaz-nfe.md §7.5).
  '65': { defaultOptions: ['OFFLINE', 'NONE'], epec: { to: 'UF', ufs: ['SP'] }, offline: { forbiddenUfs: ['SP'] }, cancelWindowMs: 30 * MINUTE },
  // CT-e (cte.md §4, §6.3): InvoiCy's CT-e module offers EPEC, SVC and Nenhuma in that order;
  // SVC-RS/SVC-SP (tpEmis 7/8); the EPEC 110113 goes to the SVC, not to the Ambiente Nacional.
  '57': { defaultOptions: ['EPEC', 'SVC', 'NONE'], svc: { defaultFor: defaultCteSvc }, epec: { to: 'SVC', overdueCStat: '639' }, cancelWindowMs: 168 * HOUR },
};

// ---------------------------------------------------------------- options (§3.1)

export function defaultOptions(model: DocModel): ContingencyOption[] {
  return [...MODEL_CONTINGENCY[model].defaultOptions];
}

const ALL_OPTIONS: readonly ContingencyOption[] = ['SVC', 'EPEC', 'OFFLINE', 'NONE'];

/** The options a model has at all (in some UF), in a fixed order: what a company may configure for it. */
export function offeredOptions(model: DocModel): ContingencyOption[] {
  const facts = MODEL_CONTINGENCY[model];
  const offered: Record<ContingencyOption, boolean> = {
    SVC: facts.svc !== undefined, EPEC: facts.epec !== undefined, OFFLINE: facts.offline !== undefined, NONE: true,
  };
  return ALL_OPTIONS.filter((o) => offered[o]);
}

/** Whether the model has off-line emission in the UF. */
export function offlineAllowed(model: DocModel, uf: string): boolean {
  const offline = MODEL_CONTINGENCY[model].offline;
  return offline !== undefined && !offline.forbiddenUfs.includes(uf);
}

/** Whether the model has an SVC at all (then `svcFor` names it). */
export function hasSvc(model: DocModel): boolean {
  return MODEL_CONTINGENCY[model].svc !== undefined;
}

export interface OptionAvailability {
  model: DocModel;
  uf: string;
  /** The SVC serving the UF answered 107 recently (cache ≤ 3 min). */
  svcActive: boolean;
  /** Defaults to the model's row (`offlineAllowed`). */
  offlineAllowed?: boolean;
}

function applicable(option: ContingencyOption, a: OptionAvailability): boolean {
  const facts = MODEL_CONTINGENCY[a.model];
  switch (option) {
    case 'SVC':
      return facts.svc !== undefined && a.svcActive;
    case 'EPEC':
      return facts.epec !== undefined && (facts.epec.ufs?.includes(a.uf) ?? true);
    case 'OFFLINE':
      return facts.offline !== undefined && (a.offlineAllowed ?? offlineAllowed(a.model, a.uf));
    case 'NONE':
      return true;
  }
}

/**
 * The first configured option not yet tried that applies to this model/UF now; `NONE` (stop) when the
 * list is exhausted. `tried` lets the caller move on after an option failed (e.g. SVC answered 114).
 */
export function nextOption(
  options: readonly ContingencyOption[],
  tried: readonly ContingencyOption[],
  availability: OptionAvailability,
): ContingencyOption {
  return options.find((o) => !tried.includes(o) && applicable(o, availability)) ?? 'NONE';
}

export type { SvcAuthorizer };

/** UF → SVC overrides per model (SVC_MAP: NF-e's disputed entries). */
export type SvcOverrides = Readonly<Partial<Record<DocModel, Readonly<Partial<Record<string, SvcAuthorizer>>>>>>;

/** SVC of a UF for a model: the model's shipped table unless overridden; undefined when the model has no SVC. */
export function svcFor(model: DocModel, uf: string, overrides: SvcOverrides = {}): SvcAuthorizer | undefined {
  const svc = MODEL_CONTINGENCY[model].svc;
  return svc && (overrides[model]?.[uf] ?? svc.defaultFor(uf));
}

/**
 * Where a model's EPEC goes for a UF: 'AN' (Ambiente Nacional), the SVC serving the UF, or undefined
 * for the UF's own authorizer.
 */
export function epecAuthorizer(model: DocModel, uf: string, overrides: SvcOverrides = {}): 'AN' | SvcAuthorizer | undefined {
  const to = MODEL_CONTINGENCY[model].epec?.to;
  if (to === 'AN') return 'AN';
  return to === 'SVC' ? svcFor(model, uf, overrides) : undefined;
}

// ---------------------------------------------------------------- pending retries (§6)

const PENDING_STEPS_MIN = [1, 2, 5, 10, 15, 30];

/** IC-STATUS: after this many automatic attempts a pending document becomes Rejeitado. */
export const PENDING_MAX_ATTEMPTS = 50;

/**
 * Wait before the next attempt after `attempt` failed ones (1-based): 1, 2, 5, 10, 15, 30 min, then
 * every 30 min. Also keeps consultas by key under SEFAZ's 10 per hour (sefaz-nfe.md §5.5).
 */
export function pendingBackoff(attempt: number): number {
  const i = Math.min(Math.max(attempt, 1), PENDING_STEPS_MIN.length) - 1;
  return PENDING_STEPS_MIN[i] * MINUTE;
}

// ---------------------------------------------------------------- probes (§2.3)

export interface ProbeIntervals {
  /** Status service usage rule: at least 3 minutes between calls per scope. */
  minMs: number;
  maxMs: number;
}

export const DEFAULT_PROBE_INTERVALS: ProbeIntervals = { minMs: 3 * MINUTE, maxMs: 15 * MINUTE };

/** Wait before the next probe of a scope after `failures` consecutive failed probes: doubling, capped. */
export function probeDelay(failures: number, intervals: ProbeIntervals = DEFAULT_PROBE_INTERVALS): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(intervals.minMs * 2 ** exponent, Math.max(intervals.maxMs, intervals.minMs));
}

// ---------------------------------------------------------------- EPEC (§4)

export const EPEC_WARN_AFTER_HOURS = 120;
/** Unreconciled EPECs older than this block new EPECs for the emitter (142). */
export const EPEC_LIMIT_HOURS = 168;

export type EpecWarning = 'ok' | 'warn' | 'overdue';

export function epecWarning(epecAt: Date, now: Date, warnAfterHours = EPEC_WARN_AFTER_HOURS): EpecWarning {
  const age = now.getTime() - epecAt.getTime();
  if (age >= EPEC_LIMIT_HOURS * HOUR) return 'overdue';
  return age >= warnAfterHours * HOUR ? 'warn' : 'ok';
}

// ---------------------------------------------------------------- cancel deadline (sefaz-nfe.md §12)

/** How long after its authorisation a document of the model may be cancelled regularly. */
export function cancelWindowMs(model: DocModel): number {
  return MODEL_CONTINGENCY[model].cancelWindowMs;
}

/** Last instant SEFAZ accepts a regular cancellation (later: 155 at the UF's discretion, else 501). */
export function cancelDeadline(model: DocModel, dhAut: Date): Date {
  return new Date(dhAut.getTime() + cancelWindowMs(model));
}

// ---------------------------------------------------------------- discard (§5.2)

export interface DiscardFacts {
  /** The consulta by key: its cStat (and whether a cancel event came with it), or a transport failure. */
  consulta: { cStat: string; cancelEventRegistered?: boolean } | 'transport-error';
  now: Date;
  /** When the failed (unknown-fate) transmission ended. */
  failedAt: Date;
  /** Last known tMed of the scope, in seconds. */
  tMedSeconds: number;
  /** Earlier 217 answers for this document that were already old enough to count. */
  notFoundBefore: number;
  /** Floor of the wait before a 217 counts (default 3 min). */
  minWaitMs?: number;
}

export type DiscardDecision =
  | { action: 'cancel' }
  | { action: 'already-cancelled' }
  | { action: 'inutilizar' }
  | { action: 'already-voided' }
  | { action: 'denied' }
  /** 217 old enough, but one more consulta must confirm it before voiding. */
  | { action: 'confirm-not-found' }
  | { action: 'retry-later'; reason: string }
  /** An answer that no retry will change (e.g. wrong key, 236): support must look at it. */
  | { action: 'manual'; reason: string };

const AUTHORISED = ['100', '150'];
const CANCELLED = ['101', '151', '135', '155'];
const VOIDED = ['206', '256'];
const DENIED = ['110', '301', '302', '303', '205'];
const TRY_AGAIN = ['108', '109', '656'];

export function discardDecision(f: DiscardFacts): DiscardDecision {
  if (f.consulta === 'transport-error') return { action: 'retry-later', reason: 'SEFAZ inacessível' };
  const { cStat } = f.consulta;
  if (TRY_AGAIN.includes(cStat)) return { action: 'retry-later', reason: `cStat ${cStat}` };
  if (AUTHORISED.includes(cStat)) return f.consulta.cancelEventRegistered ? { action: 'already-cancelled' } : { action: 'cancel' };
  if (CANCELLED.includes(cStat)) return { action: 'already-cancelled' };
  if (VOIDED.includes(cStat)) return { action: 'already-voided' };
  if (DENIED.includes(cStat)) return { action: 'denied' };
  if (cStat === '217') {
    // The lost transmission may still sit in a SEFAZ queue: a 217 counts only after ≥ 3 × tMed.
    const wait = Math.max(3 * f.tMedSeconds * 1000, f.minWaitMs ?? 3 * MINUTE);
    if (f.now.getTime() - f.failedAt.getTime() < wait) return { action: 'retry-later', reason: '217 ainda não definitivo' };
    return f.notFoundBefore >= 1 ? { action: 'inutilizar' } : { action: 'confirm-not-found' };
  }
  return { action: 'manual', reason: `cStat ${cStat} inesperado na consulta` };
}
