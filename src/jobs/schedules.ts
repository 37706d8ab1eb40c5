// The gateway's scheduled jobs and their default schedules, in one table, plus the environment
// overrides (JOB_SCHEDULE_<NAME>, e.g. JOB_SCHEDULE_CONTINGENCY_PROBE="*/15 * * * * *") and the
// maximum run time that doubles as the lease TTL (JOB_MAX_RUN_MS).
import cron from 'node-cron';
import { ConfigError } from '../config';
import { DEFAULT_PROBE_INTERVALS, type ProbeIntervals } from '../contingency/policy';

/** Runs once when the scheduler starts instead of on a cron expression. */
export const AT_START = '@start';

// 6-field expressions carry seconds (node-cron). The probe ticks often; per-scope intervals
// (≥ 3 min between status calls) are enforced by the probe itself.
export const JOBS = {
  'contingency-probe': '*/30 * * * * *',
  'pending-retry': '* * * * *',
  'epec-reconcile': '*/2 * * * *',
  'discard': '* * * * *',
  // Hourly is ample against a deadline counted in days.
  'numbering-gaps': '7 * * * *',
  'startup-recovery': AT_START,
  // Gap filling every few minutes (§8.3); sweeps of an idle CNPJ wait out their one-hour hold.
  'dfe-distribution': '*/5 * * * *',
} as const;

export type JobName = keyof typeof JOBS;

export interface JobConfig {
  schedules: Record<JobName, string>;
  /** Longest a run may take. */
  maxRunMs: number;
  /** TTL of a job's database lease (renewed while it runs): how long a crashed process keeps a job. */
  leaseTtlMs: number;
  /** Per-scope interval between status probes (PROBE_MIN/MAX_INTERVAL_SECONDS; SEFAZ usage rule ≥ 180 s). */
  probeIntervals: ProbeIntervals;
}

export const DEFAULT_JOB_MAX_RUN_MS = 10 * 60_000;
/** Short enough that a job held by a killed process resumes within about one tick of the probe. */
export const DEFAULT_JOB_LEASE_TTL_MS = 30_000;

export function isValidSchedule(schedule: string): boolean {
  return schedule === AT_START || cron.validate(schedule);
}

function envName(job: JobName): string {
  return `JOB_SCHEDULE_${job.toUpperCase().replace(/-/g, '_')}`;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallbackMs: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallbackMs;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} deve ser um número positivo de segundos (recebido: ${raw})`);
  return n * 1000;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} deve ser um número inteiro positivo (recebido: ${raw})`);
  return n;
}

export function loadJobConfig(env: NodeJS.ProcessEnv = process.env): JobConfig {
  const schedules = { ...JOBS } as Record<JobName, string>;
  for (const job of Object.keys(JOBS) as JobName[]) {
    const raw = env[envName(job)]?.trim();
    if (!raw) continue;
    if (!isValidSchedule(raw)) throw new ConfigError(`${envName(job)}: expressão cron inválida (recebido: ${raw})`);
    schedules[job] = raw;
  }
  const maxRunMs = positiveInt(env, 'JOB_MAX_RUN_MS', DEFAULT_JOB_MAX_RUN_MS);
  const leaseTtlMs = positiveInt(env, 'JOB_LEASE_TTL_MS', DEFAULT_JOB_LEASE_TTL_MS);
  const probeIntervals = {
    minMs: seconds(env, 'PROBE_MIN_INTERVAL_SECONDS', DEFAULT_PROBE_INTERVALS.minMs),
    maxMs: seconds(env, 'PROBE_MAX_INTERVAL_SECONDS', DEFAULT_PROBE_INTERVALS.maxMs),
  };
  return { schedules, maxRunMs, leaseTtlMs, probeIntervals };
}
