// The numbering-gap job over the harness and the simulator, with its clock injected (no waiting):
// gaps voided by inutilização (102 at the simulator) before day 10 of the following month; a company
// in report-only mode (the default) gets nothing sent and nothing changed; a number pending (105)
// is never voided. Each test has its own company (its own CNPJ and UF) and disables it at the end, so
// the job runs of the other tests leave it alone.
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { captureLogs } from '../support/logs';
import { runNumberingGaps } from '../../src/emission/jobs/numbering-gaps';
import { gapReport } from '../../src/emission/numbering-gaps';
import { voidDeadline } from '../../src/fiscal/numbering-gaps';
import { followUpOptionsFromEnv } from '../../src/emission/jobs/common';
import { jobsRig, nfeFor, sit, type JobsRig } from './jobs-support';

let h: Harness;
let rig: JobsRig;
let company: TestCompany | undefined;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  h = await startHarness();
  rig = jobsRig(h);
}, 30_000);
afterAll(async () => {
  rig?.close();
  await h?.close();
});
afterEach(async () => {
  if (company) await h.store.updateCompany(company.company.id, { enabled: false });
  company = undefined;
});

/** A company of `uf` whose série 3 holds: 1 and 4 authorised by the simulator, 2 rejected, 3 skipped. */
async function companyWithGaps(uf: string, voidGaps: boolean): Promise<TestCompany> {
  const c = await h.addCompany({ uf });
  if (voidGaps) await h.store.updateCompany(c.company.id, { voidGaps: true });
  for (const n of [1, 4]) expect(sit((await h.call([nfeFor(c, uf, n, 3)], { as: c })).documentos[0]!).SitCodigo).toBe('100');
  await h.store.insertDocument(c.company.id, { tpAmb: '2', model: '55', serie: 3, numero: 2, docStatus: 3, stage: 'settled', cStat: '225', xMotivo: 'Rejeição: Falha no Schema XML' });
  company = c;
  return c;
}

/** The legal deadline of the gaps made by companyWithGaps (they appeared with number 4). */
async function deadlineOf(c: TestCompany): Promise<Date> {
  const top = (await h.store.findDocumentByNumber(c.company.id, '2', '55', 3, 4))!;
  return voidDeadline(top.createdAt, 10);
}

test('gaps voided before day 10 of the following month: inutilização 102 at the simulator, the rejected number Inutilizado', async () => {
  const c = await companyWithGaps('MG', true);
  const deadline = await deadlineOf(c);
  const now = new Date(deadline.getTime() - DAY);
  const summary = await runNumberingGaps(rig.run(now));
  expect(summary).toMatchObject({ voided: 2, late: 0, rejected: 0, pending: 0 });
  expect(now.getTime()).toBeLessThan(deadline.getTime());

  const [inut] = await h.store.listInutilizacoes(c.company.id);
  expect(inut).toMatchObject({ status: 'authorized', cStat: '102', model: '55', serie: 3, nIni: 2, nFin: 3 });
  expect(inut!.justificativa).toContain('Ajuste SINIEF 07/05');
  expect(h.sim.state.inutilizacoesOverlapping('2', c.cnpj, '55', 3, 2, 3)).toHaveLength(1);
  expect(await h.store.findDocumentByNumber(c.company.id, '2', '55', 3, 2)).toMatchObject({ docStatus: 6 });
  expect(await gapReport(h.store, c.company.id, { tpAmb: '2', models: ['55'] })).toEqual([]);
});

test('a minimum age longer than the deadline allows: waits, then voids on the day before the 10th', async () => {
  const c = await companyWithGaps('BA', true);
  const deadline = await deadlineOf(c);
  const run = (at: Date) => runNumberingGaps(rig.run(at, { gapMinAgeMs: 60 * DAY }));
  expect(await run(new Date(deadline.getTime() - DAY - HOUR))).toMatchObject({ voided: 0 });
  expect(await h.store.listInutilizacoes(c.company.id)).toEqual([]);
  expect(await run(new Date(deadline.getTime() - DAY))).toMatchObject({ voided: 2, late: 0 });
  expect(h.sim.state.inutilizacoesOverlapping('2', c.cnpj, '55', 3, 2, 3)).toHaveLength(1);
});

test('report-only mode (the default) touches nothing: no SEFAZ call, no state change, one log line of what is due', async () => {
  const c = await companyWithGaps('GO', false);
  const before = await h.store.findDocumentByNumber(c.company.id, '2', '55', 3, 2);
  const logs = captureLogs();
  let summary;
  try {
    summary = await runNumberingGaps(rig.run(new Date(Date.now() + 4 * DAY)));
  } finally {
    logs.detach();
  }
  expect(summary.reportOnly).toBe(2);
  expect(summary.voided).toBe(0);
  expect(h.sim.state.inutilizacoesOverlapping('2', c.cnpj, '55', 3, 1, 4)).toEqual([]);
  expect(await h.store.listInutilizacoes(c.company.id)).toEqual([]);
  expect(await h.store.findDocumentByNumber(c.company.id, '2', '55', 3, 2)).toEqual(before);
  expect(logs.lines.find((l) => l.cnpj === c.cnpj)).toMatchObject({ level: 'warn', numeros: '2-3', serie: '3', modelo: 'NFe' });
});

test('a number pending (105) is never voided; the skipped one beside it is', async () => {
  const c = await h.addCompany({ uf: 'PR' });
  company = c;
  await h.store.updateCompany(c.company.id, { voidGaps: true });
  for (const n of [1, 4]) expect(sit((await h.call([nfeFor(c, 'PR', n, 3)], { as: c })).documentos[0]!).SitCodigo).toBe('100');
  const pending = await h.store.insertDocument(c.company.id, {
    tpAmb: '2', model: '55', serie: 3, numero: 2, docStatus: 1, stage: 'signed', cStat: '105', xMotivo: 'Documento pendente', nextAttemptAt: new Date(Date.now() + 365 * DAY),
  });
  const summary = await runNumberingGaps(rig.run(new Date(Date.now() + 30 * DAY)));
  expect(summary.voided).toBe(1);
  expect(await h.store.listInutilizacoes(c.company.id)).toEqual([expect.objectContaining({ status: 'authorized', nIni: 3, nFin: 3 })]);
  expect(h.sim.state.inutilizacoesOverlapping('2', c.cnpj, '55', 3, 2, 2)).toEqual([]);
  expect(await h.store.getDocument(c.company.id, pending.id)).toMatchObject({ docStatus: 1, stage: 'signed', cStat: '105' });
});

test('GAP_VOID_MIN_AGE_HOURS and GAP_VOID_DEADLINE_DAY from the environment; a day outside 2–28 is refused', () => {
  expect(followUpOptionsFromEnv({ GAP_VOID_MIN_AGE_HOURS: '24', GAP_VOID_DEADLINE_DAY: '8' })).toEqual({ gapMinAgeMs: DAY, gapDeadlineDay: 8 });
  expect(() => followUpOptionsFromEnv({ GAP_VOID_DEADLINE_DAY: '1' })).toThrow('GAP_VOID_DEADLINE_DAY');
  expect(() => followUpOptionsFromEnv({ GAP_VOID_DEADLINE_DAY: '31' })).toThrow('de 2 a 28');
  expect(() => followUpOptionsFromEnv({ GAP_VOID_MIN_AGE_HOURS: '-1' })).toThrow('GAP_VOID_MIN_AGE_HOURS');
});
