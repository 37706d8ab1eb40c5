// The dfe-distribution job (src/jobs/dfe-distribution-job.ts) under the scheduler: leased, one summary
// line per run; and the capture's configuration from the environment (src/distribution/options.ts).
import { ConfigError } from '../../src/config';
import { distributionOptionsFromEnv } from '../../src/distribution/options';
import { dfeDistributionJob } from '../../src/jobs/dfe-distribution-job';
import { JobScheduler } from '../../src/jobs/scheduler';
import { JOBS, loadJobConfig } from '../../src/jobs/schedules';
import { openStore, SecretBox, type Store } from '../../src/store';
import { FakeAmbienteNacional, randomCnpj } from '../support/fake-an';
import { captureLogs } from '../support/logs';

describe('dfe-distribution job', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ kind: 'sqlite', memory: true }, new SecretBox('chave-mestra-de-teste-0123456789'));
  });
  afterEach(() => store.close());

  it('runs the capture under its lease and writes one summary line per run', async () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const an = new FakeAmbienteNacional(() => now);
    const { partner } = await store.createPartner('P');
    const { company } = await store.createCompany({ partnerId: partner.id, cnpj: randomCnpj(), uf: 'PR', name: 'Dest', environment: 'producao' });
    await store.setDfeEnabled(company.id, '55', true);
    an.addSummaries(company.cnpj, 7);
    const scheduler = new JobScheduler({ store, owner: 'gateway-a' });
    scheduler.register(dfeDistributionJob({ store, source: an.source, owner: scheduler.owner, clock: () => now, options: { pauseMs: 0 } }));
    const logs = captureLogs();
    try {
      expect(await store.acquireLease('job:dfe-distribution', 'gateway-b', 60_000)).toBe(true);
      expect(await scheduler.runNow('dfe-distribution')).toEqual({ status: 'skipped', reason: 'lease' });
      await store.releaseLease('job:dfe-distribution', 'gateway-b');
      expect(await scheduler.runNow('dfe-distribution')).toMatchObject({ status: 'done', summary: { cnpjs: 1, calls: 1, docsStored: 7, holds: 1, consumoIndevido: 0 } });
    } finally {
      logs.detach();
      await scheduler.stop();
    }
    const lines = logs.lines.filter((l) => l.message === 'job' && l.job === 'dfe-distribution');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ cnpjs: 1, docsStored: 7, missingAdded: 0, holds: 1, consumoIndevido: 0 });
    expect(an.calls.map((c) => [c.doc, c.model, c.kind])).toEqual([[company.cnpj, '55', 'distNSU']]);
  });

  it('is scheduled every 5 minutes unless JOB_SCHEDULE_DFE_DISTRIBUTION says otherwise', () => {
    expect(JOBS['dfe-distribution']).toBe('*/5 * * * *');
    expect(loadJobConfig({ JOB_SCHEDULE_DFE_DISTRIBUTION: '*/10 * * * *' }).schedules['dfe-distribution']).toBe('*/10 * * * *');
  });
});

describe('DF-e capture configuration', () => {
  it('defaults: 20 calls an hour, a reserve of 2 key queries, a 2-minute margin, 2 s between calls', () => {
    const o = distributionOptionsFromEnv({});
    expect(o.policy).toMatchObject({ callCap: 20, keyQueryCap: 20, keyReserve: 2, marginMs: 120_000, holdMs: 3_600_000 });
    expect(o.pauseMs).toBe(2000);
  });

  it('reads the overrides; the key cap never passes the AN\'s 20', () => {
    const o = distributionOptionsFromEnv({ DFE_CALLS_PER_HOUR: '30', DFE_KEY_RESERVE: '5', DFE_HOLD_MARGIN_SECONDS: '300', DFE_PAUSE_MS: '0', DFE_LEASE_TTL_MS: '60000' });
    expect(o.policy).toMatchObject({ callCap: 30, keyQueryCap: 20, keyReserve: 5, marginMs: 300_000 });
    expect(o).toMatchObject({ pauseMs: 0, leaseTtlMs: 60_000 });
    expect(distributionOptionsFromEnv({ DFE_CALLS_PER_HOUR: '10' }).policy).toMatchObject({ callCap: 10, keyQueryCap: 10 });
  });

  test.each([
    [{ DFE_CALLS_PER_HOUR: '0' }, /DFE_CALLS_PER_HOUR/],
    [{ DFE_KEY_RESERVE: '20' }, /DFE_KEY_RESERVE/],
    [{ DFE_HOLD_MARGIN_SECONDS: '30' }, /DFE_HOLD_MARGIN_SECONDS/],
    [{ DFE_PAUSE_MS: 'x' }, /DFE_PAUSE_MS/],
  ])('%j is refused', (env, message) => {
    expect(() => distributionOptionsFromEnv(env)).toThrow(ConfigError);
    expect(() => distributionOptionsFromEnv(env)).toThrow(message);
  });
});
