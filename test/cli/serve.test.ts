// `fiscal-gateway serve` as a newcomer runs it: a child process on an empty DATA_DIR in simulator
// mode seeds a sandbox, answers /health and SOAP calls, and never writes a secret to its logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMAS = path.resolve(ROOT, '../shared/schemas');
const EXAMPLE = path.join(ROOT, 'fixtures/nfe-sandbox.xml');

interface Started { child: ChildProcess; url: string; stdout: string[]; }

function startServe(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli/main.js'), 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEFAZ_MODE: 'simulator', SCHEMAS_DIR: SCHEMAS, MASTER_KEY: '', LOG_SILENT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not start: ' + stdout.join('\n'))), 60_000);
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        stdout.push(line);
        if (line.includes('fiscal-gateway no ar')) {
          clearTimeout(timer);
          const url = (JSON.parse(line) as { url: string }).url.replace(/\/arecepcao\.aspx$/, '');
          resolve({ child, url, stdout });
        }
      }
    });
    child.stderr!.on('data', (c: Buffer) => stdout.push('[stderr] ' + c.toString()));
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}: ${stdout.join('\n')}`)); });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => { child.removeAllListeners('exit'); child.once('exit', () => resolve()); child.kill('SIGTERM'); });
}

function envelope(partnerKey: string, empCk: string, documento: string): string {
  const esc = documento.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:inv="InvoiCy"><soapenv:Body><inv:recepcao.Execute><inv:Invoicyrecepcao><inv:Cabecalho><inv:EmpPK>${partnerKey}</inv:EmpPK><inv:EmpCK>${empCk}</inv:EmpCK></inv:Cabecalho><inv:Dados><inv:DadosItem><inv:Documento>${esc}</inv:Documento></inv:DadosItem></inv:Dados></inv:Invoicyrecepcao></inv:recepcao.Execute></soapenv:Body></soapenv:Envelope>`;
}

describe('fiscal-gateway serve (child process, simulator mode, empty DATA_DIR)', () => {
  let dataDir: string;
  let started: Started;
  let partnerKey: string;
  let accessKey: string;
  let cnpj: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-serve-'));
    started = await startServe(dataDir);
    const text = started.stdout.join('\n');
    partnerKey = /EmpPK\): (\S+)/.exec(text)![1]!;
    accessKey = /\): ([0-9a-f]{32})/.exec(text)![1]!;
    cnpj = /CNPJ do emitente: +(\S+)/.exec(text)![1]!;
  }, 90_000);

  afterAll(async () => {
    if (started) await stop(started.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('seeds a sandbox and warns about the generated master key', () => {
    expect(partnerKey).toMatch(/==$/);
    expect(accessKey).toHaveLength(32);
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(true);
    expect(started.stdout.join('\n')).toMatch(/MASTER_KEY não definida/);
  });

  test('GET /health answers version, store kind and uptime', async () => {
    const res = await fetch(`${started.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', store: 'sqlite', sefazMode: 'simulator' });
    expect(typeof body.version).toBe('string');
    expect(typeof body.uptimeSeconds).toBe('number');
  });

  test('a newcomer can send fixtures/nfe-sandbox.xml at once and it is authorised', async () => {
    const doc = fs.readFileSync(EXAMPLE, 'utf8');
    expect(doc).toContain(`<CNPJ_emit>${cnpj}</CNPJ_emit>`);
    const empCk = createHash('md5').update(accessKey + doc).digest('hex');
    const res = await fetch(`${started.url}/arecepcao.aspx`, { method: 'POST', body: envelope(partnerKey, empCk, doc) });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/<Codigo>100<\/Codigo>/);
    expect(text).toMatch(/<SitCodigo>100<\/SitCodigo>/);
    expect(text).toMatch(/<DocNumero>1<\/DocNumero>/);
  });

  test('a wrong key gets 173', async () => {
    const res = await fetch(`${started.url}/arecepcao.aspx`, { method: 'POST', body: envelope(partnerKey, '0'.repeat(32), '<Envio><ModeloDocumento>NFe</ModeloDocumento><emit><CNPJ_emit>' + cnpj + '</CNPJ_emit></emit></Envio>') });
    expect(await res.text()).toMatch(/<Codigo>173<\/Codigo>/);
  });

  test('the logs of the run carry request ids and never a secret', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const logDir = path.join(dataDir, 'logs');
    const files = fs.readdirSync(logDir).filter((f) => f.endsWith('.log'));
    expect(files.length).toBeGreaterThan(0);
    const content = files.map((f) => fs.readFileSync(path.join(logDir, f), 'utf8')).join('\n') + started.stdout.filter((l) => l.startsWith('{')).join('\n');
    expect(content).toMatch(/"requestId"/);
    expect(content).toMatch(/"message":"soap call"/);
    const masterKey = fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim();
    for (const secret of [accessKey, partnerKey, masterKey]) expect(content).not.toContain(secret);
    expect(content).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });
});
