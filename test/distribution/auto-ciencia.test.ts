// Automatic ciência end to end (issue 15 §2): company A issues an NF-e to company B through the gateway;
// B opted into the DF-e capture and into the automatic ciência. The capture (wired as app.ts wires the
// job: distributionCaptureDeps) stores the resNFe and sends the ciência to the simulator's Ambiente
// Nacional, which releases the full nfeProc under a new NSU; the next sweep, once the hour's hold is
// over, stores it and it supersedes the resNFe as the key's best document. Simulated clock shared by the
// gateway, the capture and the simulator.
import { distributionCaptureDeps } from '../../src/app';
import { runCapture } from '../../src/distribution/capture';
import { LogScope } from '../../src/log/logger';
import type { ManifestacaoRegistered } from '../../src/simulator/context';
import { startHarness, SCHEMAS_DIR, type Harness, type TestCompany } from '../support/harness';
import { captureLogs } from '../support/logs';
import { simpleNfe } from '../support/samples';
import { eventoXml } from '../emission/event-support';
import { sit } from '../emission/jobs-support';

const MIN = 60_000;
let now = new Date();
const clock = () => now;
const heard: ManifestacaoRegistered[] = [];
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock, simulatorClock: clock, simulatorListeners: { manifestacaoRegistered: (e) => heard.push(e) } });
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const capture = () => runCapture(
  distributionCaptureDeps({ store: h.store, sefaz: h.sefaz, schemasDir: SCHEMAS_DIR, verProc: 'teste', clock }, (t, c, req) => h.sefaz.distribuicao(t, c, req), 'gateway-ciencia', { pauseMs: 0 }),
  { log: new LogScope({ job: 'dfe-distribution' }) },
);

let nNF = 500;
/** An NF-e of the harness's main company (A) authorised with `dest` as destinatário; its key. */
async function issuedTo(dest: TestCompany): Promise<string> {
  nNF += 1;
  const xml = simpleNfe({ cnpj: h.main.cnpj, nNF }).replace(/<CNPJ_dest>\d+<\/CNPJ_dest>/, `<CNPJ_dest>${dest.cnpj}</CNPJ_dest>`);
  const d = (await h.call([xml])).documentos[0]!;
  if (sit(d).SitCodigo !== '100') throw new Error(`NF-e ${nNF} não autorizada: ${JSON.stringify(sit(d))}`);
  return String(d.DocChaAcesso);
}

/** Companies opted in by the running test, opted out after it: each capture run sees its own test's alone. */
const optedIn: TestCompany[] = [];

async function destinataria(o: { autoCiencia: boolean }): Promise<TestCompany> {
  const c = await h.addCompany();
  optedIn.push(c);
  await h.store.setDfeEnabled(c.company.id, '55', true);
  c.company = (await h.store.updateCompany(c.company.id, { autoCiencia: o.autoCiencia }))!;
  return c;
}

async function events(c: TestCompany, chave: string) {
  const row = await h.store.findDocumentByChave(c.company.id, chave);
  return row ? h.store.listEvents(c.company.id, row.id) : [];
}

describe('automatic ciência from the DF-e capture', () => {
  beforeEach(() => {
    now = new Date();
  });
  afterEach(async () => {
    for (const c of optedIn.splice(0)) await h.store.setDfeEnabled(c.company.id, '55', false);
  });

  test('resNFe stored → ciência sent (135) → after the hold the nfeProc arrives under a new NSU and becomes the key\'s best document', async () => {
    const b = await destinataria({ autoCiencia: true });
    const chave = await issuedTo(b);
    expect(h.sim.dfe.position({ doc: b.cnpj }).maxNSU).toBe(1);

    const logs = captureLogs();
    let first;
    try {
      first = await capture();
    } finally {
      logs.detach();
    }
    expect(first).toMatchObject({ calls: 1, docsStored: 1, cienciaSent: 1, consumoIndevido: 0 });
    expect(await h.store.queryDfeDocuments(b.company.id)).toEqual([expect.objectContaining({ nsu: '000000000000001', root: 'resNFe', chave, best: true })]);
    expect(await events(b, chave)).toEqual([expect.objectContaining({ tpEvento: '210210', nSeq: 1, status: 'registered', cStat: '135' })]);
    expect(heard.filter((e) => e.chave === chave)).toEqual([expect.objectContaining({ tpEvento: '210210', destDoc: b.cnpj })]);
    expect(logs.lines).toContainEqual(expect.objectContaining({ message: 'ciência automática', chave, cStat: '135', cnpj: b.cnpj, job: 'dfe-distribution' }));
    // The AN released the full NF-e to B under NSU 2; the hour's hold keeps the gateway from asking yet.
    expect(h.sim.dfe.position({ doc: b.cnpj }).maxNSU).toBe(2);
    expect(await capture()).toMatchObject({ calls: 0 });

    now = new Date(now.getTime() + 65 * MIN);
    expect(await capture()).toMatchObject({ calls: 1, docsStored: 1, cienciaSent: 0, consumoIndevido: 0 });
    const stored = await h.store.queryDfeDocuments(b.company.id, { chave });
    expect(stored.map((d) => [d.nsu, d.root, d.best])).toEqual([['000000000000001', 'resNFe', false], ['000000000000002', 'nfeProc', true]]);
    const best = await h.store.queryDfeDocuments(b.company.id, { chave, bestOnly: true });
    expect(best).toEqual([expect.objectContaining({ root: 'nfeProc', destDoc: b.cnpj, emitterDoc: h.main.cnpj, situation: 'authorized' })]);
    expect(best[0].xml).toContain(`<chNFe>${chave}</chNFe>`);
    // Never twice: one ciência for the key.
    expect(await events(b, chave)).toHaveLength(1);
    expect(heard.filter((e) => e.chave === chave)).toHaveLength(1);
  });

  test('a company without the option: the resNFe is stored, no ciência, the AN keeps the full NF-e', async () => {
    const b = await destinataria({ autoCiencia: false });
    const chave = await issuedTo(b);
    expect(await capture()).toMatchObject({ docsStored: 1, cienciaSent: 0 });
    expect(await events(b, chave)).toEqual([]);
    expect(heard.filter((e) => e.chave === chave)).toEqual([]);
    expect(h.sim.dfe.position({ doc: b.cnpj }).maxNSU).toBe(1);
  });

  test('a resNFe stored without its ciência (a crash or failure after the step was written) gets it on the next run, once', async () => {
    const b = await destinataria({ autoCiencia: false });
    const chave = await issuedTo(b);
    expect(await capture()).toMatchObject({ calls: 1, docsStored: 1, cienciaSent: 0 });
    // The company turns the option on (the same state a crash between the stored step and the ciência leaves).
    b.company = (await h.store.updateCompany(b.company.id, { autoCiencia: true }))!;
    const logs = captureLogs();
    try {
      // Inside the hour's hold: no call to the AN, but the owed ciência goes.
      expect(await capture()).toMatchObject({ calls: 0, cienciaSent: 1 });
    } finally {
      logs.detach();
    }
    expect(logs.lines).toContainEqual(expect.objectContaining({ message: 'ciência automática enviada para resNFe capturado antes', chave, nsu: '000000000000001' }));
    expect(await events(b, chave)).toEqual([expect.objectContaining({ tpEvento: '210210', status: 'registered', cStat: '135' })]);
    expect(h.sim.dfe.position({ doc: b.cnpj }).maxNSU).toBe(2);
    // Owed no more: later runs send nothing and log nothing about it.
    const again = captureLogs();
    try {
      expect(await capture()).toMatchObject({ calls: 0, cienciaSent: 0 });
    } finally {
      again.detach();
    }
    expect(again.lines.filter((l) => l.chave === chave)).toEqual([]);
    expect(await events(b, chave)).toHaveLength(1);
  });

  test('the ERP manifested first (desconhecimento): no ciência, logged with the reason, no nfeProc released', async () => {
    const b = await destinataria({ autoCiencia: true });
    const chave = await issuedTo(b);
    const erp = (await h.call([eventoXml(b.cnpj, { chave, tp: '210220', det: '<EveDesc>Desconhecimento da Operacao</EveDesc>' })], { as: b })).documentos[0]!;
    expect(sit(erp).SitCodigo).toBe('135');
    const logs = captureLogs();
    try {
      expect(await capture()).toMatchObject({ docsStored: 1, cienciaSent: 0 });
    } finally {
      logs.detach();
    }
    expect(logs.lines).toContainEqual(expect.objectContaining({ message: 'ciência automática não enviada', chave, motivo: 'ja-manifestada' }));
    expect((await events(b, chave)).map((e) => e.tpEvento)).toEqual(['210220']);
    expect(h.sim.dfe.position({ doc: b.cnpj }).maxNSU).toBe(1);
  });
});
