// Issue 11 §1 "a payload is never an outage", end to end: partner A's company sends 50 NF-e of ~200 KB
// in one call (≈ 10 MB: one lote of it used to make the simulator drop the connection, the gateway
// took that for SEFAZ down and put SP/55 in contingency for every company of every partner). Now the
// NF-e travel in lotes under SEFAZ's 500 KB and all are authorised, the scope never enters contingency,
// and partner B's company issuing at the same time gets a normal 100 with a normal (tpEmis 1) key.
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { bigNfe, inUf } from '../support/samples';
import { nfeFor, sit } from '../emission/jobs-support';
import { enviNFeSizes } from '../../src/sefaz/message-size';
import { SEFAZ_LIMITS } from '../../src/fiscal/sefaz-limits';

const UF = 'SP';
const N = 50;

let h: Harness;
let A: TestCompany, B: TestCompany;
beforeAll(async () => {
  // 50 × 200 KB of NF-e escaped in one InvoiCy call is more than the 10 MB default body limit.
  // The production SEFAZ timeouts and a long recibo wait. The simulator shares the test's event loop:
  // while the gateway signs and validates 10 MB of NF-e, partner B's TLS handshake and the answer to a
  // 500 KB lote can each take longer than the harness's 5 s on a loaded machine, and a document whose
  // connection timed out while SEFAZ is up is a pending 105 (by design), not the 100 this test is about.
  h = await startHarness({
    uf: UF, bodyLimitBytes: 32 * 1024 * 1024, sefazConnectTimeoutMs: 20_000, sefazResponseTimeoutMs: 40_000, lotePolling: { maxWaitMs: 120_000 },
  });
  A = await h.addCompany();
  B = await h.addCompany({ partner: 'new' });
}, 30_000);
afterAll(async () => {
  await h?.close();
});

test('50 NF-e of ~200 KB from partner A: split into lotes ≤ 500 KB, all 100, no contingency; partner B meanwhile → 100, tpEmis 1', async () => {
  const docs = Array.from({ length: N }, (_, i) => inUf(bigNfe({ cnpj: A.cnpj, nNF: i + 1, serie: 1, items: 175 }), UF));
  const big = h.call(docs, { as: A });
  // Partner B issues while A's lotes are in flight, and once more after them.
  const during = h.call([nfeFor(B, UF, 1)], { as: B });
  const [replyA, replyB] = await Promise.all([big, during]);
  const after = await h.call([nfeFor(B, UF, 2)], { as: B });

  expect(replyA.messages.map((m) => m.codigo)).toEqual([100]);
  expect(replyA.documentos.map((d) => sit(d).SitCodigo)).toEqual(Array(N).fill('100'));
  for (const reply of [replyB, after]) {
    expect(reply.messages[0]!.codigo).toBe(100);
    expect(sit(reply.documentos[0]!).SitCodigo).toBe('100');
    expect(String(reply.documentos[0]!.DocChaAcesso).charAt(34)).toBe('1');
  }
  expect((await h.store.getContingency({ tpAmb: '2', uf: UF, model: '55' }))?.state).not.toBe('contingency');

  const rows = await Promise.all(docs.map(async (_, i) => (await h.store.findDocumentByNumber(A.company.id, '2', '55', 1, i + 1))!));
  expect(rows.filter((r) => r.docStatus !== 2)).toEqual([]);
  // Each lote sent was within SEFAZ's limits.
  const lotes = new Map<string, string[]>();
  const signed = async (id: string) => (await h.store.getDocumentXml(A.company.id, id, ['xmlSigned']))!.xmlSigned!;
  for (const r of rows) lotes.set(r.nRec ?? r.id, [...(lotes.get(r.nRec ?? r.id) ?? []), await signed(r.id)]);
  expect(lotes.size).toBeGreaterThan(1);
  for (const xmls of lotes.values()) {
    const { fixedBytes, nfeBytes } = enviNFeSizes(xmls);
    expect(xmls.length).toBeLessThanOrEqual(SEFAZ_LIMITS.NFeAutorizacao4.maxDocuments!);
    expect(fixedBytes + nfeBytes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(SEFAZ_LIMITS.NFeAutorizacao4.maxMessageBytes);
  }
}, 180_000);
