// Discard of referenced documents and settling of unreferenced 108 documents (§5.2, §5.3).
import { JobRun, type FollowUpDeps } from '../emission/jobs/common';
import { runDiscards } from '../emission/jobs/discard';
import type { JobDefinition } from './scheduler';
import { JOBS } from './schedules';

export function discardJob(deps: FollowUpDeps, schedule: string = JOBS['discard']): JobDefinition {
  return { name: 'discard', schedule, run: ({ now, signal, log }) => runDiscards(new JobRun(deps, now, signal, log)) };
}
