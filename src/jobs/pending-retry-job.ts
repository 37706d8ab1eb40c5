// Pending documents and events (105) retried after their scope is normal again (§6).
import { JobRun, type FollowUpDeps } from '../emission/jobs/common';
import { retryPendingDocuments, retryPendingEvents } from '../emission/jobs/pending-retry';
import type { JobDefinition } from './scheduler';
import { JOBS } from './schedules';

export function pendingRetryJob(deps: FollowUpDeps, schedule: string = JOBS['pending-retry']): JobDefinition {
  return {
    name: 'pending-retry',
    schedule,
    async run({ now, signal, log }) {
      const run = new JobRun(deps, now, signal, log);
      const docs = await retryPendingDocuments(run);
      const events = await retryPendingEvents(run);
      return { ...docs, eventsTried: events.tried, eventsSettled: events.settled, eventsGaveUp: events.gaveUp };
    },
  };
}
