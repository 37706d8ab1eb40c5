// Files under DATA_DIR are private to the gateway's user even without the CLI's umask: directories
// 0700; database (with its -wal and -shm), master key and log files 0600.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { closeFileLogging, enableFileLogging, log } from '../../src/log/logger';
import { openStore, SecretBox } from '../../src/store';
import { SQLITE_FILE_NAME } from '../../src/store/sqlite';

const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

let dir: string;
let umask: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-private-'));
  // The usual default: what a library user (or a test) of these modules runs with.
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('SQLite: new directories 0700, database, -wal and -shm 0600; an old 0644 database is tightened', async () => {
  const dataDir = path.join(dir, 'a', 'b');
  const store = await openStore({ kind: 'sqlite', dataDir }, new SecretBox('test-master-key-0123456789'));
  await store.createPartner('Parceiro');
  const db = path.join(dataDir, SQLITE_FILE_NAME);
  expect([mode(path.join(dir, 'a')), mode(dataDir), mode(db), mode(`${db}-wal`), mode(`${db}-shm`)]).toEqual(['700', '700', '600', '600', '600']);
  await store.close();

  fs.chmodSync(db, 0o644);
  const again = await openStore({ kind: 'sqlite', dataDir }, new SecretBox('test-master-key-0123456789'));
  expect(mode(db)).toBe('600');
  await again.close();
});

test('master key generated into a new DATA_DIR: directory 0700, file 0600', () => {
  const dataDir = path.join(dir, 'dados');
  loadConfig({ DATA_DIR: dataDir });
  expect([mode(dataDir), mode(path.join(dataDir, 'master.key'))]).toEqual(['700', '600']);
});

test('log directory 0700 and log files 0600', async () => {
  const logDir = path.join(dir, 'logs');
  enableFileLogging(logDir);
  log.warn('linha de teste das permissões');
  await closeFileLogging();
  const files = fs.readdirSync(logDir).filter((f) => f.endsWith('.log'));
  expect(files).toHaveLength(1);
  expect([mode(logDir), mode(path.join(logDir, files[0]!))]).toEqual(['700', '600']);
});
