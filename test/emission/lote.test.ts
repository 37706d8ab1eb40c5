// Several NF-e in one call travel as one async lote: recibo persisted, polled while the simulator
// answers 105 (processing delay), then 104 with one protocol per NF-e.
import { startHarness, type Harness } from '../support/harness';
import { simpleNfe, simpleNfce } from '../support/samples';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ processingDelayMs: 1200 });
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const sit = (d: Record<string, unknown>) => d.Situacao as { SitCodigo: string; SitDescricao: string };

test('three NF-e and one NFC-e in one call: one async lote (same nRec) + one synchronous NFC-e', async () => {
  const docs = [
    simpleNfe({ cnpj: h.main.cnpj, nNF: 1, serie: 1 }),
    simpleNfce({ cnpj: h.main.cnpj, nNF: 1, serie: 1 }),
    simpleNfe({ cnpj: h.main.cnpj, nNF: 2, serie: 1 }),
    simpleNfe({ cnpj: h.main.cnpj, nNF: 3, serie: 1 }),
  ];
  const reply = await h.call(docs);
  // One MensagemItem per model, in order of first appearance.
  expect(reply.messages.map((m) => m.codigo)).toEqual([100, 100]);
  expect(reply.messages[0]!.documentos.map((d) => d.DocNumero)).toEqual(['1', '2', '3']);
  expect(reply.messages[1]!.documentos.map((d) => d.DocModelo)).toEqual(['NFCe']);
  for (const d of reply.documentos) expect(sit(d).SitCodigo).toBe('100');

  const rows = await Promise.all([1, 2, 3].map((n) => h.store.findDocumentByNumber(h.main.company.id, '2', '55', 1, n)));
  const nRecs = new Set(rows.map((r) => r?.nRec));
  expect(nRecs.size).toBe(1);
  expect([...nRecs][0]).toMatch(/^\d{15}$/);
  const nfce = await h.store.findDocumentByNumber(h.main.company.id, '2', '65', 1, 1);
  expect(nfce?.nRec).toBeNull();
}, 60_000);

test('a layout error in one document does not hold back the lote of the others', async () => {
  const bad = simpleNfe({ cnpj: h.main.cnpj, nNF: 11, serie: 1 }).replace(/<natOp>[^<]*<\/natOp>/, '');
  const reply = await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 10, serie: 1 }), bad, simpleNfe({ cnpj: h.main.cnpj, nNF: 12, serie: 1 })]);
  expect(reply.documentos.map((d) => sit(d).SitCodigo)).toEqual(['100', '145', '100']);
  const rows = await Promise.all([10, 12].map((n) => h.store.findDocumentByNumber(h.main.company.id, '2', '55', 1, n)));
  expect(rows[0]?.nRec).toBeTruthy();
  expect(rows[0]?.nRec).toBe(rows[1]?.nRec);
}, 60_000);

test('polling is capped: a lote still processing is left for a job and answered 105 with its recibo stored', async () => {
  const slow = await startHarness({ processingDelayMs: 10_000, lotePolling: { maxWaitMs: 800, minDelayMs: 100, maxDelayMs: 200 } });
  try {
    const reply = await slow.call([1, 2].map((n) => simpleNfe({ cnpj: slow.main.cnpj, nNF: n, serie: 1 })));
    expect(reply.messages[0]!.codigo).toBe(100);
    for (const d of reply.documentos) expect(sit(d)).toMatchObject({ SitCodigo: '105', SitDescricao: expect.stringMatching(/recibo \d{15}/) });
    const row = await slow.store.findDocumentByNumber(slow.main.company.id, '2', '55', 1, 1);
    expect(row).toMatchObject({ docStatus: 1, stage: 'sending', nRec: expect.stringMatching(/^\d{15}$/) });
  } finally {
    await slow.close();
  }
}, 60_000);
