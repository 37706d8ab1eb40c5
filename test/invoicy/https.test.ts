// The optional HTTPS listener (TLS_CERT_FILE/TLS_KEY_FILE): SOAP, /health and the WSDL over TLS, the
// WSDL's soap:address in https; one file without the other, or an unreadable pair, refused clearly.
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startGateway, type RunningGateway } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { createTestCa, issueServerCertificate } from '../../src/signing/testca';
import { openStore, SecretBox, type Store } from '../../src/store';
import { envelope } from './helpers';

let dir: string;
let ca: { certPem: string };
let files: { TLS_CERT_FILE: string; TLS_KEY_FILE: string };

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-https-'));
  const testCa = createTestCa();
  const server = issueServerCertificate(testCa, ['127.0.0.1']);
  ca = testCa;
  files = { TLS_CERT_FILE: path.join(dir, 'cert.pem'), TLS_KEY_FILE: path.join(dir, 'key.pem') };
  fs.writeFileSync(files.TLS_CERT_FILE, server.certPem);
  fs.writeFileSync(files.TLS_KEY_FILE, server.keyPem, { mode: 0o600 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const baseEnv = () => ({ DATA_DIR: path.join(dir, 'data'), SEFAZ_MODE: 'real', MASTER_KEY: 'k'.repeat(32), PORT: '0', HOST: '127.0.0.1' });

function get(url: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? 'GET', ca: ca.certPem, headers: init.body ? { 'Content-Type': 'text/xml; charset=utf-8' } : {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('with TLS_CERT_FILE and TLS_KEY_FILE', () => {
  let store: Store;
  let gateway: RunningGateway;
  beforeAll(async () => {
    store = await openStore({ kind: 'sqlite', memory: true }, new SecretBox('test-master-key-0123456789'));
    gateway = await startGateway(loadConfig({ ...baseEnv(), ...files }), { store, jobs: false });
  });
  afterAll(async () => {
    await gateway.close();
    await store.close();
  });

  test('/health, the WSDL (https soap:address) and SOAP calls over HTTPS', async () => {
    expect(gateway.url).toBe(`https://127.0.0.1:${gateway.port}`);
    expect((await get(`${gateway.url}/health`)).body).toMatch(/"status":"ok"/);
    const wsdl = await get(`${gateway.url}/arecepcao.aspx?wsdl`);
    expect(wsdl.body).toContain(`<soap:address location="https://127.0.0.1:${gateway.port}/arecepcao.aspx"/>`);
    const soap = await get(`${gateway.url}/arecepcao.aspx`, { method: 'POST', body: envelope([{ documento: '<Envio/>' }], { empPK: 'desconhecida' }) });
    expect(soap.status).toBe(200);
    expect(soap.body).toMatch(/<Codigo>173<\/Codigo>/);
  });

  test('plain HTTP on the same port gets no answer', async () => {
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(gateway.port, '127.0.0.1', () => s.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      let data = '';
      s.on('data', (c: Buffer) => { data += c.toString('latin1'); });
      s.on('error', () => undefined);
      s.on('close', () => resolve(data));
    });
    expect(reply).not.toMatch(/"status":"ok"/);
  });
});

describe('refused configurations', () => {
  test.each([
    [{ TLS_CERT_FILE: 'x' }, /TLS_CERT_FILE e TLS_KEY_FILE juntos/],
    [{ TLS_KEY_FILE: 'x' }, /TLS_CERT_FILE e TLS_KEY_FILE juntos/],
  ])('%o', (env, message) => {
    expect(() => loadConfig({ ...baseEnv(), ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...baseEnv(), ...env })).toThrow(message);
  });

  test('a missing file', () => {
    expect(() => loadConfig({ ...baseEnv(), ...files, TLS_KEY_FILE: path.join(dir, 'nao-existe.pem') })).toThrow(/TLS_KEY_FILE: arquivo não encontrado/);
  });

  test('a key that is not PEM stops the start before anything runs', async () => {
    const bad = path.join(dir, 'bad.pem');
    fs.writeFileSync(bad, 'isto não é uma chave');
    const config = loadConfig({ ...baseEnv(), ...files, TLS_KEY_FILE: bad });
    await expect(startGateway(config, { jobs: false })).rejects.toThrow(/TLS_CERT_FILE\/TLS_KEY_FILE inválidos/);
    expect(fs.existsSync(path.join(config.dataDir, 'fiscal-gateway.db'))).toBe(false);
  });
});

test('neither file: plain HTTP as before', async () => {
  const store = await openStore({ kind: 'sqlite', memory: true }, new SecretBox('test-master-key-0123456789'));
  const gateway = await startGateway(loadConfig(baseEnv()), { store, jobs: false });
  try {
    expect(gateway.url).toBe(`http://127.0.0.1:${gateway.port}`);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  } finally {
    await gateway.close();
    await store.close();
  }
});
