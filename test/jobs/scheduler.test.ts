import { openStore, SecretBox, type Store } from '../../src/store';
import { JobScheduler, type JobContext, type JobSummary } from '../../src/jobs/scheduler';
import { AT_START, JOBS, loadJobConfig } from '../../src/jobs/schedules';
import { captureLogs } from '../support/logs';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condição não atingida');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let store: Store;
let logs: ReturnType<typeof captureLogs>;
const schedulers: JobScheduler[] = [];

function scheduler(owner?: string, leaseTtlMs?: number, on: Pick<Store, 'acquireLease' | 'releaseLease'> = store): JobScheduler {
  const s = new JobScheduler({ store: on, owner, maxRunMs: 60_000, leaseTtlMs });
  schedulers.push(s);
  return s;
}

beforeEach(async () => {
  store = await openStore({ kind: 'sqlite', memory: true }, new SecretBox('x'.repeat(32)));
  logs = captureLogs();
});

afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  logs.detach();
  await store.close();
});

describe('JobScheduler', () => {
  test('two schedulers sharing one store: a job runs once per tick', async () => {
    const gate = deferred();
    let runs = 0;
    const job = { name: 'shared', schedule: '* * * * *', run: async () => { runs += 1; await gate.promise; return { runs }; } };
    const a = scheduler('processo-a');
    const b = scheduler('processo-b');
    a.register(job);
    b.register(job);

    const both = Promise.all([a.runNow('shared'), b.runNow('shared')]);
    await waitFor(() => runs === 1);
    gate.resolve();
    const results = await both;

    expect(runs).toBe(1);
    expect(results.map((r) => r.status).sort()).toEqual(['done', 'skipped']);
    expect(results.find((r) => r.status === 'skipped')).toEqual({ status: 'skipped', reason: 'lease' });
    // The lease is released at the end: the next tick may run on the other process.
    expect((await b.runNow('shared')).status).toBe('done');
    expect(runs).toBe(2);
  });

  test('skips quietly while another owner holds the lease', async () => {
    await store.acquireLease('job:ocupado', 'outro-processo', 60_000);
    const s = scheduler();
    let runs = 0;
    s.register({ name: 'ocupado', schedule: '* * * * *', run: async () => { runs += 1; return {}; } });
    expect(await s.runNow('ocupado')).toEqual({ status: 'skipped', reason: 'lease' });
    expect(runs).toBe(0);
    expect(logs.lines.filter((l) => l.level !== 'debug' && l.job === 'ocupado')).toEqual([]);
  });

  test('a lease held by a killed process frees the job after the lease TTL, not the maximum run time', async () => {
    // The "killed" process: its store calls stop reaching the database mid-run (no renewal, no release).
    let dead = false;
    const cut: Pick<Store, 'acquireLease' | 'releaseLease'> = {
      acquireLease: (...a) => (dead ? new Promise(() => undefined) : store.acquireLease(...a)),
      releaseLease: (...a) => (dead ? new Promise(() => undefined) : store.releaseLease(...a)),
    };
    const started = deferred();
    const killed = scheduler('processo-morto', 400, cut);
    killed.register({ name: 'sonda', schedule: '* * * * *', run: async () => { started.resolve(); await new Promise(() => undefined); return {}; } });
    void killed.runNow('sonda');
    await started.promise;
    dead = true;
    schedulers.splice(schedulers.indexOf(killed), 1);

    let runs = 0;
    const restarted = scheduler('processo-reiniciado', 400);
    restarted.register({ name: 'sonda', schedule: '* * * * *', run: async () => { runs += 1; return {}; } });
    expect(await restarted.runNow('sonda')).toEqual({ status: 'skipped', reason: 'lease' });
    await new Promise((r) => setTimeout(r, 600));
    expect((await restarted.runNow('sonda')).status).toBe('done');
    expect(runs).toBe(1);
  });

  test('a run longer than the lease TTL keeps its lease (renewed while it runs)', async () => {
    const gate = deferred();
    const s = scheduler('processo-a', 300);
    s.register({ name: 'demorado', schedule: '* * * * *', run: async () => { await gate.promise; return {}; } });
    const run = s.runNow('demorado');
    for (let i = 0; i < 4; i += 1) {
      await new Promise((r) => setTimeout(r, 250));
      expect(await store.acquireLease('job:demorado', 'processo-b', 1000)).toBe(false);
    }
    gate.resolve();
    expect((await run).status).toBe('done');
    expect(await store.acquireLease('job:demorado', 'processo-b', 1000)).toBe(true);
  });

  test('a run never overlaps itself in one process', async () => {
    const gate = deferred();
    let runs = 0;
    const s = scheduler();
    s.register({ name: 'lento', schedule: '* * * * *', run: async () => { runs += 1; await gate.promise; return {}; } });
    const first = s.runNow('lento');
    expect(await s.runNow('lento')).toEqual({ status: 'skipped', reason: 'running' });
    gate.resolve();
    expect((await first).status).toBe('done');
    expect(runs).toBe(1);
  });

  test('each run logs one summary line', async () => {
    const s = scheduler();
    s.register({ name: 'resumo', schedule: '* * * * *', run: async () => ({ probed: 3, recovered: 1, note: 'ok' }) });
    const result = await s.runNow('resumo');
    expect(result).toMatchObject({ status: 'done', summary: { probed: 3, recovered: 1, note: 'ok' } });
    const lines = logs.lines.filter((l) => l.job === 'resumo');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', message: 'job', job: 'resumo', probed: 3, recovered: 1, note: 'ok' });
    expect(typeof lines[0]!.durationMs).toBe('number');
  });

  test('a throwing job is logged and the scheduler keeps going', async () => {
    const s = scheduler();
    let calls = 0;
    s.register({
      name: 'instavel',
      schedule: '* * * * * *', // every second
      run: async (): Promise<JobSummary> => {
        calls += 1;
        if (calls === 1) throw new Error('banco indisponível');
        return { calls };
      },
    });
    s.start();
    await waitFor(() => calls >= 2);
    await s.stop();

    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'job falhou', job: 'instavel', err: 'banco indisponível' }));
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'job', job: 'instavel', calls: 2 }));
    // The lease was released after the failure too.
    expect(await store.acquireLease('job:instavel', 'outro', 1000)).toBe(true);
  });

  test('runNow reports a failure without throwing', async () => {
    const s = scheduler();
    s.register({ name: 'falha', schedule: '* * * * *', run: async () => { throw new Error('erro de teste'); } });
    expect(await s.runNow('falha')).toMatchObject({ status: 'failed', error: 'erro de teste' });
  });

  test('stop waits for the running job and signals it', async () => {
    const gate = deferred();
    let seen: JobContext | undefined;
    let finished = false;
    const s = scheduler();
    s.register({ name: 'longo', schedule: '* * * * *', run: async (ctx) => { seen = ctx; await gate.promise; finished = true; return {}; } });
    const run = s.runNow('longo');
    await waitFor(() => seen !== undefined);

    let stopped = false;
    const stopping = s.stop().then(() => { stopped = true; });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    expect(seen!.signal.aborted).toBe(true);

    gate.resolve();
    await stopping;
    expect(finished).toBe(true);
    expect((await run).status).toBe('done');
  });

  test('an AT_START job runs once when the scheduler starts', async () => {
    const s = scheduler();
    let runs = 0;
    s.register({ name: 'recuperacao', schedule: AT_START, run: async () => { runs += 1; return {}; } });
    expect(runs).toBe(0);
    s.start();
    await waitFor(() => runs === 1);
    await s.stop();
    expect(runs).toBe(1);
  });

  test('refuses invalid schedules, duplicate names and unknown jobs', async () => {
    const s = scheduler();
    expect(() => s.register({ name: 'x', schedule: '61 * * * *', run: async () => ({}) })).toThrow(/cron inválida/);
    s.register({ name: 'y', schedule: '* * * * *', run: async () => ({}) });
    expect(() => s.register({ name: 'y', schedule: '* * * * *', run: async () => ({}) })).toThrow(/já registrado/);
    await expect(s.runNow('nenhum')).rejects.toThrow(/job desconhecido/);
  });
});

describe('loadJobConfig', () => {
  test('defaults', () => {
    const cfg = loadJobConfig({});
    expect(cfg.schedules).toEqual(JOBS);
    expect(cfg.schedules['startup-recovery']).toBe(AT_START);
    expect(cfg.maxRunMs).toBe(600_000);
    expect(cfg.leaseTtlMs).toBe(30_000);
    expect(loadJobConfig({ JOB_LEASE_TTL_MS: '5000' }).leaseTtlMs).toBe(5000);
  });

  test.each<[Record<string, string>, string, string]>([
    [{ JOB_SCHEDULE_CONTINGENCY_PROBE: '*/15 * * * * *' }, 'contingency-probe', '*/15 * * * * *'],
    [{ JOB_SCHEDULE_EPEC_RECONCILE: '*/5 * * * *' }, 'epec-reconcile', '*/5 * * * *'],
    [{ JOB_SCHEDULE_DISCARD: ' ' }, 'discard', '* * * * *'],
  ])('override %j', (env, job, expected) => {
    expect(loadJobConfig(env).schedules[job as keyof typeof JOBS]).toBe(expected);
  });

  test.each<[Record<string, string>, RegExp]>([
    [{ JOB_SCHEDULE_PENDING_RETRY: 'toda hora' }, /JOB_SCHEDULE_PENDING_RETRY: expressão cron inválida/],
    [{ JOB_MAX_RUN_MS: '0' }, /JOB_MAX_RUN_MS/],
    [{ JOB_MAX_RUN_MS: 'abc' }, /JOB_MAX_RUN_MS/],
    [{ JOB_LEASE_TTL_MS: '-1' }, /JOB_LEASE_TTL_MS/],
  ])('rejects %j', (env, message) => {
    expect(() => loadJobConfig(env)).toThrow(message);
  });
});
