// `fiscal-gateway serve` as a newcomer runs it: a child process on an empty DATA_DIR in simulator
// mode seeds a sandbox, answers /health and SOAP calls, and never writes a secret to its logs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { executeEnvelope } from '../support/soap';
import { sandboxKeys, startChildGateway, stopChild, type ChildGateway, type SandboxKeys } from '../support/child-gateway';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMAS = path.resolve(ROOT, '../shared/schemas');
const EXAMPLE = path.join(ROOT, 'fixtures/nfe-sandbox.xml');

describe('fiscal-gateway serve (child process, simulator mode, empty DATA_DIR)', () => {
  let dataDir: string;
  let gw: ChildGateway;
  let keys: SandboxKeys;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-serve-'));
    gw = await startChildGateway({ DATA_DIR: dataDir, SCHEMAS_DIR: SCHEMAS, MASTER_KEY: '' });
    keys = sandboxKeys(gw.out);
  }, 90_000);

  afterAll(async () => {
    if (gw) await stopChild(gw.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('seeds a sandbox and warns about the generated master key', () => {
    expect(keys.partnerKey).toMatch(/==$/);
    expect(keys.accessKey).toHaveLength(32);
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(true);
    expect(gw.out.join('\n')).toMatch(/MASTER_KEY não definida/);
  });

  test('GET /health answers version, store kind and uptime', async () => {
    const res = await fetch(`${gw.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', store: 'sqlite', sefazMode: 'simulator' });
    expect(typeof body.version).toBe('string');
    expect(typeof body.uptimeSeconds).toBe('number');
  });

  test('a newcomer can send fixtures/nfe-sandbox.xml at once and it is authorised', async () => {
    const doc = fs.readFileSync(EXAMPLE, 'utf8');
    expect(doc).toContain(`<CNPJ_emit>${keys.cnpj}</CNPJ_emit>`);
    const res = await fetch(`${gw.url}/arecepcao.aspx`, { method: 'POST', body: executeEnvelope(keys, [doc]) });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/<Codigo>100<\/Codigo>/);
    expect(text).toMatch(/<SitCodigo>100<\/SitCodigo>/);
    expect(text).toMatch(/<DocNumero>1<\/DocNumero>/);
  });

  test('a wrong key gets 173', async () => {
    const doc = `<Envio><ModeloDocumento>NFe</ModeloDocumento><emit><CNPJ_emit>${keys.cnpj}</CNPJ_emit></emit></Envio>`;
    const res = await fetch(`${gw.url}/arecepcao.aspx`, { method: 'POST', body: executeEnvelope(keys, [doc], { empCk: '0'.repeat(32) }) });
    expect(await res.text()).toMatch(/<Codigo>173<\/Codigo>/);
  });

  test('everything under DATA_DIR is private to the gateway user: directories 0700, files 0600', async () => {
    const modes: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        modes.push(`${path.relative(dataDir, p)} ${(fs.statSync(p).mode & 0o777).toString(8)}`);
        if (entry.isDirectory()) walk(p);
      }
    };
    walk(dataDir);
    expect(modes).toEqual(expect.arrayContaining(['fiscal-gateway.db 600', 'fiscal-gateway.db-wal 600', 'master.key 600', 'logs 700', 'simulator 700']));
    expect(modes.filter((m) => !/ (600|700)$/.test(m))).toEqual([]);
  });

  test('the logs of the run carry request ids and never a secret', async () => {
    // Its own SOAP call, whatever ran before it (tests run in random order): one with the partner key
    // and a wrong EmpCK, so it uses no number the newcomer test expects to be the first.
    const doc = `<Envio><ModeloDocumento>NFe</ModeloDocumento><emit><CNPJ_emit>${keys.cnpj}</CNPJ_emit></emit></Envio>`;
    const res = await fetch(`${gw.url}/arecepcao.aspx`, { method: 'POST', body: executeEnvelope(keys, [doc], { empCk: '0'.repeat(32) }) });
    expect(await res.text()).toMatch(/<Codigo>173<\/Codigo>/);
    await new Promise((r) => setTimeout(r, 500));
    const logDir = path.join(dataDir, 'logs');
    const files = fs.readdirSync(logDir).filter((f) => f.endsWith('.log'));
    expect(files.length).toBeGreaterThan(0);
    const content = files.map((f) => fs.readFileSync(path.join(logDir, f), 'utf8')).join('\n') + gw.out.filter((l) => l.startsWith('{')).join('\n');
    expect(content).toMatch(/"requestId"/);
    expect(content).toMatch(/"message":"soap call"/);
    const masterKey = fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim();
    for (const secret of [keys.accessKey, keys.partnerKey, masterKey]) expect(content).not.toContain(secret);
    expect(content).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });
});
