import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { openStore, SecretBox } from '../../src/store';
import { initialSchema } from '../../src/store/migrations/001-initial';
import { openSqliteDatabase, SqliteDriver, sqliteDialect, SQLITE_FILE_NAME, WalSync } from '../../src/store/sqlite';
import type { SqlDriver, SqlExecutor } from '../../src/store/driver';
import { SqlStore } from '../../src/store/sql-store';
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

  it('opens with WAL, synchronous NORMAL (the driver fsyncs the WAL itself), foreign keys, a busy timeout and temp_store MEMORY', () => {
    const db = openSqliteDatabase({ dataDir: dir });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
      expect(db.pragma('temp_store', { simple: true })).toBe(2); // MEMORY: no temp file per savepoint sub-journal
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
      expect(raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
        { version: 1, name: 'initial' }, { version: 2, name: 'detached-xml' }, { version: 3, name: 'void-gaps' }, { version: 4, name: 'dfe-distribution' }, { version: 5, name: 'unknown-fields' }, { version: 6, name: 'manifestacao' },
      ]);
    } finally {
      raw.close();
    }
  });

  it('migration 002 moves the XML of a version-1 database out of the rows, values intact', async () => {
    const db = openSqliteDatabase({ dataDir: dir });
    const now = new Date().toISOString();
    const insert = (table: string, row: Record<string, unknown>) =>
      db.prepare(`INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((c) => '@' + c).join(', ')})`).run(row);
    const xml = { layout: '<Envio>ação</Envio>', signed: `<NFe>${'x'.repeat(9000)}</NFe>`, proc: '<nfeProc/>', request: '<Canc/>', inut: '<procInutNFe/>' };
    try {
      db.exec(sqliteDialect.createMigrationsTable);
      for (const stmt of initialSchema(sqliteDialect.types)) db.exec(stmt);
      insert('schema_migrations', { version: 1, name: 'initial', applied_at: now });
      insert('partners', { id: 'p', name: 'P', key_hash: 'h', access_key_sealed: 's', created_at: now });
      insert('companies', {
        id: 'c', partner_id: 'p', cnpj: withCnpjCheckDigits('123456780001'), uf: 'SP', name: 'E', environment: 'producao', enabled: 1,
        access_key_sealed: 's', contingency_json: '{}', created_at: now, updated_at: now,
      });
      const docBase = { company_id: 'c', tp_amb: '1', model: '55', serie: 1, tp_emis: '1', doc_status: 2, stage: 'settled', attempts: 0, previous_chaves: '[]', discard_requested: 0, created_at: now, updated_at: now };
      insert('documents', { ...docBase, id: 'd1', numero: 1, layout_xml: xml.layout, xml_signed: xml.signed, xml_proc: xml.proc });
      insert('documents', { ...docBase, id: 'd2', numero: 2 });
      insert('events', { id: 'e', document_id: 'd1', company_id: 'c', tp_evento: '110111', n_seq: 1, status: 'pending', attempts: 0, request_xml: xml.request, xml_signed: xml.signed, created_at: now, updated_at: now });
      insert('inutilizacoes', { id: 'i', company_id: 'c', tp_amb: '1', model: '55', serie: 1, n_ini: 3, n_fin: 3, justificativa: 'Falha de sistema interno', status: 'authorized', xml_proc: xml.inut, created_at: now, updated_at: now });
    } finally {
      db.close();
    }

    const store = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    try {
      const all = ['layoutXml', 'xmlSigned', 'xmlProc'] as const;
      expect(await store.getDocument('c', 'd1')).toMatchObject({ numero: 1 });
      // Migration 005: a company from before the option keeps refusing unknown fields.
      expect(await store.getCompany('c')).toMatchObject({ unknownFields: 'reject' });
      expect(await store.getDocumentXml('c', 'd1', all)).toEqual({ layoutXml: xml.layout, xmlSigned: xml.signed, xmlProc: xml.proc });
      expect(await store.getDocument('c', 'd2')).toMatchObject({ numero: 2 });
      expect(await store.getDocumentXml('c', 'd2', all)).toEqual({ layoutXml: null, xmlSigned: null, xmlProc: null });
      expect(await store.getEvent('c', 'e')).toMatchObject({ requestXml: xml.request, xmlSigned: xml.signed, xmlProc: null });
      expect(await store.getInutilizacao('c', 'i')).toMatchObject({ nIni: 3, xmlProc: xml.inut });
    } finally {
      await store.close();
    }
    const raw = new Database(path.join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const columns = (table: string) => (raw.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      expect([...columns('documents'), ...columns('events'), ...columns('inutilizacoes')].filter((c) => /xml/.test(c))).toEqual([]);
      expect(raw.prepare('SELECT COUNT(*) AS n FROM document_xml').get()).toEqual({ n: 3 });
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

  it("sees what another process committed to cached rows: partner, company, access key, certificate, contingency", async () => {
    const gateway = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    const cli = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    try {
      const { partner, partnerKey } = await cli.createPartner('Parceiro');
      const { company } = await cli.createCompany({ partnerId: partner.id, cnpj: withCnpjCheckDigits('112223330001'), uf: 'SP', name: 'Antes', environment: 'homologacao' });
      const base = { certPem: 'PEM', subject: 'CN=X', cnpj: company.cnpj, pfx: Buffer.from('pfx'), password: 'p', notBefore: new Date(0), notAfter: new Date(2e12) };
      await cli.saveCertificate(company.id, { ...base, keyPem: 'KEY1', serial: '01' });
      // No contingency row yet: its absence is cached too.
      const scope = { tpAmb: '2' as const, uf: 'SP', model: '55' as const };
      const read = async () => ({
        partner: (await gateway.findPartnerByKey(partnerKey))?.name,
        company: (await gateway.findCompanyForPartner(partner.id, company.cnpj, 'homologacao'))?.name,
        accessKey: await gateway.getCompanyAccessKey(company.id),
        serial: (await gateway.getActiveCertificate(company.id))?.serial,
        contingency: (await gateway.getContingency(scope))?.state,
      });
      const before = await read();
      expect(await read()).toEqual(before); // read twice: the second time from the cache
      expect(before).toMatchObject({ partner: 'Parceiro', company: 'Antes', serial: '01', contingency: undefined });

      await cli.updateCompany(company.id, { name: 'Depois' });
      const rotated = await cli.rotateCompanyAccessKey(company.id);
      await cli.saveCertificate(company.id, { ...base, keyPem: 'KEY2', serial: '02' });
      await cli.setContingency(scope, { state: 'contingency', since: new Date(), cause: 'teste', probeFailures: 0 });
      expect(await read()).toEqual({ partner: 'Parceiro', company: 'Depois', accessKey: rotated, serial: '02', contingency: 'contingency' });
    } finally {
      await cli.close();
      await gateway.close();
    }
  });

  it('hands out cached records frozen, so no caller can change what the next one reads', async () => {
    const store = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    try {
      const { partner } = await store.createPartner('Parceiro');
      const { company } = await store.createCompany({ partnerId: partner.id, cnpj: withCnpjCheckDigits('112223330001'), uf: 'SP', name: 'Empresa', environment: 'homologacao' });
      await store.getCompany(company.id);
      const cached = (await store.getCompany(company.id))!;
      expect(() => Object.assign(cached, { name: 'mudado' })).toThrow(TypeError);
      expect(() => Object.assign(cached.contingency, { '55': {} })).toThrow(TypeError);
      expect((await store.getCompany(company.id))?.name).toBe('Empresa');
    } finally {
      await store.close();
    }
  });

  it("a state update reads no XML; XML this store wrote is served without a read, yet another connection's XML change is seen", async () => {
    const seen: string[] = [];
    const spy = (q: SqlExecutor): SqlExecutor => ({ all: (sql, p) => (seen.push(sql), q.all(sql, p)), exec: (sql, p) => q.exec(sql, p) });
    const inner = new SqliteDriver(openSqliteDatabase({ dataDir: dir }), new WalSync(path.join(dir, `${SQLITE_FILE_NAME}-wal`)));
    const driver: SqlDriver = {
      dialect: inner.dialect, run: (fn) => inner.run((q) => fn(spy(q))), tx: (fn) => inner.tx((q) => fn(spy(q))),
      changeCounter: () => inner.changeCounter(), close: () => inner.close(),
    };
    const gateway = await SqlStore.open(driver, box);
    const other = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    try {
      const { partner } = await gateway.createPartner('Parceiro');
      const { company } = await gateway.createCompany({ partnerId: partner.id, cnpj: withCnpjCheckDigits('112223330001'), uf: 'SP', name: 'Empresa', environment: 'homologacao' });
      const doc = await gateway.insertDocument(company.id, { tpAmb: '2', model: '55', serie: 1, numero: 1, layoutXml: '<Envio/>' });
      await gateway.updateDocument(company.id, doc.id, { stage: 'signed', xmlSigned: '<NFe>assinada</NFe>' });

      seen.length = 0;
      const sending = await gateway.updateDocument(company.id, doc.id, { stage: 'sending', attempts: 1 });
      expect(sending).toMatchObject({ stage: 'sending' });
      const all = ['layoutXml', 'xmlSigned', 'xmlProc'] as const;
      expect(await gateway.getDocumentXml(company.id, doc.id, all)).toEqual({ layoutXml: '<Envio/>', xmlSigned: '<NFe>assinada</NFe>', xmlProc: null });
      expect(seen.filter((sql) => sql.includes('document_xml'))).toEqual([]);
      // Another company never gets them from memory.
      expect(await gateway.getDocumentXml('outra-empresa', doc.id, all)).toBeUndefined();

      await other.updateDocument(company.id, doc.id, { xmlSigned: '<NFe>trocada por outro processo</NFe>' });
      expect(await gateway.getDocumentXml(company.id, doc.id, all)).toEqual({ layoutXml: '<Envio/>', xmlSigned: '<NFe>trocada por outro processo</NFe>', xmlProc: null });
    } finally {
      await other.close();
      await gateway.close();
    }
  });

  it('refuses to open without a data directory', async () => {
    await expect(openStore({ kind: 'sqlite' }, box)).rejects.toThrow('dataDir');
  });
});

describe('durable commits: the WAL fsync runs off the event loop and answers wait for it', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A driver whose fsyncs are held until the test releases (or fails) them. */
  function heldDriver() {
    const db = openSqliteDatabase({ dataDir: dir });
    db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
    const pending: { fd: number; release: () => void; fail: (e: Error) => void }[] = [];
    const fsync = (fd: number) => new Promise<void>((release, fail) => pending.push({ fd, release, fail }));
    const driver = new SqliteDriver(db, new WalSync(`${db.name}-wal`, fsync));
    const insert = (v: number) => driver.tx((q) => q.exec('INSERT INTO t (v) VALUES (@v)', { v }));
    const settled = (p: Promise<unknown>) => {
      let done = false;
      void p.then(() => (done = true), () => (done = true));
      return () => done;
    };
    const tick = () => new Promise((r) => setImmediate(r));
    return { db, driver, pending, insert, settled, tick };
  }

  it('a transaction is answered only once the fsync after its COMMIT is done', async () => {
    const { driver, pending, insert, settled, tick } = heldDriver();
    const first = insert(1);
    const isDone = settled(first);
    await tick();
    expect(pending).toHaveLength(1);
    expect(fs.fstatSync(pending[0]!.fd).ino).toBe(fs.statSync(path.join(dir, `${SQLITE_FILE_NAME}-wal`)).ino);
    expect(isDone()).toBe(false);
    pending[0]!.release();
    await expect(first).resolves.toBe(1);
    await driver.close();
  });

  it('transactions arriving during an fsync are committed together, behind it', async () => {
    const { driver, pending, insert, tick } = heldDriver();
    const first = insert(1);
    await tick();
    const later = [insert(2), insert(3), insert(4)];
    await tick();
    expect(pending).toHaveLength(1);
    pending[0]!.release();
    await first;
    await tick();
    expect(pending).toHaveLength(2);
    pending[1]!.release();
    await expect(Promise.all(later)).resolves.toEqual([1, 1, 1]);
    expect(await driver.run((q) => q.all('SELECT COUNT(*) AS n FROM t'))).toEqual([{ n: 4 }]);
    await driver.close();
  });

  it('a failed fsync fails every caller of its batch, then the store refuses all work (fail-stop)', async () => {
    const { driver, pending, insert, tick } = heldDriver();
    const batch = [insert(1), insert(2)];
    await tick();
    pending[0]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    for (const p of batch) await expect(p).rejects.toThrow(/Falha ao gravar o banco de dados no disco \(EIO\)/);
    // Linux may have dropped the pages that failed: nothing later can be trusted durable.
    await expect(insert(3)).rejects.toThrow(/reinicie o gateway/);
    await expect(driver.run((q) => q.all('SELECT COUNT(*) AS n FROM t'))).rejects.toThrow(/reinicie o gateway/);
    expect(pending).toHaveLength(1);
    await driver.close();
  });

  it('an autocommit write through run() waits for the fsync too; a read does not ask for one', async () => {
    const { driver, pending, settled, tick } = heldDriver();
    expect(await driver.run((q) => q.all('SELECT COUNT(*) AS n FROM t'))).toEqual([{ n: 0 }]);
    expect(pending).toHaveLength(0);
    const write = driver.run((q) => q.exec('INSERT INTO t (v) VALUES (1)'));
    const isDone = settled(write);
    await tick();
    expect(pending).toHaveLength(1);
    expect(isDone()).toBe(false);
    pending[0]!.release();
    await expect(write).resolves.toBe(1);
    await driver.close();
  });

  it('many concurrent transactions through the store all land and survive a reopening', async () => {
    const box = new SecretBox(TEST_MASTER_KEY);
    const store = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    const names = Array.from({ length: 40 }, (_, i) => `Parceiro ${i}`);
    await Promise.all(names.map((n) => store.createPartner(n)));
    await store.close();
    const again = await openStore({ kind: 'sqlite', dataDir: dir }, box);
    expect((await again.listPartners()).map((p) => p.name).sort()).toEqual([...names].sort());
    await again.close();
  });
});
