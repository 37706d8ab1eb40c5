// The probe against the real simulator over mutual TLS. Status calls are counted through a fault with
// `times`: the simulator consumes one use per request it receives.
import { Writable } from 'node:stream';
import winston from 'winston';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import { openStore, SecretBox, type ContingencyScope, type Store } from '../../src/store';
import { createEndpointResolver } from '../../src/sefaz/endpoints';
import { SefazTransport } from '../../src/sefaz/transport';
import { SefazClient } from '../../src/sefaz/client';
import { loadPfx } from '../../src/signing/pfx';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { log } from '../../src/log/logger';
import { probeScopes, type CredentialsFor, type ScopeStatus } from '../../src/contingency/probe';
import { companyCredentialsFor } from '../../src/emission/scope-credentials';
import { scopeStatusOf } from '../../src/emission/scope-status';
import { JobScheduler } from '../../src/jobs/scheduler';
import { contingencyProbeJob } from '../../src/jobs/probe-job';

const MIN = 60_000;
const RS_NFE: ContingencyScope = { tpAmb: '2', uf: 'RS', model: '55' };
const RS_NFCE: ContingencyScope = { tpAmb: '2', uf: 'RS', model: '65' };

let sim: RunningSimulator;
let store: Store;
let transport: SefazTransport;
let sefaz: SefazClient;
let credentialsFor: CredentialsFor;
let status: ScopeStatus;
let partnerId: string;
let usableCertPem: string;
const logLines: Record<string, unknown>[] = [];
const logTransport = new winston.transports.Stream({
  stream: new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) logLines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  }),
});

/** Adds a company with a certificate issued by the simulator CA; returns the certificate PEM. */
async function addCompany(cnpjBase: string, opts: { uf?: string; enabled?: boolean; expired?: boolean } = {}): Promise<string> {
  const cnpj = withCnpjCheckDigits(cnpjBase);
  const { company } = await store.createCompany({
    partnerId, cnpj, uf: opts.uf ?? 'RS', name: `Empresa ${cnpj}`, environment: 'homologacao', enabled: opts.enabled ?? true,
  });
  const validity = opts.expired ? { notBefore: new Date(Date.now() - 400 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) } : {};
  const pfx = sim.issueCompanyPfx(company.name, cnpj, 'senha-teste', validity);
  const a1 = loadPfx(pfx, 'senha-teste');
  await store.saveCertificate(company.id, {
    pfx, password: 'senha-teste', keyPem: a1.keyPem, certPem: a1.certPem, subject: a1.subject, cnpj: a1.cnpj ?? null,
    serial: a1.serialNumber, notBefore: a1.notBefore, notAfter: a1.notAfter,
  });
  return a1.certPem;
}

async function enterContingency(scope: ContingencyScope, since: Date, nextProbeAt: Date | null = null): Promise<void> {
  await store.setContingency(scope, { state: 'contingency', since, cause: 'SEFAZ não respondeu', detectingDocumentId: null, nextProbeAt, probeFailures: 0 });
}

/** Requests the simulator received since the counting fault was armed. */
function statusCalls(): number {
  const fault = sim.faults.list().find((f) => f.service === 'NFeStatusServico4');
  return fault ? 1000 - (fault.times ?? 0) : 0;
}

beforeAll(async () => {
  log.add(logTransport);
  sim = await startSimulator({ httpsPort: 0, httpPort: null });
  store = await openStore({ kind: 'sqlite', memory: true }, new SecretBox('x'.repeat(32)));
  transport = new SefazTransport({ trust: { mode: 'simulator', caPem: sim.ca.certPem }, timeouts: { connectTimeoutMs: 5000, responseTimeoutMs: 5000 } });
  sefaz = new SefazClient(createEndpointResolver({ mode: 'simulator', baseUrl: sim.httpsUrl }), transport);
  credentialsFor = companyCredentialsFor({ store, sefaz, verProc: 'teste' });
  status = scopeStatusOf({ store, sefaz, verProc: 'teste' });
  partnerId = (await store.createPartner('Parceiro')).partner.id;
  // Expired and disabled companies come first: the lookup must skip them.
  await addCompany('111111110001', { expired: true });
  await addCompany('222222220001', { enabled: false });
  usableCertPem = await addCompany('333333330001');
});

afterAll(async () => {
  log.remove(logTransport);
  transport.close();
  await sim.close();
  await store.close();
});

beforeEach(async () => {
  sim.faults.reset();
  logLines.length = 0;
  for (const rec of await store.listContingencies('contingency')) {
    await store.setContingency(rec, { state: 'normal', since: new Date(), cause: null, probeFailures: 0 });
  }
});

describe('probeScopes against the simulator', () => {
  test('a scope with the SEFAZ down stays in contingency with back-off; the minimum interval is respected', async () => {
    const t0 = new Date();
    await enterContingency(RS_NFE, new Date(t0.getTime() - 60 * MIN));
    sim.faults.add({ authorizer: '*', service: 'NFeStatusServico4', mode: 'down', times: 1000 });

    expect(await probeScopes({ store, status, credentialsFor, now: t0 })).toEqual({ probed: 1, recovered: 0, stillDown: 1 });
    expect(statusCalls()).toBe(1);
    let rec = await store.getContingency(RS_NFE);
    expect(rec).toMatchObject({ state: 'contingency', probeFailures: 1, cause: 'SEFAZ não respondeu' });
    expect(rec!.nextProbeAt!.getTime()).toBe(t0.getTime() + 3 * MIN);

    // Right after: not due, the simulator is not called.
    expect(await probeScopes({ store, status, credentialsFor, now: new Date(t0.getTime() + 1000) })).toEqual({ probed: 0, recovered: 0, stillDown: 0 });
    expect(statusCalls()).toBe(1);

    // Due again: second failure doubles the wait.
    const t1 = new Date(t0.getTime() + 3 * MIN);
    expect(await probeScopes({ store, status, credentialsFor, now: t1 })).toEqual({ probed: 1, recovered: 0, stillDown: 1 });
    expect(statusCalls()).toBe(2);
    rec = await store.getContingency(RS_NFE);
    expect(rec).toMatchObject({ state: 'contingency', probeFailures: 2 });
    expect(rec!.nextProbeAt!.getTime()).toBe(t1.getTime() + 6 * MIN);
  });

  test('after reset the probe returns the scope to normal and logs the exit', async () => {
    const t0 = new Date();
    await enterContingency(RS_NFE, new Date(t0.getTime() - 60 * MIN), new Date(t0.getTime() - 1000));
    await enterContingency(RS_NFCE, new Date(t0.getTime() - 60 * MIN), new Date(t0.getTime() - 1000));
    sim.faults.add({ authorizer: '*', service: '*', mode: 'down' });
    expect(await probeScopes({ store, status, credentialsFor, now: t0 })).toEqual({ probed: 2, recovered: 0, stillDown: 2 });

    sim.faults.reset();
    const t1 = new Date(t0.getTime() + 3 * MIN);
    expect(await probeScopes({ store, status, credentialsFor, now: t1 })).toEqual({ probed: 2, recovered: 2, stillDown: 0 });
    for (const scope of [RS_NFE, RS_NFCE]) {
      expect(await store.getContingency(scope)).toMatchObject({ state: 'normal', probeFailures: 0, nextProbeAt: null, detectingDocumentId: null });
    }
    const exits = logLines.filter((l) => l.message === 'contingência encerrada');
    expect(exits).toHaveLength(2);
    expect(exits[0]).toMatchObject({ level: 'info', uf: 'RS', modelo: '55', tpAmb: '2', cause: expect.stringMatching(/^107 - /) });
    expect(await store.listContingencies('contingency')).toEqual([]);
  });

  test('SEFAZ paralisada (109) keeps the scope in contingency', async () => {
    const t0 = new Date();
    await enterContingency(RS_NFE, new Date(t0.getTime() - 60 * MIN));
    sim.faults.add({ authorizer: '*', service: 'NFeStatusServico4', mode: 'paralisado', cStat: '109' });
    expect(await probeScopes({ store, status, credentialsFor, now: t0 })).toEqual({ probed: 1, recovered: 0, stillDown: 1 });
    expect(await store.getContingency(RS_NFE)).toMatchObject({ state: 'contingency', probeFailures: 1 });
  });

  test('a scope that has just entered contingency waits one interval before its first probe', async () => {
    const t0 = new Date();
    await enterContingency(RS_NFE, t0);
    expect(await probeScopes({ store, status, credentialsFor, now: new Date(t0.getTime() + MIN) })).toEqual({ probed: 0, recovered: 0, stillDown: 0 });
    expect(await probeScopes({ store, status, credentialsFor, now: new Date(t0.getTime() + 3 * MIN) })).toEqual({ probed: 1, recovered: 1, stillDown: 0 });
  });

  test('a scope without any company able to call SEFAZ backs off without calling it', async () => {
    const t0 = new Date();
    const sc: ContingencyScope = { tpAmb: '2', uf: 'SC', model: '55' };
    await enterContingency(sc, new Date(t0.getTime() - 60 * MIN));
    sim.faults.add({ authorizer: '*', service: 'NFeStatusServico4', mode: 'down', times: 1000 });
    expect(await probeScopes({ store, status, credentialsFor, now: t0 })).toEqual({ probed: 1, recovered: 0, stillDown: 1 });
    expect(statusCalls()).toBe(0);
    expect(await store.getContingency(sc)).toMatchObject({ state: 'contingency', probeFailures: 1 });
  });

  test('a CT-e scope is probed like any other, through CTeStatusServicoV4: still down while it fails, recovered on 107', async () => {
    const t0 = new Date();
    const cte: ContingencyScope = { tpAmb: '2', uf: 'RS', model: '57' };
    await enterContingency(cte, new Date(t0.getTime() - 60 * MIN));
    sim.faults.add({ authorizer: '*', service: 'CTeStatusServicoV4', mode: 'down', times: 1 });
    expect(await probeScopes({ store, status, credentialsFor, now: t0 })).toEqual({ probed: 1, recovered: 0, stillDown: 1 });
    expect(sim.faults.list()).toHaveLength(0);
    const rec = await store.getContingency(cte);
    expect(rec).toMatchObject({ state: 'contingency', probeFailures: 1 });
    expect(rec!.nextProbeAt!.getTime()).toBe(t0.getTime() + 3 * MIN);
    expect(await probeScopes({ store, status, credentialsFor, now: new Date(t0.getTime() + 3 * MIN) })).toEqual({ probed: 1, recovered: 1, stillDown: 0 });
    expect(await store.getContingency(cte)).toMatchObject({ state: 'normal' });
  });
});

describe('scopeStatusOf', () => {
  test('asks the status service of the scope model\'s document type (NF-e and CT-e)', async () => {
    const credentials = (await credentialsFor('RS', '55', '2'))!;
    expect(await status({ tpAmb: '2', uf: 'RS', model: '55' }, credentials)).toMatchObject({ cStat: '107' });
    expect(await status({ tpAmb: '2', uf: 'RS', model: '57' }, credentials)).toEqual({ cStat: '107', xMotivo: 'Serviço em Operação' });
  });
});

describe('contingencyProbeJob', () => {
  test('runs the probe under the scheduler and logs its summary', async () => {
    await enterContingency(RS_NFE, new Date(Date.now() - 60 * MIN), new Date(Date.now() - 1000));
    const scheduler = new JobScheduler({ store });
    scheduler.register(contingencyProbeJob({ store, status, credentialsFor }));
    expect(await scheduler.runNow('contingency-probe')).toMatchObject({ status: 'done', summary: { probed: 1, recovered: 1, stillDown: 0 } });
    expect(logLines).toContainEqual(expect.objectContaining({ message: 'job', job: 'contingency-probe', probed: 1, recovered: 1 }));
    await scheduler.stop();
  });

  test('an aborted run stops before probing', async () => {
    await enterContingency(RS_NFE, new Date(Date.now() - 60 * MIN), new Date(Date.now() - 1000));
    const signal = AbortSignal.abort();
    expect(await probeScopes({ store, status, credentialsFor, now: new Date(), signal })).toEqual({ probed: 0, recovered: 0, stillDown: 0 });
    expect(await store.getContingency(RS_NFE)).toMatchObject({ state: 'contingency' });
  });
});

describe('companyCredentialsFor', () => {
  test('picks an enabled company of the UF and environment with a valid certificate', async () => {
    expect((await credentialsFor('RS', '55', '2'))?.cert).toBe(usableCertPem);
    expect(await credentialsFor('RS', '55', '1')).toBeUndefined();
    expect(await credentialsFor('SP', '55', '2')).toBeUndefined();
  });
});
