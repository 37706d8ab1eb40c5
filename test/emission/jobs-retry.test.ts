// Follow-up jobs over the harness and the simulator: pending retry (sent after recovery, unknown fate
// consulted first, given up after 50 certain failures), EPEC reconciliation (136 → 100, 467 visible in
// consulta) and start-up recovery of documents a crash left `sending`/`signed`.
import { startHarness, type Harness } from '../support/harness';
import { retryPendingDocuments } from '../../src/emission/jobs/pending-retry';
import { reconcileContingencyDocuments } from '../../src/emission/jobs/reconcile';
import { recoverAfterCrash } from '../../src/emission/jobs/startup-recovery';
import { consultaByKey, jobsRig, nfeFor, setOptions, setScope, sit, type JobsRig } from './jobs-support';

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

async function pendingDoc(uf: string, nNF: number) {
  const company = await h.addCompany({ uf });
  await setOptions(h, company, ['NONE']);
  await setScope(h, uf, 'contingency');
  const reply = await h.call([nfeFor(company, uf, nNF)], { as: company });
  expect(reply.messages[0]!.codigo).toBe(109);
  expect(sit(reply.documentos[0]!).SitCodigo).toBe('105');
  const doc = (await h.store.findDocumentByNumber(company.company.id, '2', '55', 1, nNF))!;
  expect(doc.docStatus).toBe(1);
  return { company, doc };
}

test('pending retry waits while the scope is in contingency, then sends the 105 document → 100', async () => {
  const { company, doc } = await pendingDoc('SP', 1);
  const waiting = await retryPendingDocuments(rig.run());
  expect(waiting.waiting).toBeGreaterThanOrEqual(1);
  expect((await h.store.getDocument(company.company.id, doc.id))!.docStatus).toBe(1);

  await setScope(h, 'SP', 'normal');
  await retryPendingDocuments(rig.run());
  const after = (await h.store.getDocument(company.company.id, doc.id))!;
  expect(after).toMatchObject({ docStatus: 2, cStat: '100', chave: doc.chave });
  expect((await h.store.getDocumentXml(company.company.id, doc.id, ['xmlProc']))?.xmlProc).toContain('<nfeProc');
  const seen = await consultaByKey(h, company, doc.chave!);
  expect(seen).toMatchObject({ DocStatus: '2', DocSitCodigo: '100' });
  expect(h.sim.state.getDocument(doc.chave!, '2')?.nProt).toBe(after.nProt);
});

test('pending retry: a certain failure backs off; the 50th gives up → Rejeitado with the last reason', async () => {
  const { company, doc } = await pendingDoc('MG', 1);
  await setScope(h, 'MG', 'normal');
  h.sim.faults.add({ authorizer: 'MG', service: 'NFeAutorizacao4', mode: 'paralisado', cStat: '108', times: 1 });
  const now = new Date();
  await retryPendingDocuments(rig.run(now));
  await setScope(h, 'MG', 'normal');
  const backedOff = (await h.store.getDocument(company.company.id, doc.id))!;
  expect(backedOff).toMatchObject({ docStatus: 1, attempts: doc.attempts + 1, stage: 'signed' });
  expect(backedOff.nextAttemptAt!.getTime()).toBe(now.getTime() + MIN);
  // Not due yet: nothing happens.
  expect((await retryPendingDocuments(rig.run(now))).tried).toBe(0);

  await h.store.updateDocument(company.company.id, doc.id, { attempts: 49, nextAttemptAt: null });
  h.sim.faults.add({ authorizer: 'MG', service: 'NFeAutorizacao4', mode: 'paralisado', cStat: '109', times: 1 });
  const summary = await retryPendingDocuments(rig.run());
  expect(summary.gaveUp).toBe(1);
  const given = (await h.store.getDocument(company.company.id, doc.id))!;
  expect(given).toMatchObject({ docStatus: 3, cStat: '109', attempts: 50 });
  expect(given.xMotivo).toMatch(/50 tentativas automáticas; último erro: 109/);
  // SEFAZ 109 is a contingency trigger: the scope is back in contingency.
  expect((await h.store.getContingency({ tpAmb: '2', uf: 'MG', model: '55' }))?.state).toBe('contingency');
});

test('pending retry: a lost reply is settled by consulta, never re-sent blindly', async () => {
  const { company, doc } = await pendingDoc('PR', 1);
  await setScope(h, 'PR', 'normal');
  h.sim.faults.add({ authorizer: 'PR', service: 'NFeAutorizacao4', mode: 'lose-response', times: 1 });
  const now = new Date();
  await retryPendingDocuments(rig.run(now, { unknownFateWaitMs: 3 * MIN }));
  const unknown = (await h.store.getDocument(company.company.id, doc.id))!;
  expect(unknown).toMatchObject({ docStatus: 1, stage: 'sending' });
  expect(unknown.nextAttemptAt!.getTime()).toBe(now.getTime() + 3 * MIN);
  const authorisedAtSefaz = h.sim.state.getDocument(doc.chave!, '2')!;
  expect(authorisedAtSefaz.cStat).toBe('100');
  // The status service answers 107: a lost reply is no outage, the scope stays normal.
  expect((await h.store.getContingency({ tpAmb: '2', uf: 'PR', model: '55' }))?.state).toBe('normal');

  await setScope(h, 'PR', 'normal');
  // Any authorisation now would be refused (so a blind resend would show): the consulta must settle it.
  h.sim.faults.add({ authorizer: 'PR', service: 'NFeAutorizacao4', mode: 'reject', cStat: '999' });
  await retryPendingDocuments(rig.run(new Date(now.getTime() + 4 * MIN)));
  expect(h.sim.faults.list()).toHaveLength(1);
  const settled = (await h.store.getDocument(company.company.id, doc.id))!;
  expect(settled).toMatchObject({ docStatus: 2, nProt: authorisedAtSefaz.nProt });
});

test('EPEC reconciliation: 136 → 100 once the UF is normal; a divergent EPEC → 467 visible in consulta', async () => {
  const company = await h.addCompany({ uf: 'GO' });
  await setOptions(h, company, ['EPEC']);
  await setScope(h, 'GO', 'contingency');
  const reply = await h.call([nfeFor(company, 'GO', 1), nfeFor(company, 'GO', 2)], { as: company });
  expect(reply.messages[0]!.codigo).toBe(109);
  expect(reply.documentos.map((d) => sit(d).SitCodigo)).toEqual(['136', '136']);
  const [ok, bad] = await Promise.all([1, 2].map(async (n) => (await h.store.findDocumentByNumber(company.company.id, '2', '55', 1, n))!));
  expect([ok!.docStatus, bad!.docStatus, ok!.chave!.charAt(34)]).toEqual([10, 10, '4']);

  // Still in contingency: nothing is sent.
  expect((await reconcileContingencyDocuments(rig.run())).sent).toBe(0);
  await setScope(h, 'GO', 'normal');
  // The EPEC registered at the AN differs from the NF-e now sent (as if the ERP had changed vNF).
  h.sim.state.db.prepare(`UPDATE events SET summary = json_set(summary, '$.vNF', '1.00') WHERE chave = ? AND tpEvento = '110140'`).run(bad!.chave);
  const summary = await reconcileContingencyDocuments(rig.run());
  expect(summary).toMatchObject({ sent: 2, authorised: 1, rejected: 1 });

  const okSeen = await consultaByKey(h, company, ok!.chave!);
  expect(okSeen).toMatchObject({ DocStatus: '2', DocSitCodigo: '100', DocChaAcesso: ok!.chave });
  const badSeen = await consultaByKey(h, company, bad!.chave!);
  expect(badSeen).toMatchObject({ DocStatus: '3', DocSitCodigo: '467' });
});

test('EPEC older than 120 h is reported (warning counted even while the UF is down)', async () => {
  const company = await h.addCompany({ uf: 'MT' });
  await setOptions(h, company, ['EPEC']);
  await setScope(h, 'MT', 'contingency');
  await h.call([nfeFor(company, 'MT', 1)], { as: company });
  const summary = await reconcileContingencyDocuments(rig.run(new Date(Date.now() + 121 * 3_600_000)));
  expect(summary.epecWarnings).toBeGreaterThanOrEqual(1);
  expect(summary.sent).toBe(0);
});

test('start-up recovery: a `sending` document is settled by consulta; a `signed` one becomes pending and is sent', async () => {
  const company = await h.addCompany({ uf: 'BA' });
  // Document 1 reached SEFAZ but the crash came before any answer was stored (the consulta after the
  // lost reply fails too, so it stays pending in `sending`: an authorised one may not go back).
  h.sim.faults.add({ authorizer: 'BA', service: 'NFeAutorizacao4', mode: 'lose-response', times: 1 });
  h.sim.faults.add({ authorizer: 'BA', service: 'NFeConsultaProtocolo4', mode: 'down', times: 1 });
  await h.call([nfeFor(company, 'BA', 1)], { as: company });
  await setScope(h, 'BA', 'normal');
  // Document 2 never reached SEFAZ (connection dropped before processing).
  h.sim.faults.add({ authorizer: 'BA', service: 'NFeAutorizacao4', mode: 'down', times: 1 });
  await h.call([nfeFor(company, 'BA', 2)], { as: company });
  const [sent, signed] = await Promise.all([1, 2].map(async (n) => (await h.store.findDocumentByNumber(company.company.id, '2', '55', 1, n))!));
  await h.store.updateDocument(company.company.id, sent!.id, { docStatus: 1, stage: 'sending', cStat: null, xMotivo: null, nextAttemptAt: null });
  await h.store.updateDocument(company.company.id, signed!.id, { docStatus: 1, stage: 'signed', cStat: null, xMotivo: null, nextAttemptAt: null });
  await setScope(h, 'BA', 'normal');

  const summary = await recoverAfterCrash(rig.run(new Date(Date.now() + 1000)));
  expect(summary).toMatchObject({ settled: 1, pending: 1 });
  expect((await h.store.getDocument(company.company.id, sent!.id))).toMatchObject({ docStatus: 2, cStat: '100' });
  expect((await h.store.getDocument(company.company.id, signed!.id))).toMatchObject({ docStatus: 1, cStat: '105' });

  await retryPendingDocuments(rig.run(new Date(Date.now() + 1000)));
  const seen = await consultaByKey(h, company, signed!.chave!);
  expect(seen).toMatchObject({ DocStatus: '2', DocSitCodigo: '100' });
});

test('start-up recovery: a document interrupted before it was signed is Rejeitado 199 (not 999), and its number may be sent again', async () => {
  const company = await h.addCompany({ uf: 'GO' });
  // A document row SEFAZ never saw (connection refused), turned into what a crash after the
  // numbering and before the signing leaves: number and key stored, no signed XML, no answer.
  h.sim.faults.add({ authorizer: 'GO', service: 'NFeAutorizacao4', mode: 'down', times: 1 });
  await h.call([nfeFor(company, 'GO', 1)], { as: company });
  await setScope(h, 'GO', 'normal');
  const doc = (await h.store.findDocumentByNumber(company.company.id, '2', '55', 1, 1))!;
  await h.store.updateDocument(company.company.id, doc.id, { docStatus: 1, stage: 'numbered', xmlSigned: null, digestValue: null, cStat: null, xMotivo: null, nextAttemptAt: null });

  const summary = await recoverAfterCrash(rig.run(new Date(Date.now() + 1000)));
  expect(summary).toMatchObject({ rejected: 1 });
  const recovered = (await h.store.getDocument(company.company.id, doc.id))!;
  expect(recovered).toMatchObject({ docStatus: 3, cStat: '199', stage: 'settled' });
  expect(recovered.xMotivo).toMatch(/não foi transmitido à SEFAZ e o número pode ser enviado novamente/);
  const seen = await consultaByKey(h, company, doc.chave!);
  expect(seen).toMatchObject({ DocStatus: '3', DocSitCodigo: '199' });

  const again = await h.call([nfeFor(company, 'GO', 1)], { as: company });
  expect(sit(again.documentos[0]!).SitCodigo).toBe('100');
});
