// Configuration from the environment: defaults, the generated master key, and the refusals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-config-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('defaults, and a master key generated once into DATA_DIR in simulator mode', () => {
  const c = loadConfig({ DATA_DIR: dir });
  expect(c).toMatchObject({ port: 8080, sefazMode: 'simulator', dataDir: dir, logDir: path.join(dir, 'logs'), bodyLimitBytes: 10 * 1024 * 1024, masterKeyGenerated: true });
  expect(c.http).toEqual({ requestTimeoutMs: 120_000, headersTimeoutMs: 20_000, keepAliveTimeoutMs: 65_000, maxConnections: 1000 });
  expect(c.partnerLimits).toEqual({ maxConcurrent: 32, ratePerMinute: 6000 });
  expect(fs.statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);
  const again = loadConfig({ DATA_DIR: dir });
  expect(again.masterKey).toBe(c.masterKey);
  expect(again.masterKeyGenerated).toBe(false);
});

test.each([
  [{ SEFAZ_MODE: 'real' }, /MASTER_KEY é obrigatória/],
  [{ SEFAZ_MODE: 'mock' }, /SEFAZ_MODE deve ser/],
  [{ PORT: 'abc' }, /PORT deve ser um número/],
  [{ MASTER_KEY: 'curta' }, /pelo menos 16/],
  [{ SCHEMAS_DIR: '/nao/existe' }, /não contém a pasta nfe/],
  [{ SVC_MAP: 'CE=SVCXX' }, /SVC_MAP inválido/],
  [{ CTE_SVC_MAP: 'PR=SVCAN' }, /CTE_SVC_MAP inválido em "PR=SVCAN": use UF=SVCRS ou UF=SVCSP/],
  [{ CONTINGENCY_XJUST: 'curta' }, /CONTINGENCY_XJUST/],
  [{ HTTP_HEADERS_TIMEOUT_MS: '30000', HTTP_REQUEST_TIMEOUT_MS: '10000' }, /HTTP_HEADERS_TIMEOUT_MS .* no máximo HTTP_REQUEST_TIMEOUT_MS/],
  [{ HTTP_MAX_CONNECTIONS: '-1' }, /HTTP_MAX_CONNECTIONS deve ser/],
  [{ PARTNER_RATE_PER_MINUTE: '1.5' }, /PARTNER_RATE_PER_MINUTE deve ser/],
])('refuses %o', (env, message) => {
  expect(() => loadConfig({ DATA_DIR: dir, ...env })).toThrow(ConfigError);
  expect(() => loadConfig({ DATA_DIR: dir, ...env })).toThrow(message);
});

test('real mode with a master key; explicit ports, dirs and schemas', () => {
  const schemas = path.resolve(__dirname, '../../../shared/schemas');
  const c = loadConfig({ DATA_DIR: dir, SEFAZ_MODE: 'real', MASTER_KEY: 'k'.repeat(32), PORT: '9090', LOG_DIR: path.join(dir, 'l'), SCHEMAS_DIR: schemas });
  expect(c).toMatchObject({ sefazMode: 'real', port: 9090, logDir: path.join(dir, 'l'), schemasDir: schemas, masterKeyGenerated: false });
  expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);
  expect(loadConfig({ DATA_DIR: dir, SVC_MAP: 'ce=svcrs, PA=SVCRS' }).svcMap).toEqual({ CE: 'SVCRS', PA: 'SVCRS' });
  expect(loadConfig({ DATA_DIR: dir, CTE_SVC_MAP: 'pr=svcrs, SP=SVCSP' }).cteSvcMap).toEqual({ PR: 'SVCRS', SP: 'SVCSP' });
});
