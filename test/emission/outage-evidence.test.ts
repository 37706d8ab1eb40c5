// The evidence rule (contingency/policy.ts failureVerdict, emission/outage.ts): a transport failure
// enters contingency only when the scope's status service confirms SEFAZ is down (it fails too, or
// answers 108/109). When it answers 107 the scope stays normal, the document is pending (105) with its
// key — adopted at once if SEFAZ has it, else settled by the pending-retry job with the same key — and
// other companies of the UF keep issuing normally. Concurrent failures of a scope share one status request.
import { startHarness, type Harness } from '../support/harness';
import { simpleNfce, inUf } from '../support/samples';
import { jobsRig, nfeFor, sit, type JobsRig } from './jobs-support';
import { retryPendingDocuments } from '../../src/emission/jobs/pending-retry';

let h: Harness;
let rig: JobsRig;
beforeAll(async () => {
  h = await startHarness();
  rig = jobsRig(h);
}, 30_000);
afterAll(async () => {
  rig?.close();
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

const MIN = 60_000;

async function scopeState(uf: string, model: '55' | '65' = '55'): Promise<string | undefined> {
  return (await h.store.getContingency({ tpAmb: '2', uf, model }))?.state;
}

test('connection dropped, status 107: no contingency; pending 105 with its key, settled by the job with the same key; others issue normally', async () => {
  const [a, b] = [await h.addCompany({ uf: 'MG' }), await h.addCompany({ uf: 'MG', partner: 'new' })];
  h.sim.faults.add({ authorizer: 'MG', service: 'NFeAutorizacao4', mode: 'down', times: 1 });
  const before = Date.now();
  const reply = await h.call([nfeFor(a, 'MG', 1)], { as: a });
  expect(reply.messages[0]!.codigo).toBe(100);
  const d = reply.documentos[0]!;
  expect(sit(d)).toMatchObject({ SitCodigo: '105', SitDescricao: expect.stringMatching(/sem resposta \(SEFAZ em operação\)/) });
  const doc = (await h.store.findDocumentByNumber(a.company.id, '2', '55', 1, 1))!;
  expect(doc).toMatchObject({ docStatus: 1, stage: 'sending', chave: d.DocChaAcesso });
  // The job waits out the SEFAZ queue (JOB_UNKNOWN_FATE_WAIT_MS, 3 min by default) before consulting.
  expect(doc.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + 3 * MIN);
  expect(await scopeState('MG')).not.toBe('contingency');

  // Another partner's company of the same UF: normal authorisation, normal key (tpEmis 1).
  const other = await h.call([nfeFor(b, 'MG', 1)], { as: b });
  expect(other.messages[0]!.codigo).toBe(100);
  expect(sit(other.documentos[0]!).SitCodigo).toBe('100');
  expect(String(other.documentos[0]!.DocChaAcesso).charAt(34)).toBe('1');

  // Not due yet; then consulta 217 → the same key is sent again → 100.
  expect((await retryPendingDocuments(rig.run(new Date()))).tried).toBe(0);
  await retryPendingDocuments(rig.run(new Date(Date.now() + 4 * MIN)));
  const settled = (await h.store.getDocument(a.company.id, doc.id))!;
  expect(settled).toMatchObject({ docStatus: 2, cStat: '100', chave: doc.chave });
  expect(h.sim.state.getDocument(doc.chave!, '2')).toMatchObject({ status: 'authorized', nProt: settled.nProt });
});

test('lost reply, status 107: SEFAZ has the document → adopted at once by consulta (100), no contingency', async () => {
  const c = await h.addCompany({ uf: 'PR' });
  h.sim.faults.add({ authorizer: 'PR', service: 'NFeAutorizacao4', mode: 'lose-response', times: 1 });
  const reply = await h.call([nfeFor(c, 'PR', 1)], { as: c });
  expect(reply.messages[0]!.codigo).toBe(100);
  const d = reply.documentos[0]!;
  expect(sit(d).SitCodigo).toBe('100');
  expect(h.sim.state.getDocument(String(d.DocChaAcesso), '2')).toMatchObject({ status: 'authorized', nProt: String(d.DocProtocolo) });
  expect((await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 1))?.docStatus).toBe(2);
  expect(await scopeState('PR')).not.toBe('contingency');
});

test('HTTP 500 and the status service answers 109: SEFAZ is down → 108/108, status 4, contingency as before', async () => {
  const c = await h.addCompany({ uf: 'GO' });
  h.sim.faults.add({ authorizer: 'GO', service: 'NFeAutorizacao4', mode: 'http-500', times: 1 });
  h.sim.faults.add({ authorizer: 'GO', service: 'NFeStatusServico4', mode: 'paralisado', cStat: '109', times: 1 });
  const reply = await h.call([nfeFor(c, 'GO', 1)], { as: c });
  expect(reply.messages[0]!.codigo).toBe(108);
  expect(sit(reply.documentos[0]!)).toMatchObject({ SitCodigo: '108', SitDescricao: expect.stringMatching(/^Entrada da SEFAZ em contingência: .*HTTP 500/) });
  const doc = (await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 1))!;
  expect(doc.docStatus).toBe(4);
  expect(await h.store.getContingency({ tpAmb: '2', uf: 'GO', model: '55' })).toMatchObject({ state: 'contingency', detectingDocumentId: doc.id });
});

test('concurrent failures of one scope share one status request, and a fresh 107 is reused (no probe storm)', async () => {
  const c = await h.addCompany({ uf: 'BA' });
  h.sim.faults.add({ authorizer: '*', service: 'NFeAutorizacao4', mode: 'down', times: 4 });
  // Counts the status requests (each consumes one use) and keeps the first one in flight a moment.
  h.sim.faults.add({ authorizer: '*', service: 'NFeStatusServico4', mode: 'slow', ms: 300, times: 10 });
  const nfce = (n: number) => inUf(simpleNfce({ cnpj: c.cnpj, nNF: n, serie: 1 }), 'BA');
  const reply = await h.call([1, 2, 3].map(nfce), { as: c });
  expect(reply.documentos.map((d) => sit(d).SitCodigo)).toEqual(['105', '105', '105']);
  const statusUses = () => h.sim.faults.list().find((f) => f.service === 'NFeStatusServico4')?.times;
  expect(statusUses()).toBe(9);
  // A later failure of the same scope within 3 minutes reuses that answer.
  expect(sit((await h.call([nfce(4)], { as: c })).documentos[0]!).SitCodigo).toBe('105');
  expect(statusUses()).toBe(9);
  expect(await scopeState('BA', '65')).not.toBe('contingency');
});
