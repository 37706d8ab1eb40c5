// EPEC reconciliation and transmission of off-line NFC-e, one job (§4): both send a stored document
// under its own key to the normal authorizer once the scope is normal.
import { JobRun, type FollowUpDeps } from '../emission/jobs/common';
import { reconcileContingencyDocuments } from '../emission/jobs/reconcile';
import type { JobDefinition } from './scheduler';
import { JOBS } from './schedules';

export function epecReconcileJob(deps: FollowUpDeps, schedule: string = JOBS['epec-reconcile']): JobDefinition {
  return { name: 'epec-reconcile', schedule, run: ({ now, signal, log }) => reconcileContingencyDocuments(new JobRun(deps, now, signal, log)) };
}
