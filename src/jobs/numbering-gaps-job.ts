// Numbering gaps of NF-e/NFC-e found, and voided by inutilização for the companies that asked (§7.5).
import { JobRun, type FollowUpDeps } from '../emission/jobs/common';
import { runNumberingGaps } from '../emission/jobs/numbering-gaps';
import type { JobDefinition } from './scheduler';
import { JOBS } from './schedules';

export function numberingGapsJob(deps: FollowUpDeps, schedule: string = JOBS['numbering-gaps']): JobDefinition {
  return { name: 'numbering-gaps', schedule, run: ({ now, signal, log }) => runNumberingGaps(new JobRun(deps, now, signal, log)) };
}
