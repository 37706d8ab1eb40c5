// Issue 13 §4, end to end through SOAP against the simulator's faults, one step per test: CT-e normal →
// outage (108) → EPEC company (109/136, 110113 at the SVC) → SVC company (109/100 by SVC-SP) → NONE
// company (109/105) → the ERPs discard the 108 CT-e (SubstituirDocumento, DescartarDocumento) → recovery seen by the probe → reconciliation
// (136 → 100, and one rejected) → discard in both fates (authorised → cancelled 110111; never
// arrived → closed in the gateway's numbering, CT-e 4.00 having no inutilização) → the pending CT-e sent → every CT-e definitive.
//
// Why two 108 CT-e in two scopes: once a scope is in contingency, new CT-e are routed to the company's
// options and never meet the failure again, so a scope yields exactly one 108. The "authorised" fate is
// company A's CT-e 2 (RS, the reply is lost after SEFAZ stored it); the "never arrived" fate is company
// E's CT-e 1 (PR, first document of that scope, sent while PR is down).
//
// The steps share one story, so each test first brings it up to its own step: the earlier steps run
// once, in order, whichever test needs them first (a test alone or in random order runs the same story).
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { scenarioSteps } from '../support/steps';
import { cteFor } from '../support/cte';
import { captureLogs } from '../support/logs';
import { consultaByKey, jobsRig, setOptions, sit, type JobsRig } from '../emission/jobs-support';
import { adminRequest } from '../../src/simulator/admin-client';
import { probeScopes } from '../../src/contingency/probe';
import { companyCredentialsFor } from '../../src/emission/scope-credentials';
import { scopeStatusOf } from '../../src/emission/scope-status';
import { reconcileContingencyDocuments } from '../../src/emission/jobs/reconcile';
import { runDiscards, DISCARD_STATE } from '../../src/emission/jobs/discard';
import { retryPendingDocuments } from '../../src/emission/jobs/pending-retry';
import { DOC_STATUS, type DocumentRecord } from '../../src/store/port';

const MIN = 60_000;
const HOUR = 60 * MIN;
const UF = 'RS';
/** E's UF: the second scope, whose first CT-e never reaches SEFAZ. */
const UF_E = 'PR';
/** The discard job's floor before a 217 counts (contingency-and-numbering.md §5.2): the real default. */
const UNKNOWN_FATE_WAIT = 3 * MIN;

let h: Harness;
let rig: JobsRig;
/** A: the RS emitter that meets the outage; B [EPEC], C [SVC], D [NONE] emit during it; E: PR emitter. */
let A: TestCompany, B: TestCompany, C: TestCompany, D: TestCompany, E: TestCompany;
/** Keys of the CT-e the steps follow, by name. */
const chave: Record<string, string> = {};
/** Instant of the recovery; the jobs run on a clock injected from it. */
let t0: number;

beforeAll(async () => {
  h = await startHarness({ uf: UF });
  rig = jobsRig(h);
  A = await h.addCompany();
  [B, C, D] = [await h.addCompany(), await h.addCompany(), await h.addCompany()];
  E = await h.addCompany({ uf: UF_E });
  await setOptions(h, B, ['EPEC'], '57');
  await setOptions(h, C, ['SVC'], '57');
  await setOptions(h, D, ['NONE'], '57');
}, 30_000);
afterAll(async () => {
  rig?.close();
  await h?.close();
});

const consulta = (c: TestCompany, key: string) => consultaByKey(h, c, key, 'CTe');

function descartarXml(c: TestCompany, numero: number): string {
  return `<DescartarDocumento><ModeloDocumento>CTe</ModeloDocumento><tpAmb>2</tpAmb><CNPJ_emit>${c.cnpj}</CNPJ_emit><Numero>${numero}</Numero><Serie>1</Serie></DescartarDocumento>`;
}

async function docStatus(c: TestCompany, key: string): Promise<string> {
  return String((await consulta(c, key)).DocStatus);
}

/** One CT-e Envio through SOAP; returns request Codigo, document SitCodigo/SitDescricao and key. */
async function emit(c: TestCompany, uf: string, nCT: number, parametros?: string): Promise<{ codigo: number; sitCodigo: string; sitDescricao: string; chave: string }> {
  const reply = await h.call([cteFor(c, uf, nCT)], { as: c, parametros: [parametros] });
  expect(reply.documentos).toHaveLength(1);
  const d = reply.documentos[0]!;
  return { codigo: reply.messages[0]!.codigo, sitCodigo: sit(d).SitCodigo, sitDescricao: sit(d).SitDescricao, chave: String(d.DocChaAcesso) };
}

async function stored(c: TestCompany, numero: number): Promise<DocumentRecord> {
  return (await h.store.findDocumentByNumber(c.company.id, '2', '57', 1, numero))!;
}

async function scopeState(uf: string): Promise<string | undefined> {
  return (await h.store.getContingency({ tpAmb: '2', uf, model: '57' }))?.state;
}

function probe(now: Date) {
  return probeScopes({ store: h.store, status: scopeStatusOf(rig.deps), credentialsFor: companyCredentialsFor(rig.deps), now });
}

const step = scenarioSteps();

describe('CT-e contingency scenario (RS, and PR for the never-arrived 108)', () => {
  step('step 1 — normal: A emits CT-e 1 → 100/100, DocStatus 2', async () => {
    const r = await emit(A, UF, 1);
    expect(r).toMatchObject({ codigo: 100, sitCodigo: '100' });
    chave.a1 = r.chave;
    expect(r.chave[34]).toBe('1');
    expect(await docStatus(A, r.chave)).toBe('2');
    expect(await scopeState(UF)).not.toBe('contingency');
  });

  step('step 2 — outage: A\'s CT-e 2 reply is lost (authorised at SEFAZ RS), E\'s CT-e 1 never reaches SEFAZ PR → 108/108, DocStatus 4', async () => {
    // SEFAZ RS stores CT-e 2 and drops the connection before replying, and its status service fails
    // too (the evidence that SEFAZ, not the request, is down); then RS is down for every service.
    h.sim.faults.add({ authorizer: UF, service: 'CTeRecepcaoSincV4', mode: 'lose-response', times: 1 });
    h.sim.faults.add({ authorizer: UF, service: 'CTeStatusServicoV4', mode: 'down', times: 1 });
    const lost = await emit(A, UF, 2);
    expect(lost).toMatchObject({ codigo: 108, sitCodigo: '108', sitDescricao: expect.stringMatching(/^Entrada da SEFAZ em contingência: ./) });
    chave.a2 = lost.chave;
    expect(h.sim.state.getDocument(lost.chave, '2')).toMatchObject({ status: 'authorized', mod: '57', nNF: 2 });
    expect(await docStatus(A, lost.chave)).toBe('4');
    expect(await scopeState(UF)).toBe('contingency');
    h.sim.faults.add({ authorizer: UF, service: '*', mode: 'down' });

    // PR is down too: E's first CT-e is cut before SEFAZ processes it.
    h.sim.faults.add({ authorizer: UF_E, service: '*', mode: 'down' });
    const cut = await emit(E, UF_E, 1);
    expect(cut).toMatchObject({ codigo: 108, sitCodigo: '108' });
    chave.e1 = cut.chave;
    expect(h.sim.state.getDocument(cut.chave, '2')).toBeUndefined();
    expect(await docStatus(E, cut.chave)).toBe('4');
    expect(await scopeState(UF_E)).toBe('contingency');
  });

  step('step 3 — company B [EPEC] → 109/136 (tpEmis 4), DocStatus 10, the 110113 registered at SVC-SP', async () => {
    const r = await emit(B, UF, 1);
    expect(r).toMatchObject({ codigo: 109, sitCodigo: '136' });
    expect(r.chave[34]).toBe('4');
    chave.b1 = r.chave;
    expect(h.sim.state.eventsOf(r.chave, '2', '110113')).toHaveLength(1);
    expect(h.sim.state.getDocument(r.chave, '2')).toBeUndefined();
    expect(await consulta(B, r.chave)).toMatchObject({ DocStatus: '10', DocSitCodigo: '136', DocChaAcesso: r.chave });
    // A second EPEC CT-e of B: the reconciliation below rejects one of the two.
    const r2 = await emit(B, UF, 2);
    expect(r2).toMatchObject({ codigo: 109, sitCodigo: '136' });
    chave.b2 = r2.chave;

    // An EPEC left unreconciled past 168 h is reported with CT-e's block code (639), whatever the scope's state.
    const logs = captureLogs();
    try {
      const summary = await reconcileContingencyDocuments(rig.run(new Date(Date.now() + 170 * HOUR)));
      expect(summary).toMatchObject({ sent: 0, waiting: 2, epecWarnings: 2 });
    } finally {
      logs.detach();
    }
    expect(logs.lines.filter((l) => l.level === 'error' && /EPEC não conciliada há mais de 168 h.*\(639\)/.test(l.message))).toHaveLength(2);
  });

  step('step 4 — company C [SVC] → 109/100 through SVC-SP (tpEmis 8), DocStatus 15', async () => {
    const r = await emit(C, UF, 1);
    expect(r).toMatchObject({ codigo: 109, sitCodigo: '100' });
    expect(r.chave[34]).toBe('8');
    chave.c1 = r.chave;
    expect(h.sim.state.getDocument(r.chave, '2')).toMatchObject({ authorizer: 'SVCSP', status: 'authorized' });
    expect(await consulta(C, r.chave)).toMatchObject({ DocStatus: '15', DocSitCodigo: '100' });
  });

  step('step 5 — company D without options [NONE] → 109/105, DocStatus 1', async () => {
    const r = await emit(D, UF, 1);
    expect(r).toMatchObject({ codigo: 109, sitCodigo: '105' });
    expect(r.chave[34]).toBe('1');
    chave.d1 = r.chave;
    expect(h.sim.state.getDocument(r.chave, '2')).toBeUndefined();
    expect(await docStatus(D, r.chave)).toBe('1');
  });

  step('step 6 — A\'s ERP issues CT-e 3 substituting CT-e 2 (default options: EPEC first → 109/136); E\'s ERP discards CT-e 1 (105)', async () => {
    const substituir = `<SubstituirDocumento><nNF>2</nNF><serie>1</serie><modelo>CTe</modelo><CNPJ_emit>${A.cnpj}</CNPJ_emit><nNFSubstituta>3</nNFSubstituta><serieSubstituta>1</serieSubstituta></SubstituirDocumento>`;
    const r = await emit(A, UF, 3, substituir);
    expect(r).toMatchObject({ codigo: 109, sitCodigo: '136' });
    expect(r.chave[34]).toBe('4');
    chave.a3 = r.chave;
    expect(await stored(A, 2)).toMatchObject({ docStatus: DOC_STATUS.NECESSITA_INTERACAO, discardRequested: true, substituteNumero: 3, substituteSerie: 1 });

    const e = await h.call([descartarXml(E, 1)], { as: E });
    expect(sit(e.documentos[0]!)).toMatchObject({ SitCodigo: '105', SitDescricao: expect.stringMatching(/^Descarte agendado.*encerrado na numeração deste serviço \(sem inutilização na SEFAZ\)/) });
    expect(e.documentos[0]).toMatchObject({ DocNumero: '1', DocSerie: '1', DocChaAcesso: chave.e1 });
    // Both 108 CT-e still show "necessita interação" until the discard job settles them.
    expect(await docStatus(A, chave.a2!)).toBe('4');
    expect(await docStatus(E, chave.e1!)).toBe('4');
  });

  step('step 7 — recovery: after the simulator reset the probe sees 107 → both CT-e scopes normal', async () => {
    t0 = Date.now();
    expect(await probe(new Date(t0 + 4 * MIN))).toEqual({ probed: 2, recovered: 0, stillDown: 2 });
    const reset = await adminRequest(h.sim.httpsUrl, 'POST', '/__admin/reset', undefined, h.sim.ca.certPem);
    expect(reset.status).toBe(200);
    expect(await probe(new Date(t0 + 8 * MIN))).toEqual({ probed: 2, recovered: 2, stillDown: 0 });
    expect([await scopeState(UF), await scopeState(UF_E)]).toEqual(['normal', 'normal']);
    // Nothing settled yet: the follow-up jobs have not run.
    expect([await docStatus(A, chave.a2!), await docStatus(B, chave.b1!), await docStatus(D, chave.d1!), await docStatus(E, chave.e1!)]).toEqual(['4', '10', '1', '4']);
  });

  step('step 8a — EPEC reconciliation at SEFAZ RS, same keys: two CT-e 136 → 100 (DocStatus 2), one rejected (3), all seen by consulta', async () => {
    // SEFAZ rejects the first CT-e the reconciliation sends.
    h.sim.faults.add({ authorizer: UF, service: 'CTeRecepcaoSincV4', mode: 'reject', cStat: '999', times: 1 });
    const summary = await reconcileContingencyDocuments(rig.run(new Date(t0 + 8 * MIN)));
    expect(summary).toMatchObject({ sent: 3, authorised: 2, rejected: 1 });
    const epec = [[B, chave.b1!], [B, chave.b2!], [A, chave.a3!]] as const;
    const seen = [];
    for (const [c, key] of epec) {
      const d = await consulta(c, key);
      expect(d.DocChaAcesso).toBe(key);
      seen.push(`${String(d.DocStatus)}/${String(d.DocSitCodigo)}`);
      const atSefaz = h.sim.state.getDocument(key, '2');
      if (d.DocStatus === '2') expect(atSefaz).toMatchObject({ authorizer: UF, status: 'authorized' });
      else expect(atSefaz).toBeUndefined();
    }
    expect(seen.sort()).toEqual(['2/100', '2/100', '3/999']);
  });

  step('step 8b — discard, both fates: A\'s authorised CT-e 2 → cancelled 110111 (5); E\'s CT-e 1 unknown to SEFAZ → 217 twice → closed locally without inutilização (6)', async () => {
    const run = (at: number) => runDiscards(rig.run(new Date(t0 + at), { unknownFateWaitMs: UNKNOWN_FATE_WAIT }));

    expect(await run(8 * MIN)).toMatchObject({ consulted: 2, cancelled: 1, retryLater: 1, voided: 0, manual: 0 });
    expect(await stored(A, 2)).toMatchObject({ docStatus: DOC_STATUS.CANCELADO, discardState: DISCARD_STATE.cancelled });
    expect(await consulta(A, chave.a2!)).toMatchObject({ DocStatus: '5', DocSitCodigo: '101' });
    expect(h.sim.state.getDocument(chave.a2!, '2')).toMatchObject({ status: 'cancelled' });
    expect(h.sim.state.eventsOf(chave.a2!, '2', '110111')).toHaveLength(1);
    expect(await stored(E, 1)).toMatchObject({ docStatus: DOC_STATUS.NECESSITA_INTERACAO, discardState: DISCARD_STATE.notFoundOnce });

    // Second pass, after the back-off: the 217 is confirmed and the number closed in the gateway's
    // numbering (no inutilização in CT-e 4.00: nothing sent to SEFAZ).
    expect(await run(10 * MIN)).toMatchObject({ consulted: 1, voided: 1, cancelled: 0, manual: 0 });
    expect(await stored(E, 1)).toMatchObject({ docStatus: DOC_STATUS.INUTILIZADO, cStat: '102', discardState: DISCARD_STATE.released });
    const closed = await consulta(E, chave.e1!);
    expect(closed).toMatchObject({ DocStatus: '6', DocSitCodigo: '102' });
    expect(String(closed.DocSitDescricao)).toMatch(/^CT-e sem serviço de inutilização na SEFAZ: número 1 da série 1/);
    expect(h.sim.state.inutilizacoesOverlapping('2', E.cnpj, '57', 1, 1, 1)).toEqual([]);
    expect(h.sim.state.getDocument(chave.e1!, '2')).toBeUndefined();

    // Asked again, DescartarDocumento answers with the settled result: 101 / 102, each saying how.
    expect(sit((await h.call([descartarXml(A, 2)], { as: A })).documentos[0]!)).toMatchObject({ SitCodigo: '101', SitDescricao: 'Cancelamento de CT-e homologado' });
    expect(sit((await h.call([descartarXml(E, 1)], { as: E })).documentos[0]!)).toMatchObject({ SitCodigo: '102', SitDescricao: expect.stringMatching(/^CT-e sem serviço de inutilização na SEFAZ/) });
  });

  step('step 8c — pending retry: D\'s 105 CT-e is sent → 100, DocStatus 2', async () => {
    const summary = await retryPendingDocuments(rig.run(new Date(t0 + 10 * MIN)));
    expect(summary).toMatchObject({ tried: 1, settled: 1, stillPending: 0, gaveUp: 0 });
    expect(await consulta(D, chave.d1!)).toMatchObject({ DocStatus: '2', DocSitCodigo: '100', DocChaAcesso: chave.d1 });
    expect(h.sim.state.getDocument(chave.d1!, '2')).toMatchObject({ authorizer: UF, status: 'authorized' });
  });

  step('step 9 — no CT-e number authorised twice; every CT-e definitive and matching the simulator', async () => {
    const twice = h.sim.state.db.prepare(`SELECT cnpj, serie, nNF, COUNT(*) AS n FROM documents WHERE tpAmb = '2' AND mod = '57' GROUP BY cnpj, serie, nNF HAVING n > 1`).all();
    expect(twice).toEqual([]);
    const picture: string[] = [];
    for (const [name, c] of Object.entries({ A, B, C, D, E })) {
      for (const d of await h.store.queryDocuments(c.company.id, {})) {
        picture.push(`${name} ${d.model}/${d.serie}/${d.numero} → ${d.docStatus}`);
        const atSefaz = d.chave ? h.sim.state.getDocument(d.chave, '2') : undefined;
        if (d.docStatus === DOC_STATUS.AUTORIZADO || d.docStatus === DOC_STATUS.CONTINGENCIA_SVC) {
          expect(atSefaz).toMatchObject({ status: 'authorized', nProt: d.nProt, nNF: d.numero });
        } else if (d.docStatus === DOC_STATUS.CANCELADO) {
          expect(atSefaz).toMatchObject({ status: 'cancelled', nNF: d.numero });
        } else {
          expect(atSefaz).toBeUndefined();
        }
      }
    }
    const rejectedEpec = (await stored(B, 1)).docStatus === DOC_STATUS.REJEITADO ? 'B 57/1/1' : (await stored(B, 2)).docStatus === DOC_STATUS.REJEITADO ? 'B 57/1/2' : 'A 57/1/3';
    const expected = ['A 57/1/1 → 2', 'A 57/1/2 → 5', 'A 57/1/3 → 2', 'B 57/1/1 → 2', 'B 57/1/2 → 2', 'C 57/1/1 → 15', 'D 57/1/1 → 2', 'E 57/1/1 → 6']
      .map((l) => (l.startsWith(`${rejectedEpec} `) ? `${rejectedEpec} → 3` : l));
    expect(picture.sort()).toEqual(expected.sort());
  });
});
