// The evidence rule at work (contingency/policy.ts failureVerdict; README "Contingency"): when a
// transmission to the normal authorizer fails in transport, the scope's status service (the document
// type's, NFeStatusServico4 for NF-e: small, well-formed, short timeout) is asked before the scope
// enters contingency for every company of the UF, so one caller's failing request is never taken for
// a SEFAZ outage.
// Concurrent failures of a scope share one status request, and an answer showing SEFAZ up is reused
// for 3 minutes (status service usage rule, sefaz-nfe.md §5.5); a failure is never reused: once it
// is confirmed the scope is in contingency, and the probe job takes over.
import { failureVerdict, statusShowsSefazUp, type FailureVerdict } from '../contingency/policy';
import { SefazMessageTooLarge, SefazTransportError } from '../sefaz/errors';
import type { ContingencyScope, DocumentRecord } from '../store/port';
import type { CompanyContext, EmissionDeps } from './context';
import { docUf, markUnknownFate, markUnknownFateSefazUp, refuseOversized } from './outcome';
import { documentTypeOf } from './document-types';

const STATUS_REUSE_MS = 3 * 60_000;
/** The status request answers in milliseconds when SEFAZ is up: no need for the 40 s of an autorização. */
const STATUS_TIMEOUTS = { connectTimeoutMs: 5_000, responseTimeoutMs: 10_000 };

export type Verdict = Exclude<FailureVerdict, 'ask-status'>;

/** The status service's answer or its own failure (the policy's StatusEvidence, with the message kept for the log). */
type StatusEvidence = { cStat: string } | SefazTransportError;

interface StatusCheck {
  evidence: Promise<StatusEvidence>;
  /** Set once the answer shows SEFAZ up: reused until then. */
  reuseUntil?: number;
}

// One table per running backend (its deps), so separate gateways/tests never share an answer.
const checks = new WeakMap<EmissionDeps, Map<string, StatusCheck>>();

async function askStatus(ctx: CompanyContext, scope: ContingencyScope): Promise<StatusEvidence> {
  const { credentials } = await ctx.certificate();
  try {
    const target = { uf: scope.uf, model: scope.model, tpAmb: scope.tpAmb, timeouts: STATUS_TIMEOUTS, log: ctx.log };
    const ret = await documentTypeOf(scope.model).services.status(ctx.sefaz, target, credentials);
    return { cStat: ret.cStat };
  } catch (err) {
    if (err instanceof SefazTransportError) return err;
    throw err;
  }
}

/** The status of the scope's normal authorizer: a request in flight or a fresh "up" answer is shared. */
function statusOf(ctx: CompanyContext, scope: ContingencyScope): Promise<StatusEvidence> {
  let table = checks.get(ctx.deps);
  if (!table) checks.set(ctx.deps, (table = new Map<string, StatusCheck>()));
  const key = `${scope.tpAmb}/${scope.uf}/${scope.model}`;
  const known = table.get(key);
  if (known && (known.reuseUntil === undefined || known.reuseUntil > ctx.now().getTime())) return known.evidence;
  const check: StatusCheck = { evidence: askStatus(ctx, scope) };
  table.set(key, check);
  const settle = (up: boolean) => {
    if (table.get(key) !== check) return;
    if (up) check.reuseUntil = ctx.now().getTime() + STATUS_REUSE_MS;
    else table.delete(key);
  };
  check.evidence.then((e) => settle(statusShowsSefazUp(e)), () => settle(false));
  return check.evidence;
}

/** What a transport failure of `doc`'s transmission means for its scope, asking SEFAZ's status when needed. */
export async function judgeTransportFailure(ctx: CompanyContext, doc: DocumentRecord, failure: SefazTransportError): Promise<Verdict> {
  const first = failureVerdict(failure);
  if (first !== 'ask-status') return first;
  const scope: ContingencyScope = { tpAmb: doc.tpAmb, uf: docUf(ctx, doc), model: doc.model };
  if (await ctx.contingency.isInContingency(scope)) return failureVerdict(failure, { scopeInContingency: true }) as Verdict;
  const status = await statusOf(ctx, scope);
  // With the status given, the policy never asks for more.
  const verdict = failureVerdict(failure, { status }) as Verdict;
  const seen = status instanceof SefazTransportError ? { statusErro: status.message } : { statusCStat: status.cStat };
  if (verdict === 'outage') ctx.log.warn('falha de transmissão confirmada pelo status da SEFAZ', { ...seen, error: failure.message });
  else ctx.log.warn('falha de transmissão com a SEFAZ em operação: sem contingência', { ...seen, error: failure.message });
  return verdict;
}

/** Stores what the verdict implies for one document of the failed transmission. */
export function settleTransportFailure(ctx: CompanyContext, doc: DocumentRecord, failure: SefazTransportError, verdict: Verdict): Promise<DocumentRecord> {
  if (verdict === 'outage') return markUnknownFate(ctx, doc, failure.message);
  if (verdict === 'request-fault' && failure instanceof SefazMessageTooLarge) return refuseOversized(ctx, doc, failure);
  return markUnknownFateSefazUp(ctx, doc, failure.message);
}
