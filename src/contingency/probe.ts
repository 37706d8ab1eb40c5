// Leaving contingency (contingency-and-numbering.md §2.3): for each scope in contingency whose probe
// is due, ask the NORMAL authorizer's status service of the scope's model; 107 → the scope is normal
// again, anything else (or a model whose status service does not exist yet) → back off. Probes of one
// scope are ≥ 3 min apart (status service usage rule, sefaz-nfe.md §5.5).
import type { ContingencyRecord, ContingencyScope, Store, TpAmb } from '../store/port';
import type { DocModel } from '../fiscal/document-state';
import type { SefazCredentials } from '../sefaz/transport';
import { SefazTransportError } from '../sefaz/errors';
import { processScope, type LogScope } from '../log/logger';
import { DEFAULT_PROBE_INTERVALS, probeDelay, type ProbeIntervals } from './policy';

export type CredentialsFor = (uf: string, model: DocModel, tpAmb: TpAmb) => Promise<SefazCredentials | undefined>;

/** The status service of a scope's normal authorizer (its model's), or why it cannot be asked yet. */
export type ScopeStatus = (
  scope: ContingencyScope, credentials: SefazCredentials, log?: LogScope,
) => Promise<{ cStat: string; xMotivo: string } | { unavailable: string }>;

export interface ProbeDeps {
  store: Store;
  /** The scope's status service (emission/scope-status). */
  status: ScopeStatus;
  /** TLS credentials of any enabled company of the scope with a valid certificate (emission/scope-credentials). */
  credentialsFor: CredentialsFor;
  now: Date;
  intervals?: ProbeIntervals;
  /** Stops before the next scope (job stop or maximum run time). */
  signal?: AbortSignal;
  /** Scope of the run's lines (the job's). */
  log?: LogScope;
}

export type ProbeSummary = { probed: number; recovered: number; stillDown: number };

function isDue(rec: ContingencyRecord, now: Date, intervals: ProbeIntervals): boolean {
  // A scope that has never been probed waits one interval after entering: the outage was just seen.
  const dueAt = rec.nextProbeAt ?? new Date(rec.since.getTime() + probeDelay(0, intervals));
  return dueAt.getTime() <= now.getTime();
}

/** Status of the scope's normal authorizer, as "cStat - xMotivo" or the transport failure. */
async function askStatus(deps: ProbeDeps, scope: ContingencyScope): Promise<{ ok: boolean; cause: string }> {
  const credentials = await deps.credentialsFor(scope.uf, scope.model, scope.tpAmb);
  if (!credentials) return { ok: false, cause: 'nenhuma empresa da UF com certificado válido para consultar o status' };
  try {
    const ret = await deps.status(scope, credentials, deps.log);
    if ('unavailable' in ret) return { ok: false, cause: ret.unavailable };
    return { ok: ret.cStat === '107', cause: `${ret.cStat} - ${ret.xMotivo}` };
  } catch (err) {
    if (err instanceof SefazTransportError) return { ok: false, cause: err.message };
    throw err;
  }
}

export async function probeScopes(deps: ProbeDeps): Promise<ProbeSummary> {
  const intervals = deps.intervals ?? DEFAULT_PROBE_INTERVALS;
  const log = deps.log ?? processScope;
  const summary: ProbeSummary = { probed: 0, recovered: 0, stillDown: 0 };
  for (const rec of await deps.store.listContingencies('contingency')) {
    if (deps.signal?.aborted) break;
    if (!isDue(rec, deps.now, intervals)) continue;
    const scope = { tpAmb: rec.tpAmb, uf: rec.uf, model: rec.model };
    summary.probed += 1;
    const status = await askStatus(deps, scope);
    const fields = { uf: rec.uf, modelo: rec.model, tpAmb: rec.tpAmb, cause: status.cause };
    if (status.ok) {
      await deps.store.setContingency(
        scope,
        { state: 'normal', since: deps.now, cause: status.cause, detectingDocumentId: null, nextProbeAt: null, probeFailures: 0 },
        { ifState: 'contingency' },
      );
      summary.recovered += 1;
      log.info('contingência encerrada', { ...fields, entrada: rec.cause, desde: rec.since.toISOString() });
      continue;
    }
    const failures = rec.probeFailures + 1;
    const nextProbeAt = new Date(deps.now.getTime() + probeDelay(failures, intervals));
    await deps.store.setContingency(
      scope,
      { state: 'contingency', since: rec.since, cause: rec.cause, detectingDocumentId: rec.detectingDocumentId, nextProbeAt, probeFailures: failures },
      { ifState: 'contingency' },
    );
    summary.stillDown += 1;
    log.debug('contingência: SEFAZ ainda indisponível', { ...fields, probeFailures: failures, nextProbeAt: nextProbeAt.toISOString() });
  }
  return summary;
}
