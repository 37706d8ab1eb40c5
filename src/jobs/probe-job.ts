// The contingency probe as a scheduled job (name and default schedule in ./schedules).
import { probeScopes, type ProbeDeps } from '../contingency/probe';
import type { JobDefinition } from './scheduler';
import { JOBS } from './schedules';

export function contingencyProbeJob(deps: Omit<ProbeDeps, 'now' | 'signal'>, schedule: string = JOBS['contingency-probe']): JobDefinition {
  return { name: 'contingency-probe', schedule, run: ({ now, signal, log }) => probeScopes({ ...deps, now, signal, log }) };
}
