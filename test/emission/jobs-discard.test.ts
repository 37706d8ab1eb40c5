// The discard job over the harness and the simulator, in both fates of a 108 document: SEFAZ had
// authorised it (lost reply) → cancelled (5); it never arrived (connection down) → 217 twice, old
// enough → inutilização → Inutilizado (6), or for a CT-e (no inutilização in 4.00) the number closed in
// the gateway's numbering only → Inutilizado (6), 102 with a text saying so. And §5.3: an unreferenced 108 document unknown to SEFAZ
// becomes Rejeitado so the ERP may resend its number.
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { cteFor } from '../support/cte';
import { runDiscards, DISCARD_STATE } from '../../src/emission/jobs/discard';
import { consultaByKey, jobsRig, nfeFor, setScope, sit, type JobsRig } from './jobs-support';

let h: Harness;
let rig: JobsRig;
let company: TestCompany;
const UF = 'PE';
const MIN = 60_000;

beforeAll(async () => {
  h = await startHarness();
  rig = jobsRig(h);
  company = await h.addCompany({ uf: UF });
}, 30_000);
afterAll(async () => {
  rig?.close();
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

/**
 * Sends number nNF while the simulator applies `mode` once and its status service is down (the outage
 * evidence): the ERP gets 108; the scope is reset to normal. `at`: another company and UF.
 */
async function detecting(nNF: number, mode: 'lose-response' | 'down', discard: boolean, at: { company: TestCompany; uf: string } = { company, uf: UF }) {
  const { company: c, uf } = at;
  h.sim.faults.add({ authorizer: uf, service: 'NFeAutorizacao4', mode, times: 1 });
  h.sim.faults.add({ authorizer: uf, service: 'NFeStatusServico4', mode: 'down', times: 1 });
  const reply = await h.call([nfeFor(c, uf, nNF)], { as: c });
  expect(sit(reply.documentos[0]!).SitCodigo).toBe('108');
  await setScope(h, uf, 'normal');
  const doc = (await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, nNF))!;
  expect(doc.docStatus).toBe(4);
  if (discard) await h.store.updateDocument(c.company.id, doc.id, { discardRequested: true, substituteNumero: nNF + 100, substituteSerie: 1 });
  return doc;
}

test('authorised at SEFAZ despite the 108 → cancellation 110111 → Cancelado (5)', async () => {
  const doc = await detecting(1, 'lose-response', true);
  expect(h.sim.state.getDocument(doc.chave!, '2')?.status).toBe('authorized');
  const summary = await runDiscards(rig.run(new Date(Date.now() + 10 * MIN), { unknownFateWaitMs: 3 * MIN }));
  expect(summary.cancelled).toBe(1);
  const after = (await h.store.getDocument(company.company.id, doc.id))!;
  expect(after).toMatchObject({ docStatus: 5, discardState: DISCARD_STATE.cancelled });
  expect(after.nProt).toBe(h.sim.state.getDocument(doc.chave!, '2')!.nProt);
  expect(h.sim.state.getDocument(doc.chave!, '2')?.status).toBe('cancelled');
  const [cancel] = await h.store.listEvents(company.company.id, doc.id);
  expect(cancel).toMatchObject({ tpEvento: '110111', status: 'registered', cStat: '135' });
  expect(cancel!.xmlSigned).toContain('<xJust>Documento substituído por falha de comunicação</xJust>');
  expect(await consultaByKey(h, company, doc.chave!)).toMatchObject({ DocStatus: '5' });
});

test('never reached SEFAZ → 217 waits, is confirmed once, then the number is voided → Inutilizado (6)', async () => {
  const doc = await detecting(2, 'down', true);
  const t0 = Date.now();
  const run = (offsetMs: number) => runDiscards(rig.run(new Date(t0 + offsetMs), { unknownFateWaitMs: 3 * MIN }));

  // Too early: the lost message could still sit in a SEFAZ queue.
  expect((await run(0)).retryLater).toBe(1);
  expect((await h.store.getDocument(company.company.id, doc.id))).toMatchObject({ docStatus: 4, discardState: DISCARD_STATE.consulting });
  // Old enough: one 217 counts, a second one confirms.
  await run(4 * MIN);
  expect((await h.store.getDocument(company.company.id, doc.id))).toMatchObject({ docStatus: 4, discardState: DISCARD_STATE.notFoundOnce });
  expect((await run(10 * MIN)).voided).toBe(1);

  expect((await h.store.getDocument(company.company.id, doc.id))).toMatchObject({ docStatus: 6, cStat: '102', discardState: DISCARD_STATE.voided });
  const [inut] = await h.store.listInutilizacoes(company.company.id);
  expect(inut).toMatchObject({ status: 'authorized', nIni: 2, nFin: 2, serie: 1 });
  expect(h.sim.state.inutilizacoesOverlapping('2', company.cnpj, '55', 1, 2, 2)).toHaveLength(1);
  expect(await consultaByKey(h, company, doc.chave!)).toMatchObject({ DocStatus: '6' });
});

test('a CT-e that never reached SEFAZ → 217 twice → closed locally without inutilização at SEFAZ: Inutilizado (6), 102 saying so', async () => {
  // A company and UF of its own (CT-e MT: MT's own authorizer).
  const uf = 'MT';
  const c = await h.addCompany({ uf });
  h.sim.faults.add({ authorizer: uf, service: 'CTeRecepcaoSincV4', mode: 'down', times: 1 });
  h.sim.faults.add({ authorizer: uf, service: 'CTeStatusServicoV4', mode: 'down', times: 1 });
  const reply = await h.call([cteFor(c, uf, 1)], { as: c });
  expect(sit(reply.documentos[0]!).SitCodigo).toBe('108');
  await setScope(h, uf, 'normal', '57');
  const doc = (await h.store.findDocumentByNumber(c.company.id, '2', '57', 1, 1))!;
  await h.store.updateDocument(c.company.id, doc.id, { discardRequested: true, substituteNumero: 2, substituteSerie: 1 });
  const t0 = Date.now();
  const run = (offsetMs: number) => runDiscards(rig.run(new Date(t0 + offsetMs), { unknownFateWaitMs: 3 * MIN }));

  await run(4 * MIN);
  expect((await h.store.getDocument(c.company.id, doc.id))).toMatchObject({ docStatus: 4, discardState: DISCARD_STATE.notFoundOnce });
  expect(await run(10 * MIN)).toMatchObject({ voided: 1, manual: 0 });

  expect((await h.store.getDocument(c.company.id, doc.id))).toMatchObject({ docStatus: 6, cStat: '102', discardState: DISCARD_STATE.released });
  // The number is closed in the gateway's numbering, with no protocol: nothing went to SEFAZ.
  const [inut] = await h.store.listInutilizacoes(c.company.id);
  expect(inut).toMatchObject({ model: '57', serie: 1, nIni: 1, nFin: 1, status: 'authorized', cStat: '102', nProt: null });
  expect(h.sim.state.inutilizacoesOverlapping('2', c.cnpj, '57', 1, 1, 1)).toEqual([]);
  const seen = await consultaByKey(h, c, doc.chave!, 'CTe');
  expect(seen).toMatchObject({ DocStatus: '6', DocSitCodigo: '102' });
  expect(String(seen.DocSitDescricao)).toMatch(/^CT-e sem serviço de inutilização na SEFAZ: número 1 da série 1, nunca autorizados, encerrados na numeração deste serviço/);
});

test('nothing happens while the scope is in contingency', async () => {
  // A company and UF of its own, left in contingency: its document, marked for discard, only ever
  // waits, so the counts the other tests assert never include it, whatever the order.
  const at = { company: await h.addCompany({ uf: 'MS' }), uf: 'MS' };
  const doc = await detecting(3, 'down', true, at);
  await setScope(h, at.uf, 'contingency');
  expect((await runDiscards(rig.run(new Date(Date.now() + 10 * MIN)))).waiting).toBeGreaterThanOrEqual(1);
  expect((await h.store.getDocument(at.company.company.id, doc.id))).toMatchObject({ docStatus: 4, discardState: null });
});

test('§5.3: an unreferenced 108 document unknown to SEFAZ becomes Rejeitado (217); one authorised is adopted', async () => {
  const unknown = await detecting(4, 'down', false);
  const authorised = await detecting(5, 'lose-response', false);
  const summary = await runDiscards(rig.run(new Date(Date.now() + 10 * MIN), { unknownFateWaitMs: 3 * MIN }));
  expect(summary.settled).toBeGreaterThanOrEqual(2);
  expect((await h.store.getDocument(company.company.id, unknown.id))).toMatchObject({ docStatus: 3, cStat: '217' });
  expect((await h.store.getDocument(company.company.id, authorised.id))).toMatchObject({ docStatus: 2, cStat: '100' });
  // The ERP may now send number 4 again: it is authorised normally.
  const resent = await h.call([nfeFor(company, UF, 4)], { as: company });
  expect(sit(resent.documentos[0]!).SitCodigo).toBe('100');
});
