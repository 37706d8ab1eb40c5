// The DF-e capture use case (src/distribution/capture.ts) against the fake Ambiente Nacional
// (test/support/fake-an.ts) on a simulated clock: sweep, holds, co-consumer jumps and gap filling,
// 656 never retried early, the position persisted before the next call, one consumer per CNPJ.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCapture, type CaptureDeps, type DistributionSource } from '../../src/distribution/capture';
import { DEFAULT_DISTRIBUTION } from '../../src/distribution/options';
import { LogScope } from '../../src/log/logger';
import { openStore, SecretBox, type Company, type Store } from '../../src/store';
import { FakeAmbienteNacional, randomCnpj } from '../support/fake-an';
import { captureLogs } from '../support/logs';

const KEY = 'chave-mestra-de-teste-0123456789';
const MIN = 60_000;
const HOUR = 60 * MIN;
const pad = (n: number) => String(n).padStart(15, '0');
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => pad(a + i));

let now: Date;
const clock = () => now;
const advance = (ms: number) => (now = new Date(now.getTime() + ms));

async function companyIn(store: Store, uf = 'SP'): Promise<Company> {
  const { partner } = await store.createPartner('Parceiro DF-e');
  const { company } = await store.createCompany({ partnerId: partner.id, cnpj: randomCnpj(), uf, name: 'Destinatária', environment: 'homologacao' });
  await store.setDfeEnabled(company.id, '55', true);
  return company;
}

function deps(store: Store, source: DistributionSource, owner = 'gateway-a'): CaptureDeps {
  return { store, source, owner, clock, options: { ...DEFAULT_DISTRIBUTION, pauseMs: 0 } };
}

const run = (d: CaptureDeps) => runCapture(d, { log: new LogScope({ job: 'dfe-distribution' }) });

describe('DF-e capture', () => {
  let store: Store;
  let an: FakeAmbienteNacional;
  beforeEach(async () => {
    now = new Date('2026-06-01T12:00:00Z');
    store = await openStore({ kind: 'sqlite', memory: true }, new SecretBox(KEY));
    an = new FakeAmbienteNacional(clock);
  });
  afterEach(() => store.close());

  it('sweeps from NSU 0 to the end, stores every document, then holds an hour and never asks inside it', async () => {
    const company = await companyIn(store);
    an.addSummaries(company.cnpj, 120);
    const first = await run(deps(store, an.source));
    expect(first).toMatchObject({ cnpjs: 1, calls: 3, docsStored: 120, missingAdded: 0, holds: 1, consumoIndevido: 0 });
    expect(an.calls.map((c) => [c.asked, c.cStat, c.ultNSU])).toEqual([[pad(0), '138', pad(50)], [pad(50), '138', pad(100)], [pad(100), '138', pad(120)]]);
    const state = await store.getDfeState(company.id, '55');
    expect(state).toMatchObject({ ultNSU: pad(120), maxNSU: pad(120), holdUntil: new Date(now.getTime() + HOUR + DEFAULT_DISTRIBUTION.policy.marginMs) });
    expect(state?.callLog).toHaveLength(3);
    const stored = await store.queryDfeDocuments(company.id, { limit: 1000 });
    expect(stored.map((d) => d.nsu)).toEqual(range(1, 120));
    expect(stored[0]).toMatchObject({ root: 'resNFe', emitterDoc: '11222333000181', totalValue: '150.00', situation: 'authorized', best: true });

    an.addSummaries(company.cnpj, 5);
    for (let m = 0; m < 12; m++) {
      advance(5 * MIN);
      expect((await run(deps(store, an.source))).calls).toBe(0);
    }
    advance(5 * MIN);
    expect(await run(deps(store, an.source))).toMatchObject({ calls: 1, docsStored: 5 });
    expect(an.consumoIndevido).toEqual([]);
  });

  it('a co-consumer\'s jump: the skipped NSUs are missing, fetched by consNSU lowest first within 18 an hour; 137 → never generated', async () => {
    const company = await companyIn(store);
    an.addSummaries(company.cnpj, 10);
    await run(deps(store, an.source));
    advance(2 * HOUR);
    an.addSummaries(company.cnpj, 5); // 11–15
    an.addHidden(company.cnpj, '55', 1); // 16: generated for another party
    an.addSummaries(company.cnpj, 25); // 17–41
    an.coConsume(company.cnpj, '55', 20); // another system takes 11–30
    const logs = captureLogs();
    let summary;
    try {
      summary = await run(deps(store, an.source));
    } finally {
      logs.detach();
    }
    expect(summary).toMatchObject({ missingAdded: 20, docsStored: 11 + 17, gapsFetched: 17, neverGenerated: 1, consumoIndevido: 0 });
    const jump = logs.lines.find((l) => /consumidor concorrente/.test(l.message));
    expect(jump).toMatchObject({ level: 'warn', de: pad(11), ate: pad(30), nsus: 20, cnpj: company.cnpj });
    expect(String(jump?.orientacao)).toMatch(/Nenhum outro sistema/);
    const sweepCalls = an.calls.slice(1);
    expect(sweepCalls.slice(0, 2).map((c) => [c.kind, c.asked, c.cStat])).toEqual([['distNSU', pad(10), '137'], ['distNSU', pad(30), '138']]);
    const keyCalls = sweepCalls.filter((c) => c.kind === 'consNSU');
    expect(keyCalls.map((c) => c.asked)).toEqual(range(11, 28));
    expect(await store.dfeBacklog(company.id, '55')).toMatchObject({ pending: 2, oldestPendingNsu: pad(29), fetched: 17, neverGenerated: 1 });

    // The next run inside the hour: the key budget (less the reserve) is spent, nothing is asked.
    advance(10 * MIN);
    expect((await run(deps(store, an.source))).calls).toBe(0);
    advance(HOUR);
    expect(await run(deps(store, an.source))).toMatchObject({ gapsFetched: 2 });
    expect(await store.dfeBacklog(company.id, '55')).toMatchObject({ pending: 0, fetched: 19, neverGenerated: 1 });
    expect((await store.queryDfeDocuments(company.id, { limit: 1000 })).map((d) => d.nsu)).toEqual(range(1, 41).filter((n) => n !== pad(16)));
    expect(an.consumoIndevido).toEqual([]);
  });

  it('after a 656 the CNPJ is left alone for the whole hour: never an early retry', async () => {
    const company = await companyIn(store);
    an.addSummaries(company.cnpj, 3);
    an.block(company.cnpj, '55');
    expect(await run(deps(store, an.source))).toMatchObject({ calls: 1, consumoIndevido: 1 });
    const blockedUntil = (await store.getDfeState(company.id, '55'))?.blockedUntil;
    expect(blockedUntil).toEqual(new Date(now.getTime() + HOUR + DEFAULT_DISTRIBUTION.policy.marginMs));
    for (let m = 0; m < 12; m++) {
      advance(5 * MIN);
      expect((await run(deps(store, an.source))).calls).toBe(0);
    }
    advance(3 * MIN);
    expect(await run(deps(store, an.source))).toMatchObject({ calls: 1, docsStored: 3, consumoIndevido: 0 });
    expect(an.earlyRetries).toBe(1); // the first call only, sent before the block was known
  });

  it('backs off after a transport failure and resumes from the persisted ultNSU after a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-dfe-'));
    const box = new SecretBox(KEY);
    let fileStore = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    try {
      const company = await companyIn(fileStore);
      an.addSummaries(company.cnpj, 120);
      let calls = 0;
      const failingSecond: DistributionSource = (c, req, log) => (++calls === 2 ? Promise.reject(new Error('socket hang up')) : an.source(c, req, log));
      expect(await run(deps(fileStore, failingSecond))).toMatchObject({ calls: 2, docsStored: 50 });
      await fileStore.close();

      fileStore = await openStore({ kind: 'sqlite', dataDir: dir }, box);
      const state = await fileStore.getDfeState(company.id, '55');
      expect(state).toMatchObject({ ultNSU: pad(50), backoffMs: DEFAULT_DISTRIBUTION.policy.backoffMinMs });
      expect(state?.callLog).toHaveLength(2); // the failed call counts against the hourly cap
      expect((await run(deps(fileStore, an.source, 'gateway-restarted'))).calls).toBe(0); // still backing off
      advance(DEFAULT_DISTRIBUTION.policy.backoffMinMs);
      expect(await run(deps(fileStore, an.source, 'gateway-restarted'))).toMatchObject({ calls: 2, docsStored: 70 });
      expect(an.calls.map((c) => c.asked)).toEqual([pad(0), pad(50), pad(100)]);
      expect((await fileStore.queryDfeDocuments(company.id, { limit: 1000 })).map((d) => d.nsu)).toEqual(range(1, 120));
      expect(an.consumoIndevido).toEqual([]);
    } finally {
      await fileStore.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips a disabled company and a model it did not opt into', async () => {
    const company = await companyIn(store);
    an.addSummaries(company.cnpj, 3);
    await store.updateCompany(company.id, { enabled: false });
    expect((await run(deps(store, an.source))).calls).toBe(0);
    await store.updateCompany(company.id, { enabled: true });
    await store.setDfeEnabled(company.id, '55', false);
    expect((await run(deps(store, an.source))).calls).toBe(0);
    expect(an.calls).toEqual([]);
  });
});

describe('DF-e capture: one consumer per CNPJ across processes', () => {
  // Two gateway processes (node children running the built capture) on one SQLite file, released
  // together; every call marks its CNPJ in flight with an exclusive file, so an overlap is recorded.
  const DIST = path.resolve(__dirname, '../../dist/src');
  const script = `
    const fs = require('node:fs');
    const path = require('node:path');
    const { runCapture } = require(${JSON.stringify(DIST)} + '/distribution/capture.js');
    const { openStore, SecretBox } = require(${JSON.stringify(DIST)} + '/store/index.js');
    const { LogScope } = require(${JSON.stringify(DIST)} + '/log/logger.js');
    // node -e: the arguments follow argv[0]. A stuck gateway must not outlive the test.
    const [dir, owner] = process.argv.slice(1);
    setTimeout(() => process.exit(3), 40000).unref();
    const pad = (n) => String(n).padStart(15, '0');
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    // An endless AN: one document per answer, always behind maxNSU, so a sweep runs until the hourly cap.
    const source = async (company, req) => {
      const marker = path.join(dir, 'inflight-' + company.cnpj);
      try { fs.writeFileSync(marker, owner, { flag: 'wx' }); } catch { fs.appendFileSync(path.join(dir, 'overlaps'), company.cnpj + '\\n'); }
      fs.appendFileSync(path.join(dir, 'calls'), company.cnpj + ' ' + owner + '\\n');
      await sleep(40);
      fs.rmSync(marker, { force: true });
      const nsu = Number(req.query.ultNSU) + 1;
      const xml = '<resNFe xmlns="http://www.portalfiscal.inf.br/nfe"><chNFe>' + String(nsu).padStart(44, '7') + '</chNFe></resNFe>';
      return { cStat: '138', xMotivo: 'ok', ultNSU: pad(nsu), maxNSU: pad(1000), documents: [{ NSU: pad(nsu), schema: 'resNFe_v1.01.xsd', root: 'resNFe', xml }] };
    };
    (async () => {
      const store = await openStore({ kind: 'sqlite', dataDir: dir }, new SecretBox(${JSON.stringify(KEY)}));
      fs.writeFileSync(path.join(dir, 'ready-' + owner), '');
      while (fs.readdirSync(dir).filter((f) => f.startsWith('ready-')).length < 2) await sleep(5);
      const summary = await runCapture({ store, source, owner, options: { pauseMs: 0 } }, { log: new LogScope() });
      await store.close();
      process.stdout.write(JSON.stringify(summary));
    })().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
  `;

  function gateway(dir: string, owner: string): Promise<Record<string, number>> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script, dir, owner], { env: { ...process.env, LOG_SILENT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, number>) : reject(new Error(`gateway ${owner} exited ${code}: ${err}`))));
    });
  }

  it('two gateway processes on one SQLite file never query the same CNPJ at once, and share its hourly cap', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-dfe-lease-'));
    try {
      const setup = await openStore({ kind: 'sqlite', dataDir: dir }, new SecretBox(KEY));
      const companies = [await companyIn(setup), await companyIn(setup, 'RJ'), await companyIn(setup, 'MG')];
      await setup.close();
      const [a, b] = await Promise.all([gateway(dir, 'gateway-a'), gateway(dir, 'gateway-b')]);
      expect(fs.existsSync(path.join(dir, 'overlaps'))).toBe(false);
      const calls = fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n').map((l) => l.split(' '));
      for (const c of companies) expect(calls.filter(([cnpj]) => cnpj === c.cnpj)).toHaveLength(20);
      expect(new Set(calls.map(([, owner]) => owner))).toEqual(new Set(['gateway-a', 'gateway-b']));
      expect(a.calls + b.calls).toBe(60);
      expect(a.leaseHeldElsewhere + b.leaseHeldElsewhere).toBeGreaterThan(0);
      const check = await openStore({ kind: 'sqlite', dataDir: dir }, new SecretBox(KEY));
      try {
        for (const c of companies) {
          expect((await check.getDfeState(c.id, '55'))?.ultNSU).toBe(pad(20));
          expect((await check.queryDfeDocuments(c.id, { limit: 100 })).map((d) => d.nsu)).toEqual(range(1, 20));
        }
      } finally {
        await check.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
