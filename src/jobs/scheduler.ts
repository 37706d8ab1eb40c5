// Scheduled jobs over node-cron 4. Each run takes the database lease `job:<name>` so that, with several
// gateway processes on one database, only one of them runs a job at a time; the others skip quietly.
// The lease is short and renewed while the run lasts: a process killed mid-run (SIGKILL, OOM, power
// loss) cannot release it, and its restart (or another process) must get the job back within one TTL.
// A run never overlaps itself in a process, never throws out of the scheduler, and logs one summary
// line. Tasks are built with createTask (schedule() would start them at once, libraries.md §9).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Store } from '../store/port';
import { log, LogScope } from '../log/logger';
import { AT_START, DEFAULT_JOB_LEASE_TTL_MS, DEFAULT_JOB_MAX_RUN_MS, isValidSchedule } from './schedules';

export type JobSummary = Record<string, number | string>;

export interface JobContext {
  now: Date;
  /** Aborted when the run exceeds the maximum run time (its lease may be taken) or on stop(). */
  signal: AbortSignal;
  /** The run's log scope (its lines carry the job's name). */
  log: LogScope;
}

export interface JobDefinition {
  name: string;
  /** Cron expression (5 or 6 fields) or AT_START. */
  schedule: string;
  run(ctx: JobContext): Promise<JobSummary>;
}

export type JobRunResult =
  | { status: 'done'; summary: JobSummary; durationMs: number }
  | { status: 'failed'; error: string; durationMs: number }
  /** `running`: still running in this process; `lease`: another process holds the job. */
  | { status: 'skipped'; reason: 'running' | 'lease' };

export interface JobSchedulerOptions {
  store: Pick<Store, 'acquireLease' | 'releaseLease'>;
  /** Lease owner; defaults to host:pid:random, unique per scheduler. */
  owner?: string;
  /** Longest a run may take (then its signal is aborted). */
  maxRunMs?: number;
  /** TTL of a job's lease, renewed every third of it while the run lasts: how long a crashed owner keeps the job. */
  leaseTtlMs?: number;
  timezone?: string;
  clock?: () => Date;
}

interface Job {
  def: JobDefinition;
  task?: ScheduledTask;
  running?: Promise<JobRunResult>;
  controller?: AbortController;
}

const cronLogger: CronLogger = {
  info: (m) => log.debug('node-cron', { detalhe: m }),
  debug: (m) => log.debug('node-cron', { detalhe: String(m) }),
  warn: (m) => log.warn('node-cron', { detalhe: m }),
  error: (m, e) => log.error('node-cron', { detalhe: String(m), err: e?.message }),
};

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class JobScheduler {
  readonly owner: string;
  private readonly maxRunMs: number;
  private readonly leaseTtlMs: number;
  private readonly clock: () => Date;
  private readonly jobs = new Map<string, Job>();
  private started = false;

  constructor(private readonly opts: JobSchedulerOptions) {
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.maxRunMs = opts.maxRunMs ?? DEFAULT_JOB_MAX_RUN_MS;
    this.leaseTtlMs = opts.leaseTtlMs ?? DEFAULT_JOB_LEASE_TTL_MS;
    this.clock = opts.clock ?? (() => new Date());
  }

  register(def: JobDefinition): void {
    if (this.jobs.has(def.name)) throw new Error(`job ${def.name} já registrado`);
    if (!isValidSchedule(def.schedule)) throw new Error(`job ${def.name}: expressão cron inválida (${def.schedule})`);
    const job: Job = { def };
    this.jobs.set(def.name, job);
    if (this.started) this.schedule(job);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const job of this.jobs.values()) this.schedule(job);
  }

  /** Stops every task, asks running jobs to wrap up (signal) and waits for them. */
  async stop(): Promise<void> {
    this.started = false;
    const running: Promise<JobRunResult>[] = [];
    for (const job of this.jobs.values()) {
      if (job.task) await job.task.destroy();
      job.task = undefined;
      job.controller?.abort(new Error('agendador parado'));
      if (job.running) running.push(job.running);
    }
    await Promise.all(running);
  }

  /** Runs a job now, with the same lease and overlap rules as a scheduled tick. */
  runNow(name: string): Promise<JobRunResult> {
    const job = this.jobs.get(name);
    if (!job) return Promise.reject(new Error(`job desconhecido: ${name}`));
    return this.execute(job);
  }

  private schedule(job: Job): void {
    if (job.def.schedule === AT_START) {
      void this.execute(job);
      return;
    }
    job.task = cron.createTask(job.def.schedule, () => this.execute(job), {
      name: job.def.name,
      timezone: this.opts.timezone,
      logger: cronLogger,
    });
    void job.task.start();
  }

  private execute(job: Job): Promise<JobRunResult> {
    // Set synchronously, before any await, so a concurrent tick in this process sees it.
    if (job.running) return Promise.resolve({ status: 'skipped', reason: 'running' });
    const run = this.runLeased(job).finally(() => {
      job.running = undefined;
    });
    job.running = run;
    return run;
  }

  private async runLeased(job: Job): Promise<JobRunResult> {
    const name = job.def.name;
    const lease = `job:${name}`;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      if (!(await this.opts.store.acquireLease(lease, this.owner, this.leaseTtlMs))) {
        log.debug('job ignorado: em execução em outro processo', { job: name });
        return { status: 'skipped', reason: 'lease' };
      }
    } catch (err) {
      log.error('job falhou', { job: name, err: message(err) });
      return { status: 'failed', error: message(err), durationMs: elapsed() };
    }
    const controller = new AbortController();
    job.controller = controller;
    const timer = setTimeout(() => controller.abort(new Error('tempo máximo de execução excedido')), this.maxRunMs);
    timer.unref();
    const heartbeat = this.keepLease(lease, controller);
    try {
      const summary = await job.def.run({ now: this.clock(), signal: controller.signal, log: new LogScope({ job: name }) });
      const durationMs = elapsed();
      log.info('job', { job: name, durationMs, ...summary });
      return { status: 'done', summary, durationMs };
    } catch (err) {
      log.error('job falhou', { job: name, err: message(err) });
      return { status: 'failed', error: message(err), durationMs: elapsed() };
    } finally {
      clearTimeout(timer);
      // Stopped before the release, so no renewal can re-create the lease after it.
      await heartbeat.stop();
      job.controller = undefined;
      await this.opts.store.releaseLease(lease, this.owner).catch((err: unknown) => {
        log.warn('falha ao liberar lease do job', { job: name, err: message(err) });
      });
    }
  }

  /** Renews the lease every third of its TTL; a renewal refused (another owner took it) aborts the run. */
  private keepLease(lease: string, controller: AbortController): { stop(): Promise<void> } {
    let renewing: Promise<void> = Promise.resolve();
    const interval = setInterval(() => {
      renewing = renewing.then(async () => {
        try {
          if (!(await this.opts.store.acquireLease(lease, this.owner, this.leaseTtlMs))) controller.abort(new Error('lease do job perdido'));
        } catch (err) {
          log.warn('falha ao renovar lease do job', { lease, err: message(err) });
        }
      });
    }, Math.max(Math.floor(this.leaseTtlMs / 3), 1));
    interval.unref();
    return {
      stop: () => {
        clearInterval(interval);
        return renewing;
      },
    };
  }
}
