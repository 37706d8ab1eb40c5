// Issue 14 §2 over HTTP: Migrate's Delphi sample hashes with Indy's default text encoding (ASCII), so
// each non-ASCII UTF-16 unit of the document becomes '?' before MD5. Such an EmpCK over a document
// with accented text is accepted by the running gateway, and the document authorised (not 173).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startHarness, type Harness } from '../support/harness';
import { adaptEnvio } from '../support/samples';
import { executeEnvelope } from '../support/soap';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const md5 = (bytes: Buffer) => crypto.createHash('md5').update(bytes).digest('hex');

test('an accented NF-e whose EmpCK is MD5 over the Indy-ASCII text is authorised', async () => {
  const company = await h.addCompany();
  const fixture = fs.readFileSync(path.join(__dirname, '../fixtures/nfe-3.10-leftovers.xml'), 'utf8');
  const doc = adaptEnvio(fixture, { cnpj: company.cnpj, nNF: 1 }).replace('Empresa de teste', 'Comércio e Ação Ltda');
  expect(doc).toMatch(/[^\x00-\x7f]/);
  const indy = md5(Buffer.from((company.accessKey + doc).replace(/[^\x00-\x7f]/g, '?'), 'latin1'));
  // Neither the UTF-8 nor the Windows-1252 hash: only the Indy candidate can match.
  expect(indy).not.toBe(md5(Buffer.from(company.accessKey + doc, 'utf8')));
  expect(indy).not.toBe(md5(Buffer.from(company.accessKey + doc, 'latin1')));

  const res = await fetch(h.url, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'InvoiCyaction/ARECEPCAO.Execute' },
    body: executeEnvelope(company, [doc], { empCk: indy }),
  });
  const body = await res.text();
  expect(res.status).toBe(200);
  expect(body).toMatch(/<Codigo>100<\/Codigo>/);
  expect(body).not.toMatch(/<Codigo>173<\/Codigo>/);
  expect(body).toMatch(/<SitCodigo>100<\/SitCodigo>/);
});
