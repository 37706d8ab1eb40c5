// Issue 5 §6, end to end through SOAP against the simulator's faults, one step per test: normal → outage (108) → SVC (109/100) → EPEC (109/136) → no option
// (109/105) → the ERP substitutes/discards the 108 documents → recovery seen by the probe →
// reconciliation (136 → 100), discard in both fates (authorised → cancelled; never arrived →
// voided), pending 105 sent → no number authorised twice, every document definitive.
//
// Why two 108 documents in two scopes: once a scope is in contingency, new documents are routed to
// the company's options and never meet the failure again, so a scope yields exactly one 108. The
// "authorised" fate is company A's NF-e (RS/55, the reply is lost after SEFAZ stored it); the "never
// arrived" fate is company A's NFC-e (RS/65, first document of that scope, sent while RS is down).
//
// The steps share one story, so each test first brings it up to its own step: the earlier steps run
// once, in order, whichever test needs them first (a test alone or in random order runs the same story).
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { scenarioSteps } from '../support/steps';
import { simpleNfce, simpleNfe } from '../support/samples';
import { consultaByKey, jobsRig, setOptions, sit, type JobsRig } from '../emission/jobs-support';
import { adminRequest } from '../../src/simulator/admin-client';
import { probeScopes } from '../../src/contingency/probe';
import { companyCredentialsFor } from '../../src/emission/scope-credentials';
import { scopeStatusOf } from '../../src/emission/scope-status';
import { CompanyContext } from '../../src/emission/context';
import { reconcileContingencyDocuments } from '../../src/emission/jobs/reconcile';
import { runDiscards, DISCARD_STATE } from '../../src/emission/jobs/discard';
import { retryPendingDocuments } from '../../src/emission/jobs/pending-retry';
import { DOC_STATUS, type DocModel, type DocumentRecord } from '../../src/store/port';

const MIN = 60_000;
const UF = 'RS';
/** The discard job's floor before a 217 counts (contingency-and-numbering.md §5.2): the real default. */
const UNKNOWN_FATE_WAIT = 3 * MIN;

let h: Harness;
let rig: JobsRig;
/** A: the emitter that meets the outage; B [SVC], C [EPEC], D [NONE] emit during it. */
let A: TestCompany, B: TestCompany, C: TestCompany, D: TestCompany;
/** Keys of the documents the steps follow, by name. */
const chave: Record<string, string> = {};
/** Instant of the recovery; the jobs run on a clock injected from it. */
let t0: number;

beforeAll(async () => {
  h = await startHarness({ uf: UF });
  rig = jobsRig(h);
  A = await h.addCompany();
  [B, C, D] = [await h.addCompany(), await h.addCompany(), await h.addCompany()];
  await setOptions(h, B, ['SVC']);
  await setOptions(h, C, ['EPEC']);
  await setOptions(h, D, ['NONE']);
}, 30_000);
afterAll(async () => {
  rig?.close();
  await h?.close();
});

const modelo = (model: DocModel) => (model === '65' ? 'NFCe' : 'NFe');

const consulta = (c: TestCompany, key: string, model: DocModel = '55') => consultaByKey(h, c, key, modelo(model));

function descartarXml(c: TestCompany, model: DocModel, numero: number): string {
  return `<DescartarDocumento><ModeloDocumento>${modelo(model)}</ModeloDocumento><tpAmb>2</tpAmb><CNPJ_emit>${c.cnpj}</CNPJ_emit><Numero>${numero}</Numero><Serie>1</Serie></DescartarDocumento>`;
}

async function docStatus(c: TestCompany, key: string, model: DocModel = '55'): Promise<string> {
  return String((await consulta(c, key, model)).DocStatus);
}

/** One Envio through SOAP; returns request Codigo, document SitCodigo/SitDescricao and key. */
async function emit(c: TestCompany, xml: string, parametros?: string): Promise<{ codigo: number; sitCodigo: string; sitDescricao: string; chave: string }> {
  const reply = await h.call([xml], { as: c, parametros: [parametros] });
  expect(reply.documentos).toHaveLength(1);
  const d = reply.documentos[0]!;
  return { codigo: reply.messages[0]!.codigo, sitCodigo: sit(d).SitCodigo, sitDescricao: sit(d).SitDescricao, chave: String(d.DocChaAcesso) };
}

async function stored(c: TestCompany, model: DocModel, numero: number): Promise<DocumentRecord> {
  return (await h.store.findDocumentByNumber(c.company.id, '2', model, 1, numero))!;
}

async function scopeState(model: DocModel): Promise<string | undefined> {
  return (await h.store.getContingency({ tpAmb: '2', uf: UF, model }))?.state;
}

function probe(now: Date) {
  return probeScopes({ store: h.store, status: scopeStatusOf(rig.deps), credentialsFor: companyCredentialsFor(rig.deps), now });
}

const step = scenarioSteps();

describe('contingency scenario (RS): outage → routing → recovery → clean-up', () => {
  step('step 1 — normal: A emits NF-e 1 → 100/100, DocStatus 2', async () => {
    const r = await emit(A, simpleNfe({ cnpj: A.cnpj, nNF: 1, serie: 1 }));
    expect(r).toMatchObject({ codigo: 100, sitCodigo: '100' });
    chave.a1 = r.chave;
    expect(await docStatus(A, r.chave)).toBe('2');
    expect(await scopeState('55')).not.toBe('contingency');
  });

  step('step 2 — outage: A\'s NF-e 2 reply is lost (authorised at SEFAZ) and A\'s NFC-e 1 never arrives → 108/108, DocStatus 4', async () => {
    // SEFAZ RS stores NF-e 2 and drops the connection before replying, and its status service fails
    // too (the evidence that SEFAZ, not the request, is down)...
    h.sim.faults.add({ authorizer: UF, service: 'NFeAutorizacao4', mode: 'lose-response', times: 1 });
    h.sim.faults.add({ authorizer: UF, service: 'NFeStatusServico4', mode: 'down', times: 1 });
    const lost = await emit(A, simpleNfe({ cnpj: A.cnpj, nNF: 2, serie: 1 }));
    expect(lost).toMatchObject({ codigo: 108, sitCodigo: '108', sitDescricao: expect.stringMatching(/^Entrada da SEFAZ em contingência: ./) });
    chave.a2 = lost.chave;
    expect(h.sim.state.getDocument(lost.chave, '2')).toMatchObject({ status: 'authorized', nNF: 2 });
    expect(await docStatus(A, lost.chave)).toBe('4');
    expect(await scopeState('55')).toBe('contingency');

    // ...then goes down for every service: the NFC-e (a scope still normal) is cut before processing.
    h.sim.faults.add({ authorizer: UF, service: '*', mode: 'down' });
    const cut = await emit(A, simpleNfce({ cnpj: A.cnpj, nNF: 1, serie: 1 }));
    expect(cut).toMatchObject({ codigo: 108, sitCodigo: '108', sitDescricao: expect.stringMatching(/^Entrada da SEFAZ em contingência: ./) });
    chave.a65 = cut.chave;
    expect(h.sim.state.getDocument(cut.chave, '2')).toBeUndefined();
    expect(await docStatus(A, cut.chave, '65')).toBe('4');
    expect(await scopeState('65')).toBe('contingency');
  });

  step('step 3 — company B [SVC] → 109/100 through SVC-AN, DocStatus 15', async () => {
    const r = await emit(B, simpleNfe({ cnpj: B.cnpj, nNF: 1, serie: 1 }));
    expect(r).toMatchObject({ codigo: 109, sitCodigo: '100' });
    expect(r.chave[34]).toBe('6');
    chave.b1 = r.chave;
    expect(h.sim.state.getDocument(r.chave, '2')).toMatchObject({ authorizer: 'SVCAN', status: 'authorized' });
    expect(await docStatus(B, r.chave)).toBe('15');
  });

  step('step 4 — company C [EPEC] → 109/136, DocStatus 10, EPEC registered at the AN', async () => {
    const r = await emit(C, simpleNfe({ cnpj: C.cnpj, nNF: 1, serie: 1 }));
    expect(r).toMatchObject({ codigo: 109, sitCodigo: '136' });
    expect(r.chave[34]).toBe('4');
    chave.c1 = r.chave;
    expect(h.sim.state.eventsOf(r.chave, '2', '110140')).toHaveLength(1);
    expect(h.sim.state.getDocument(r.chave, '2')).toBeUndefined();
    expect(await docStatus(C, r.chave)).toBe('10');
  });

  step('step 5 — company D without options [NONE] → 109/105, DocStatus 1', async () => {
    const r = await emit(D, simpleNfe({ cnpj: D.cnpj, nNF: 1, serie: 1 }));
    expect(r).toMatchObject({ codigo: 109, sitCodigo: '105' });
    expect(r.chave[34]).toBe('1');
    chave.d1 = r.chave;
    expect(h.sim.state.getDocument(r.chave, '2')).toBeUndefined();
    expect(await docStatus(D, r.chave)).toBe('1');
  });

  step('step 6 — A\'s ERP sends NF-e 3 substituting NF-e 2 (109/100 by its default SVC) and discards NFC-e 1 (105)', async () => {
    const substituir = `<SubstituirDocumento><nNF>2</nNF><serie>1</serie><modelo>NFe</modelo><CNPJ_emit>${A.cnpj}</CNPJ_emit><nNFSubstituta>3</nNFSubstituta><serieSubstituta>1</serieSubstituta></SubstituirDocumento>`;
    const r = await emit(A, simpleNfe({ cnpj: A.cnpj, nNF: 3, serie: 1 }), substituir);
    expect(r).toMatchObject({ codigo: 109, sitCodigo: '100' });
    chave.a3 = r.chave;
    expect(await docStatus(A, r.chave)).toBe('15');
    expect(await stored(A, '55', 2)).toMatchObject({ docStatus: DOC_STATUS.NECESSITA_INTERACAO, discardRequested: true, substituteNumero: 3, substituteSerie: 1 });

    const reply = await h.call([descartarXml(A, '65', 1)], { as: A });
    expect(reply.messages[0]!.codigo).toBe(100);
    expect(sit(reply.documentos[0]!)).toMatchObject({ SitCodigo: '105', SitDescricao: expect.stringMatching(/^Descarte agendado/) });
    expect(reply.documentos[0]).toMatchObject({ DocNumero: '1', DocSerie: '1', DocChaAcesso: chave.a65 });
    // Both 108 documents still show "necessita interação" until the discard job settles them.
    expect(await docStatus(A, chave.a2!)).toBe('4');
    expect(await docStatus(A, chave.a65!, '65')).toBe('4');
  });

  step('step 7 — recovery: the probe sees RS still down, then, after the simulator reset, 107 → both scopes normal', async () => {
    t0 = Date.now();
    // Due (≥ 3 min after entering) but RS is still down: stays in contingency with a back-off.
    expect(await probe(new Date(t0 + 4 * MIN))).toEqual({ probed: 2, recovered: 0, stillDown: 2 });
    expect([await scopeState('55'), await scopeState('65')]).toEqual(['contingency', 'contingency']);

    const reset = await adminRequest(h.sim.httpsUrl, 'POST', '/__admin/reset', undefined, h.sim.ca.certPem);
    expect(reset.status).toBe(200);
    expect(h.sim.faults.list()).toEqual([]);
    // The back-off (next probe 3 min after the failed one) is respected.
    expect((await probe(new Date(t0 + 5 * MIN))).probed).toBe(0);
    expect(await probe(new Date(t0 + 8 * MIN))).toEqual({ probed: 2, recovered: 2, stillDown: 0 });
    expect([await scopeState('55'), await scopeState('65')]).toEqual(['normal', 'normal']);
  });

  step('step 8a — EPEC reconciliation: C\'s NF-e 136 → 100, DocStatus 2', async () => {
    const summary = await reconcileContingencyDocuments(rig.run(new Date(t0 + 8 * MIN)));
    expect(summary).toMatchObject({ sent: 1, authorised: 1 });
    expect(await consulta(C, chave.c1!)).toMatchObject({ DocStatus: '2', DocSitCodigo: '100', DocChaAcesso: chave.c1 });
    expect(h.sim.state.getDocument(chave.c1!, '2')).toMatchObject({ authorizer: UF, status: 'authorized' });
  });

  step('step 8b — discard, both fates: authorised NF-e 2 → cancelled (5); NFC-e 1 unknown to SEFAZ → 217 twice → voided (6)', async () => {
    const run = (at: number) => runDiscards(rig.run(new Date(t0 + at), { unknownFateWaitMs: UNKNOWN_FATE_WAIT }));

    // First pass: NF-e 2 is found authorised and cancelled; NFC-e 1's first 217 only counts once.
    expect(await run(8 * MIN)).toMatchObject({ consulted: 2, cancelled: 1, retryLater: 1, voided: 0 });
    expect(await stored(A, '55', 2)).toMatchObject({ docStatus: DOC_STATUS.CANCELADO, discardState: DISCARD_STATE.cancelled });
    expect(await consulta(A, chave.a2!)).toMatchObject({ DocStatus: '5', DocSitCodigo: '101' });
    expect(await stored(A, '65', 1)).toMatchObject({ docStatus: DOC_STATUS.NECESSITA_INTERACAO, discardState: DISCARD_STATE.notFoundOnce });
    expect(await docStatus(A, chave.a65!, '65')).toBe('4');

    // The simulator's own consulta says cancelled (101), with the 110111 event on the admin view.
    const { credentials } = await new CompanyContext(rig.deps, A.company).certificate();
    const sefazView = await rig.deps.sefaz.consultaProtocolo({ uf: UF, model: '55', tpAmb: '2' }, credentials, chave.a2!);
    expect(sefazView.cStat).toBe('101');
    const admin = await adminRequest(h.sim.httpsUrl, 'GET', `/__admin/documents/${chave.a2}`, undefined, h.sim.ca.certPem);
    expect(admin.status).toBe(200);
    const adminView = JSON.parse(admin.text) as { document: { status: string }; events: { tpEvento: string }[] };
    expect(adminView.document.status).toBe('cancelled');
    expect(adminView.events.map((e) => e.tpEvento)).toContain('110111');

    // Second pass, after the back-off: the 217 is confirmed and the number voided.
    expect(await run(10 * MIN)).toMatchObject({ consulted: 1, voided: 1, cancelled: 0 });
    expect(await stored(A, '65', 1)).toMatchObject({ docStatus: DOC_STATUS.INUTILIZADO, cStat: '102', discardState: DISCARD_STATE.voided });
    expect(await consulta(A, chave.a65!, '65')).toMatchObject({ DocStatus: '6', DocSitCodigo: '102' });
    expect(h.sim.state.inutilizacoesOverlapping('2', A.cnpj, '65', 1, 1, 1)).toHaveLength(1);
    expect(h.sim.state.getDocument(chave.a65!, '2')).toBeUndefined();

    // Asked again, DescartarDocumento answers with the settled result (§5.2): 101 / 102.
    for (const [model, numero, code] of [['55', 2, '101'], ['65', 1, '102']] as const) {
      const again = await h.call([descartarXml(A, model, numero)], { as: A });
      expect(sit(again.documentos[0]!).SitCodigo).toBe(code);
    }
  });

  step('step 8c — pending retry: D\'s 105 document is sent → 100, DocStatus 2', async () => {
    const summary = await retryPendingDocuments(rig.run(new Date(t0 + 10 * MIN)));
    expect(summary).toMatchObject({ tried: 1, settled: 1, stillPending: 0, gaveUp: 0 });
    expect(await consulta(D, chave.d1!)).toMatchObject({ DocStatus: '2', DocSitCodigo: '100', DocChaAcesso: chave.d1 });
    expect(h.sim.state.getDocument(chave.d1!, '2')).toMatchObject({ authorizer: UF, status: 'authorized' });
  });

  step('step 9 — no number authorised twice; every document definitive and matching the simulator', async () => {
    const db = h.sim.state.db;
    const twice = db.prepare(`SELECT cnpj, mod, serie, nNF, COUNT(*) AS n FROM documents WHERE tpAmb = '2' GROUP BY cnpj, mod, serie, nNF HAVING n > 1`).all();
    expect(twice).toEqual([]);
    const usedAndVoided = db.prepare(
      `SELECT d.cnpj, d.mod, d.serie, d.nNF FROM documents d JOIN inutilizacoes i ON i.tpAmb = d.tpAmb AND i.cnpj = d.cnpj AND i.mod = d.mod AND i.serie = d.serie AND d.nNF BETWEEN i.nNFIni AND i.nNFFin`,
    ).all();
    expect(usedAndVoided).toEqual([]);
    // No gap left unvoided: every number up to the highest of each série is used or voided at SEFAZ.
    const series = db.prepare(`SELECT cnpj, mod, serie, MAX(nNF) AS top FROM documents WHERE tpAmb = '2' GROUP BY cnpj, mod, serie`).all() as { cnpj: string; mod: string; serie: number; top: number }[];
    for (const { cnpj, mod, serie, top } of series) {
      for (let n = 1; n <= top; n += 1) {
        const covered = !!h.sim.state.findByNumber('2', cnpj, mod, serie, n) || h.sim.state.inutilizacoesOverlapping('2', cnpj, mod, serie, n, n).length > 0;
        expect({ cnpj, mod, serie, n, covered }).toMatchObject({ covered: true });
      }
    }

    // The whole gateway picture, per company, model and number.
    const picture: string[] = [];
    for (const [name, c] of Object.entries({ A, B, C, D })) {
      const docs = await h.store.queryDocuments(c.company.id, {});
      for (const d of docs) {
        picture.push(`${name} ${d.model}/${d.serie}/${d.numero} → ${d.docStatus}`);
        const atSefaz = d.chave ? h.sim.state.getDocument(d.chave, '2') : undefined;
        if (d.docStatus === DOC_STATUS.AUTORIZADO || d.docStatus === DOC_STATUS.CONTINGENCIA_SVC) {
          expect(atSefaz).toMatchObject({ status: 'authorized', nProt: d.nProt, nNF: d.numero });
        } else if (d.docStatus === DOC_STATUS.CANCELADO) {
          expect(atSefaz).toMatchObject({ status: 'cancelled', nNF: d.numero });
        } else {
          expect(d.docStatus).toBe(DOC_STATUS.INUTILIZADO);
          expect(atSefaz).toBeUndefined();
          expect(h.sim.state.inutilizacoesOverlapping('2', c.cnpj, d.model, d.serie, d.numero, d.numero)).toHaveLength(1);
        }
      }
    }
    expect(picture.sort()).toEqual([
      'A 55/1/1 → 2',
      'A 55/1/2 → 5',
      'A 55/1/3 → 15',
      'A 65/1/1 → 6',
      'B 55/1/1 → 15',
      'C 55/1/1 → 2',
      'D 55/1/1 → 2',
    ]);
  });
});
