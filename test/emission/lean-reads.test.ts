// Issue 12 "lean reads", end to end: the gateway's document reads carry no XML, and a synchronous NF-e
// reads none of the XML it has just written back from the database (its signed NF-e to build the
// nfeProc, the nfeProc for the reply), yet answers with that nfeProc.
import type { SqlDriver, SqlExecutor } from '../../src/store/driver';
import { SqlStore } from '../../src/store/sql-store';
import { openSqliteDatabase, SqliteDriver } from '../../src/store/sqlite';
import { SecretBox } from '../../src/store';
import { startHarness, type Harness } from '../support/harness';
import { simpleNfe } from '../support/samples';

let h: Harness;
const seen: string[] = [];
beforeAll(async () => {
  const inner = new SqliteDriver(openSqliteDatabase({ memory: true }), undefined);
  const spy = (q: SqlExecutor): SqlExecutor => ({ all: (sql, p) => (seen.push(sql), q.all(sql, p)), exec: (sql, p) => q.exec(sql, p) });
  const driver: SqlDriver = {
    dialect: inner.dialect, run: (fn) => inner.run((q) => fn(spy(q))), tx: (fn) => inner.tx((q) => fn(spy(q))),
    changeCounter: () => inner.changeCounter(), close: () => inner.close(),
  };
  h = await startHarness({ store: await SqlStore.open(driver, new SecretBox('test-master-key-0123456789')) });
}, 30_000);
afterAll(async () => {
  await h?.close();
});

test('one synchronous NF-e reads no XML back from the database and answers with its nfeProc', async () => {
  const c = await h.addCompany();
  seen.length = 0;
  const reply = await h.call([simpleNfe({ cnpj: c.cnpj, nNF: 1, serie: 1 })], { as: c });
  expect(reply.documentos[0]).toMatchObject({ Situacao: { SitCodigo: '100' } });
  expect(Buffer.from(String(reply.documentos[0]!.DocXMLBase64), 'base64').toString('utf8')).toContain('<nfeProc');
  const documentReads = seen.filter((sql) => /\bFROM documents\b/.test(sql));
  expect(documentReads.length).toBeGreaterThan(0);
  expect(seen.filter((sql) => sql.includes('document_xml'))).toEqual([]);
});
