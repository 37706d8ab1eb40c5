// What a crash left in flight, settled once at start (§6, §8).
import { JobRun, type FollowUpDeps } from '../emission/jobs/common';
import { recoverAfterCrash } from '../emission/jobs/startup-recovery';
import type { JobDefinition } from './scheduler';
import { JOBS } from './schedules';

export function startupRecoveryJob(deps: FollowUpDeps, schedule: string = JOBS['startup-recovery']): JobDefinition {
  return { name: 'startup-recovery', schedule, run: ({ now, signal, log }) => recoverAfterCrash(new JobRun(deps, now, signal, log)) };
}
