import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { openStore, SecretBox } from '../../src/store';
import { openSqliteDatabase, SQLITE_FILE_NAME } from '../../src/store/sqlite';
import { runStoreContract, TEST_MASTER_KEY } from './store.contract';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fg-store-'));
}

runStoreContract('sqlite :memory:', {
  durable: false,
  makeHarness: () => ({ open: (secrets) => openStore({ kind: 'sqlite', memory: true }, secrets) }),
});

runStoreContract('sqlite file (reopened)', {
  durable: true,
  makeHarness: () => {
    const dir = tempDir();
    return {
      open: (secrets) => openStore({ kind: 'sqlite', dataDir: dir }, secrets),
      cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  },
});

describe('sqlite file specifics', () => {
  const box = new SecretBox(TEST_MASTER_KEY);
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens with WAL, synchronous FULL, foreign keys and a busy timeout', () => {
    const db = openSqliteDatabase({ dataDir: dir });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('applies migrations once across reopenings', async () => {
    const store = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    await store.close();
    const again = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    await again.close();
    const raw = new Database(path.join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      expect(raw.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([{ version: 1, name: 'initial' }]);
    } finally {
      raw.close();
    }
  });

  it('does not store access keys, CSC, certificate password, private key or PFX bytes in plaintext', async () => {
    const store = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    const { partner, partnerKey, accessKey: partnerAccessKey } = await store.createPartner('Parceiro');
    const csc = `CSC-${crypto.randomUUID()}`;
    const { company, accessKey } = await store.createCompany({
      partnerId: partner.id, cnpj: withCnpjCheckDigits('123456780001'), uf: 'PR', name: 'Empresa', environment: 'producao', cscId: '1', csc,
    });
    const password = `senha-${crypto.randomUUID()}`;
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${crypto.randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----\n`;
    const pfx = crypto.randomBytes(300);
    await store.saveCertificate(company.id, {
      pfx, password, keyPem, certPem: 'CERT', subject: 'CN=X', cnpj: company.cnpj, serial: '1', notBefore: new Date(), notAfter: new Date(),
    });
    expect((await store.getActiveCertificate(company.id))?.password).toBe(password);
    await store.close();

    const file = path.join(dir, SQLITE_FILE_NAME);
    const bytes = Buffer.concat([fs.readFileSync(file), ...(fs.existsSync(`${file}-wal`) ? [fs.readFileSync(`${file}-wal`)] : [])]);
    const raw = new Database(file, { readonly: true });
    let rows: string;
    try {
      rows = JSON.stringify(['partners', 'companies', 'certificates'].map((t) => raw.prepare(`SELECT * FROM ${t}`).all()));
    } finally {
      raw.close();
    }
    for (const secret of [partnerKey, partnerAccessKey, accessKey, csc, password, keyPem.split('\n')[1]!]) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      expect(rows).not.toContain(secret);
    }
    expect(bytes.includes(pfx.subarray(0, 32))).toBe(false);
    expect(rows).not.toContain(pfx.toString('base64').slice(0, 40));
    expect(rows).toMatch(/"access_key_sealed":"v1:/);
  });

  it('refuses to open without a data directory', async () => {
    await expect(openStore({ kind: 'sqlite' }, box)).rejects.toThrow('dataDir');
  });
});
