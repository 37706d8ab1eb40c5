// DF-e capture (dfe-distribution.md §8): sweeps and gap filling of every opted-in company, each CNPJ
// under its own lease besides the job's; the holds make an idle CNPJ hourly whatever the schedule.
import { runCapture, type CaptureDeps } from '../distribution/capture';
import type { JobDefinition } from './scheduler';
import { JOBS } from './schedules';

export function dfeDistributionJob(deps: CaptureDeps, schedule: string = JOBS['dfe-distribution']): JobDefinition {
  return { name: 'dfe-distribution', schedule, run: ({ signal, log }) => runCapture(deps, { signal, log }) };
}
