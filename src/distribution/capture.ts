// The DF-e capture (dfe-distribution.md §8.2, §8.3): for every company that opted in, one consumer per
// (tpAmb, CNPJ) under a database lease sweeps each model's distribution with distNSU and fetches the
// missing NSUs one by one with consNSU, within the hourly budget. The rules are pure
// (fiscal/dfe-sweep.ts); this file asks, stores and persists. Every call is logged in the state before it
// is sent, and each answer's documents, missing NSUs and position are written in one transaction before
// the next call.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  backlogAtRisk, decideGapStep, decideSweepStep, keyQueryGate, recordCall, sweepGate,
  type DfeState, type DistOutcome, type SweepDecision,
} from '../fiscal/dfe-sweep';
import { CIENCIA_DEADLINE_MS } from '../fiscal/manifestacao';
import { ufCode } from '../fiscal/ufs';
import type { LogScope } from '../log/logger';
import type { DistAnswer, DistDocument, DistQuery, DistRequest } from '../sefaz/dfe-types';
import { environmentTpAmb, type Company, type DfeModel, type DfeStateRecord, type Store } from '../store/port';
import { resNFeSummary, type CienciaHook } from './ciencia';
import { capturedDocument } from './document-facts';
import { DEFAULT_DISTRIBUTION, type DistributionOptions } from './options';

/**
 * Asks the Ambiente Nacional on behalf of a company (its certificate, mutual TLS). Throws when no answer
 * came (transport failure): the rules then back off.
 */
export type DistributionSource = (company: Company, req: DistRequest, log: LogScope) => Promise<DistAnswer>;

export interface CaptureDeps {
  store: Store;
  source: DistributionSource;
  /** Owner of the per-CNPJ leases: unique per process. */
  owner: string;
  options?: Partial<DistributionOptions>;
  /** The instant of each call (tests drive a simulated clock). */
  clock?: () => Date;
  /** Automatic ciência for each resNFe stored for a company that opted in (ciencia.ts). */
  ciencia?: CienciaHook;
}

export interface CaptureSummary {
  /** (tpAmb, CNPJ) handled in this run, and those another process held. */
  cnpjs: number;
  leaseHeldElsewhere: number;
  calls: number;
  docsStored: number;
  missingAdded: number;
  gapsFetched: number;
  neverGenerated: number;
  expired: number;
  /** Positions put on hold (137 / caught up) in this run. */
  holds: number;
  /** 656 answers received (the goal is zero). */
  consumoIndevido: number;
  /** Automatic ciências sent (registered, rejected or pending) for captured resNFe. */
  cienciaSent: number;
  [key: string]: number;
}

/** The lease that makes this process the only consumer of a CNPJ in an environment. */
export function dfeLeaseName(tpAmb: string, cnpj: string): string {
  return `dfe:${tpAmb}:${cnpj}`;
}

class CaptureRun {
  readonly summary: CaptureSummary = {
    cnpjs: 0, leaseHeldElsewhere: 0, calls: 0, docsStored: 0, missingAdded: 0, gapsFetched: 0, neverGenerated: 0, expired: 0, holds: 0, consumoIndevido: 0, cienciaSent: 0,
  };
  readonly options: DistributionOptions;

  constructor(readonly deps: CaptureDeps, readonly signal: AbortSignal | undefined, readonly log: LogScope) {
    this.options = { ...DEFAULT_DISTRIBUTION, ...deps.options };
  }

  now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  get stopped(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** Re-entrant acquisition renews the lease; false: another process took it (never query then). */
  renew(lease: string): Promise<boolean> {
    return this.deps.store.acquireLease(lease, this.deps.owner, this.options.leaseTtlMs);
  }

  async pause(): Promise<void> {
    if (this.options.pauseMs > 0) await sleep(this.options.pauseMs, undefined, { signal: this.signal }).catch(() => undefined);
  }
}

/** One company's model: the position, the company and the lease the calls go under. */
interface Scope {
  run: CaptureRun;
  company: Company;
  model: DfeModel;
  lease: string;
  log: LogScope;
  state: DfeState;
}

function request(scope: Scope, query: DistQuery): DistRequest {
  const { company, model } = scope;
  return { model, tpAmb: environmentTpAmb(company.environment), cUFAutor: ufCode(company.uf), doc: company.cnpj, query };
}

/** Logs the call in the persisted state, sends it, and returns what came back (a thrown failure as `transport`). */
async function ask(scope: Scope, kind: 'dist' | 'key', query: DistQuery): Promise<{ at: Date; outcome: DistOutcome & { documents?: readonly DistDocument[] } }> {
  const { run } = scope;
  const at = run.now();
  scope.state = recordCall(scope.state, at, kind);
  await run.deps.store.saveDfeState(scope.company.id, scope.model, scope.state);
  run.summary.calls++;
  try {
    const answer = await run.deps.source(scope.company, request(scope, query), scope.log);
    if (answer.cStat === '656') run.summary.consumoIndevido++;
    return { at, outcome: { kind: 'answer', ...answer } };
  } catch (err) {
    return { at, outcome: { kind: 'transport', error: err instanceof Error ? err.message : String(err) } };
  }
}

function report(scope: Scope, d: SweepDecision<DistDocument>): void {
  if (d.concurrentJump) {
    scope.log.warn('distribuição DF-e: salto de ultNSU por consumidor concorrente', {
      de: d.concurrentJump.from, ate: d.concurrentJump.to, nsus: d.concurrentJump.count, orientacao: d.alert,
    });
  } else if (d.alert) {
    scope.log.warn('distribuição DF-e', { detalhe: d.alert });
  }
  if (d.initialSkip) {
    scope.log.info('distribuição DF-e: primeira posição após NSUs fora do alcance (retenção de 90 dias ou consumidos antes da adesão)', {
      de: d.initialSkip.from, ate: d.initialSkip.to,
    });
  }
}

/**
 * After a step is stored: the ciência for each resNFe of a company that opted in (NF-e only; a resNFe
 * goes to the destinatário alone). A failure is logged and does not stop the capture.
 */
async function ciencia(scope: Scope, docs: readonly DistDocument[]): Promise<void> {
  const { run, company } = scope;
  const hook = run.deps.ciencia;
  if (!hook || !company.autoCiencia || scope.model !== '55') return;
  for (const doc of docs) {
    if (doc.root !== 'resNFe') continue;
    const res = resNFeSummary(doc);
    if (!res) {
      scope.log.warn('ciência automática: resNFe ilegível, ciência não enviada', { nsu: doc.NSU });
      continue;
    }
    try {
      const outcome = await hook(company, res, scope.log);
      if (outcome.sent) run.summary.cienciaSent++;
      else scope.log.info('ciência automática não enviada', { chave: res.chNFe, motivo: outcome.reason });
    } catch (err) {
      scope.log.warn('ciência automática falhou', { chave: res.chNFe, erro: err instanceof Error ? err.message : String(err) });
    }
  }
}

/**
 * The ciência owed to resNFe stored earlier: a crash between storing a step and its ciência (or a
 * failure the hook logged) would otherwise lose it, since the position has moved on. Each key still
 * summarised (its nfeProc has not arrived) and received within the ciência window goes to the hook
 * again; the use case sends only where no manifestação of the key exists, so this is silent when
 * nothing is owed.
 */
async function owedCiencia(scope: Scope): Promise<void> {
  const { run, company } = scope;
  const hook = run.deps.ciencia;
  if (!hook || !company.autoCiencia || scope.model !== '55') return;
  const since = new Date(run.now().getTime() - CIENCIA_DEADLINE_MS);
  const summaries = await run.deps.store.queryDfeDocuments(company.id, { model: '55', roots: ['resNFe'], bestOnly: true, receivedFrom: since, limit: 1000 });
  for (const doc of summaries) {
    if (run.stopped) return;
    const res = resNFeSummary({ root: doc.root, schema: doc.schema, xml: doc.xml });
    if (!res) continue;
    try {
      const outcome = await hook(company, res, scope.log);
      if (outcome.sent) {
        run.summary.cienciaSent++;
        scope.log.info('ciência automática enviada para resNFe capturado antes', { chave: res.chNFe, nsu: doc.nsu });
      }
    } catch (err) {
      scope.log.warn('ciência automática falhou', { chave: res.chNFe, erro: err instanceof Error ? err.message : String(err) });
    }
  }
}

/** §8.2: distNSU from the persisted ultNSU until caught up, blocked, backing off or out of budget. */
async function sweep(scope: Scope): Promise<void> {
  const { run } = scope;
  const gate = sweepGate(scope.state, run.now(), run.options.policy);
  if (!gate.go) return;
  let behindFollowUp = false;
  for (let i = 0; i < gate.calls && !run.stopped; i++) {
    if (i > 0) await run.pause();
    if (run.stopped || !(await run.renew(scope.lease))) return;
    const { at, outcome } = await ask(scope, 'dist', { kind: 'distNSU', ultNSU: scope.state.ultNSU });
    const d: SweepDecision<DistDocument> = decideSweepStep(scope.state, outcome, at, run.options.policy, behindFollowUp);
    const written = await run.deps.store.recordDfeStep(scope.company.id, scope.model, {
      state: d.state, at, documents: d.store.map(capturedDocument), missing: d.missing, lastSweepAt: at,
    });
    scope.state = d.state;
    run.summary.docsStored += written.stored;
    run.summary.missingAdded += written.missing;
    report(scope, d);
    await ciencia(scope, d.store);
    if (d.next === 'stop') {
      if (d.stopReason === 'caught-up') run.summary.holds++;
      return;
    }
    behindFollowUp = d.behindFollowUp;
  }
}

/** §8.3: the lowest pending missing NSUs by consNSU, within the key budget less the reserve; expired ones given up. */
async function fillGaps(scope: Scope): Promise<void> {
  const { run } = scope;
  const { store } = run.deps;
  const policy = run.options.policy;
  const cutoff = new Date(run.now().getTime() - policy.retentionDays * 24 * 3_600_000);
  const expired = await store.expireDfeMissing(scope.company.id, scope.model, cutoff);
  if (expired > 0) {
    run.summary.expired += expired;
    scope.log.warn('distribuição DF-e: NSUs perdidos expiraram (mais de 90 dias) sem serem recuperados', { nsus: expired });
  }
  const gate = keyQueryGate(scope.state, run.now(), policy, 'gap');
  if (!gate.go) return;
  const pending = await store.listDfeMissing(scope.company.id, scope.model, { status: ['pending'], limit: gate.calls });
  for (const [i, missing] of pending.entries()) {
    if (i > 0) await run.pause();
    if (run.stopped || !keyQueryGate(scope.state, run.now(), policy, 'gap').go || !(await run.renew(scope.lease))) return;
    const { at, outcome } = await ask(scope, 'key', { kind: 'consNSU', NSU: missing.nsu });
    const d = decideGapStep<DistDocument>(scope.state, outcome, at, policy);
    const written = await store.recordDfeStep(scope.company.id, scope.model, {
      state: d.state, at, documents: d.store.map(capturedDocument),
      missingUpdate: { nsu: missing.nsu, status: d.status, attempts: missing.attempts + 1 },
    });
    scope.state = d.state;
    run.summary.docsStored += written.stored;
    await ciencia(scope, d.store);
    if (d.status === 'fetched') run.summary.gapsFetched++;
    if (d.status === 'never_generated') run.summary.neverGenerated++;
    if (d.alert) scope.log.warn('distribuição DF-e: consNSU', { nsu: missing.nsu, detalhe: d.alert });
    if (d.stop) return;
  }
  const backlog = await store.dfeBacklog(scope.company.id, scope.model);
  if (backlogAtRisk(backlog.pending, policy)) {
    scope.log.warn('distribuição DF-e: NSUs pendentes demais para recuperar antes de expirarem', { pendentes: backlog.pending, desde: backlog.oldestPendingSince?.toISOString() });
  }
}

/** Every opted-in company, one (tpAmb, CNPJ) at a time under its lease; one summary for the job line. */
export async function runCapture(deps: CaptureDeps, ctx: { signal?: AbortSignal; log: LogScope }): Promise<CaptureSummary> {
  const run = new CaptureRun(deps, ctx.signal, ctx.log);
  const byCnpj = new Map<string, DfeStateRecord[]>();
  for (const s of await deps.store.listDfeStates({ enabled: true })) {
    const key = dfeLeaseName(s.tpAmb, s.cnpj);
    byCnpj.set(key, [...(byCnpj.get(key) ?? []), s]);
  }
  for (const [lease, states] of byCnpj) {
    if (run.stopped) break;
    if (!(await run.renew(lease))) {
      run.summary.leaseHeldElsewhere++;
      continue;
    }
    run.summary.cnpjs++;
    try {
      for (const record of states) {
        const company = await deps.store.getCompany(record.companyId);
        if (!company?.enabled) continue;
        // Re-read under the lease: the listing may predate another process's last call.
        const state = (await deps.store.getDfeState(record.companyId, record.model)) ?? record;
        const scope: Scope = { run, company, model: record.model, lease, state, log: ctx.log.child({ cnpj: company.cnpj, modelo: record.model }) };
        await owedCiencia(scope);
        await sweep(scope);
        await fillGaps(scope);
      }
    } finally {
      await deps.store.releaseLease(lease, deps.owner);
    }
  }
  return run.summary;
}
