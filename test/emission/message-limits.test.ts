// SEFAZ's message limits on the gateway side (fiscal/sefaz-limits.ts): the NF-e of one call are packed
// into lotes by count AND by the size of the enviNFe message actually sent, and a document whose message
// alone exceeds 500 KB is refused with 214 before sending (the simulator never sees it); its number may
// be sent again once corrected. None of this touches the contingency state.
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { bigNfe, inUf, simpleNfe } from '../support/samples';
import { enviNFeSizes } from '../../src/sefaz/message-size';
import { SEFAZ_LIMITS } from '../../src/fiscal/sefaz-limits';

let h: Harness;
beforeAll(async () => {
  // Production timeouts: the lote assertions need SEFAZ's 103 itself. Under CPU load the simulator
  // verifying 400 KB of signatures can outlast the harness's 5 s, and the gateway then settles the
  // NF-e by consulta (100 again, but no recibo to assert on).
  h = await startHarness({ bodyLimitBytes: 32 * 1024 * 1024, sefazConnectTimeoutMs: 20_000, sefazResponseTimeoutMs: 40_000 });
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

const sit = (d: Record<string, unknown>) => d.Situacao as { SitCodigo: string; SitDescricao: string };
const LIMIT = SEFAZ_LIMITS.NFeAutorizacao4.maxMessageBytes;

async function scopeState(uf: string): Promise<string | undefined> {
  return (await h.store.getContingency({ tpAmb: '2', uf, model: '55' }))?.state;
}

test('a single NF-e over 500 KB → 214 with its size and the limit, never sent; the corrected number → 100', async () => {
  const c: TestCompany = await h.addCompany({ uf: 'MS' });
  // Any request reaching the simulator's autorização, whatever its size, consumes this (harmless) fault.
  h.sim.faults.add({ authorizer: '*', service: 'NFeAutorizacao4', mode: 'slow', ms: 0, times: 1 });
  const reply = await h.call([inUf(bigNfe({ cnpj: c.cnpj, nNF: 1, serie: 1, items: 530 }), 'MS')], { as: c });
  expect(reply.messages[0]!.codigo).toBe(100);
  const d = reply.documentos[0]!;
  expect(sit(d)).toMatchObject({
    SitCodigo: '214',
    SitDescricao: expect.stringMatching(/^Rejeição: Tamanho da mensagem excedeu o limite estabelecido: a NF-e gera uma mensagem de 6\d\d KB e a SEFAZ aceita até 500 KB; documento não enviado/),
  });
  expect(h.sim.faults.list()).toEqual([expect.objectContaining({ mode: 'slow', times: 1 })]);
  expect(h.sim.state.getDocument(String(d.DocChaAcesso), '2')).toBeUndefined();
  expect(await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 1)).toMatchObject({ docStatus: 3, cStat: '214' });
  expect(await scopeState('MS')).not.toBe('contingency');

  h.sim.faults.reset();
  const corrected = (await h.call([inUf(simpleNfe({ cnpj: c.cnpj, nNF: 1, serie: 1 }), 'MS')], { as: c })).documentos[0]!;
  expect(sit(corrected).SitCodigo).toBe('100');
}, 60_000);

test('one call of 200 KB NF-e, a 600 KB one and a small one: lotes under 500 KB, the big one 214, the rest 100', async () => {
  const c = await h.addCompany({ uf: 'MT' });
  const docs = [
    ...[1, 2, 3].map((n) => bigNfe({ cnpj: c.cnpj, nNF: n, serie: 1, items: 175 })),
    bigNfe({ cnpj: c.cnpj, nNF: 4, serie: 1, items: 530 }),
    simpleNfe({ cnpj: c.cnpj, nNF: 5, serie: 1 }),
  ].map((x) => inUf(x, 'MT'));
  const reply = await h.call(docs, { as: c });
  expect(reply.documentos.map((d) => sit(d).SitCodigo)).toEqual(['100', '100', '100', '214', '100']);

  const rows = await Promise.all([1, 2, 3, 4, 5].map(async (n) => (await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, n))!));
  expect(h.sim.state.getDocument(rows[3]!.chave!, '2')).toBeUndefined();
  // Every lote actually sent is within the message limit (and async lotes have at least 2 NF-e).
  const byRecibo = new Map<string, string[]>();
  const signed = async (id: string) => (await h.store.getDocumentXml(c.company.id, id, ['xmlSigned']))!.xmlSigned!;
  for (const r of rows.filter((x) => x.nRec)) byRecibo.set(r.nRec!, [...(byRecibo.get(r.nRec!) ?? []), await signed(r.id)]);
  expect(byRecibo.size).toBe(2);
  for (const xmls of byRecibo.values()) {
    const { fixedBytes, nfeBytes } = enviNFeSizes(xmls);
    expect(xmls.length).toBeGreaterThanOrEqual(2);
    expect(fixedBytes + nfeBytes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(LIMIT);
  }
  expect(await scopeState('MT')).not.toBe('contingency');
}, 120_000);
