// The destinatário's manifestação through SOAP (issue 15 §2): another company of ours authorises an
// NF-e (through the simulator) whose destinatário is this company; this company's ERP sends the four
// events by ChaAcesso; they go to the Ambiente Nacional (cOrgao 91, author = the destinatário), are
// stored and answered in InvoiCy's event reply. Then the refusals (575, 655, 596 with the simulator's
// clock moved, 210240 without xJust before sending) and the automatic ciência (sent once, never twice).
import { CompanyContext } from '../../src/emission/context';
import { formatDateTime } from '../../src/fiscal/datetime';
import { autoCiencia, type ResNFeFacts } from '../../src/emission/manifestacao/auto-ciencia';
import { receivedNfe } from '../../src/emission/manifestacao/received';
import type { ManifestacaoRegistered } from '../../src/simulator/context';
import { startHarness, SCHEMAS_DIR, type Harness, type ReplyDocument, type TestCompany } from '../support/harness';
import { simpleNfe } from '../support/samples';
import { decodeB64, ourVerify } from '../support/checks';
import { eventoXml } from './event-support';
import { consultaByKey, sit } from './jobs-support';

const DAY = 86_400_000;
let h: Harness;
let simShiftMs = 0;
let gatewayShiftMs = 0;
const heard: ManifestacaoRegistered[] = [];
beforeAll(async () => {
  h = await startHarness({
    clock: () => new Date(Date.now() + gatewayShiftMs),
    simulatorClock: () => new Date(Date.now() + simShiftMs),
    simulatorListeners: { manifestacaoRegistered: (e) => heard.push(e) },
  });
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  simShiftMs = 0;
  gatewayShiftMs = 0;
  h.sim.faults.reset();
});

let nNF = 100;
/** An NF-e of `emitter` (default: the harness's main company) authorised for `dest`; its key. */
async function received(dest: TestCompany, emitter: TestCompany = h.main, number?: number): Promise<string> {
  nNF += 1;
  const xml = simpleNfe({ cnpj: emitter.cnpj, nNF: number ?? nNF }).replace(/<CNPJ_dest>\d+<\/CNPJ_dest>/, `<CNPJ_dest>${dest.cnpj}</CNPJ_dest>`);
  const d = (await h.call([xml], { as: emitter })).documentos[0]!;
  if (sit(d).SitCodigo !== '100') throw new Error(`NF-e ${nNF} não autorizada: ${JSON.stringify(sit(d))}`);
  return String(d.DocChaAcesso);
}

const DETS: Record<string, string> = {
  '210200': '<EveDesc>Confirmacao da Operacao</EveDesc>',
  '210210': '<EveDesc>Ciencia da Operacao</EveDesc>',
  '210220': '<EveDesc>Desconhecimento da Operacao</EveDesc>',
  '210240': '<EveDesc>Operacao nao Realizada</EveDesc><EvexJust>mercadoria devolvida antes da entrega</EvexJust>',
};

async function manifest(dest: TestCompany, chave: string, tp: string, o: { seq?: number; det?: string } = {}): Promise<ReplyDocument> {
  const reply = await h.call([eventoXml(dest.cnpj, { chave, tp, seq: o.seq, det: o.det ?? DETS[tp]! })], { as: dest });
  return reply.documentos[0]!;
}

function contextOf(c: TestCompany): CompanyContext {
  return new CompanyContext({ store: h.store, sefaz: h.sefaz, schemasDir: SCHEMAS_DIR, verProc: 'teste', clock: () => new Date(Date.now() + gatewayShiftMs) }, c.company);
}

describe('the four events, by the destinatário, at the Ambiente Nacional', () => {
  test.each(['210200', '210210', '210220', '210240'])('%s → 135, stored, answered with the procEventoNFe', async (tp) => {
    const dest = await h.addCompany();
    const chave = await received(dest);
    const d = await manifest(dest, chave, tp);
    expect(sit(d)).toMatchObject({ SitCodigo: '135' });
    expect(d).toMatchObject({ DocEveTp: tp, DocEvenSeq: '1', DocEveId: `${tp}${chave}1`, DocChaAcesso: chave, DocNumero: String(nNF), DocSerie: String(Number(chave.slice(22, 25))) });
    expect(String(d.DocProtocolo)).toMatch(/^891\d{12}$/); // an AN protocol
    const proc = decodeB64(d.DocXMLBase64);
    expect(proc).toMatch(/<procEventoNFe/);
    expect(proc).toContain('<cOrgao>91</cOrgao>');
    expect(proc).toContain(`<CNPJ>${dest.cnpj}</CNPJ><chNFe>${chave}</chNFe>`);
    const signed = /<evento[\s>][\s\S]*<\/evento>/.exec(proc)![0];
    expect(ourVerify(signed, h.sim.ca.certPem, 'infEvento')).toMatchObject({ ok: true });
    // Stored on the destinatário's reference row, outside its numbering.
    const row = await h.store.findDocumentByChave(dest.company.id, chave);
    expect(row).toMatchObject({ model: '55', docStatus: 2 });
    const events = await h.store.listEvents(dest.company.id, row!.id);
    expect(events).toEqual([expect.objectContaining({ tpEvento: tp, nSeq: 1, status: 'registered', cStat: '135', nProt: d.DocProtocolo })]);
    expect(await h.store.peekSequence({ companyId: dest.company.id, tpAmb: '2', model: '55', serie: 1 })).toBe(1);
    // The simulator tells its listener (the DF-e distribution lists).
    expect(heard).toContainEqual({ tpAmb: '2', chave, destDoc: dest.cnpj, tpEvento: tp, procEventoXml: expect.stringContaining(`<chNFe>${chave}</chNFe>`) });
  });

  test('a conclusive event twice with EvenSeq 2 (Ajuste SINIEF 43/23); a resend gets the stored answer; EvenSeq 3 is 594 before sending', async () => {
    const dest = await h.addCompany();
    const chave = await received(dest);
    const first = await manifest(dest, chave, '210200');
    expect(sit(first).SitCodigo).toBe('135');
    const second = await manifest(dest, chave, '210200', { seq: 2 });
    expect([sit(second).SitCodigo, second.DocEvenSeq]).toEqual(['135', '2']);
    h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'reject', cStat: '999', times: 1 });
    const resent = await manifest(dest, chave, '210200');
    expect([sit(resent).SitCodigo, resent.DocEvenSeq, resent.DocProtocolo]).toEqual(['135', '1', first.DocProtocolo]);
    expect(sit(await manifest(dest, chave, '210200', { seq: 3 }))).toMatchObject({ SitCodigo: '594', SitDescricao: expect.stringMatching(/permitido de 1 a 2/) });
    expect(h.sim.faults.list()).toHaveLength(1);
    expect(heard.filter((e) => e.chave === chave)).toHaveLength(2);
  });

  test('the destinatário\'s own numbers are untouched by a received NF-e of the same série and number', async () => {
    const dest = await h.addCompany();
    const chave = await received(dest, await h.addCompany(), 1);
    expect(sit(await manifest(dest, chave, '210210')).SitCodigo).toBe('135');
    const own = (await h.call([simpleNfe({ cnpj: dest.cnpj, nNF: null })], { as: dest })).documentos[0]!;
    expect([sit(own).SitCodigo, own.DocNumero, own.DocSerie]).toEqual(['100', '1', chave.slice(22, 25)]);
    const byNumber = await h.store.findDocumentByNumber(dest.company.id, '2', '55', Number(chave.slice(22, 25)), 1);
    expect(byNumber?.chave).toBe(own.DocChaAcesso);
    // The Consulta of the company's own documents leaves the received NF-e out.
    expect(await consultaByKey(h, dest, chave)).toMatchObject({ DocSitCodigo: '117' });
    const today = formatDateTime(new Date(), '-03:00').slice(0, 10); // the company's (RS) date
    const byDate = `<Consulta><ModeloDocumento>NFe</ModeloDocumento><Versao>4.00</Versao><tpAmb>2</tpAmb><CnpjEmissor>${dest.cnpj}</CnpjEmissor>` +
      `<DataInclusaoInicial>${today}</DataInclusaoInicial><DataInclusaoFinal>${today}</DataInclusaoFinal></Consulta>`;
    expect((await h.call([byDate], { as: dest })).documentos.map((d) => d.DocChaAcesso)).toEqual([own.DocChaAcesso]);
  });
});

describe('refusals', () => {
  test('575: the company is not the NF-e\'s destinatário (SEFAZ\'s answer, stored as rejected)', async () => {
    const dest = await h.addCompany();
    const other = await h.addCompany();
    const chave = await received(dest);
    const d = await manifest(other, chave, '210210');
    expect(sit(d)).toMatchObject({ SitCodigo: '575', SitDescricao: expect.stringMatching(/destinatário/) });
    const row = await h.store.findDocumentByChave(other.company.id, chave);
    expect((await h.store.listEvents(other.company.id, row!.id))[0]).toMatchObject({ status: 'rejected', cStat: '575' });
  });

  test('655: ciência after the confirmação, refused before sending', async () => {
    const dest = await h.addCompany();
    const chave = await received(dest);
    expect(sit(await manifest(dest, chave, '210200')).SitCodigo).toBe('135');
    h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'reject', cStat: '999', times: 1 });
    const d = await manifest(dest, chave, '210210');
    expect(sit(d)).toMatchObject({ SitCodigo: '655', SitDescricao: expect.stringMatching(/após a manifestação conclusiva.*210200/) });
    expect(h.sim.faults.list()).toHaveLength(1);
  });

  test('655 from SEFAZ when the conclusive event was registered by another system', async () => {
    const dest = await h.addCompany();
    const chave = await received(dest);
    h.sim.state.insertEvent({
      tpAmb: '2', chave, tpEvento: '210220', nSeqEvento: 1, nProt: '891260000000001', dhRegEvento: new Date().toISOString(), procXml: '<procEventoNFe/>', createdAtMs: Date.now(),
    });
    const d = await manifest(dest, chave, '210210');
    expect(sit(d)).toMatchObject({ SitCodigo: '655', SitDescricao: expect.stringMatching(/após a manifestação final/) });
  });

  test('596: ciência 11 days after the authorisation (the simulator\'s clock moved)', async () => {
    const dest = await h.addCompany();
    const chave = await received(dest);
    simShiftMs = 11 * DAY;
    expect(sit(await manifest(dest, chave, '210210'))).toMatchObject({ SitCodigo: '596' });
    // A conclusive event still has 180 days.
    expect(sit(await manifest(dest, chave, '210200')).SitCodigo).toBe('135');
  });

  test('210240 without xJust: a clear layout message, nothing sent', async () => {
    const dest = await h.addCompany();
    const chave = await received(dest);
    h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'reject', cStat: '999', times: 1 });
    const d = await manifest(dest, chave, '210240', { det: '<EveDesc>Operacao nao Realizada</EveDesc>' });
    expect(sit(d)).toMatchObject({ SitCodigo: '145', SitDescricao: expect.stringMatching(/EvexJust.*15 a 255.*Operação não Realizada \(210240\) exige a justificativa/) });
    expect(h.sim.faults.list()).toHaveLength(1);
    expect(await h.store.findDocumentByChave(dest.company.id, chave)).toBeUndefined();
  });

  test('a key that is not an NF-e\'s', async () => {
    const dest = await h.addCompany();
    const d = await manifest(dest, '43250312345678000195650010000000011000000010', '210210');
    expect(sit(d)).toMatchObject({ SitCodigo: '145', SitDescricao: expect.stringMatching(/não é a chave de acesso de uma NF-e/) });
  });
});

describe('autoCiencia', () => {
  async function facts(dest: TestCompany, o: Partial<ResNFeFacts> = {}): Promise<ResNFeFacts> {
    return { chNFe: await received(dest), cSitNFe: '1', dhRecbto: new Date(Date.now() - 60_000), ...o };
  }

  async function optIn(c: TestCompany): Promise<void> {
    c.company = (await h.store.updateCompany(c.company.id, { autoCiencia: true }))!;
  }

  test('sends the ciência once and never twice; the Ambiente Nacional then releases the full nfeProc', async () => {
    const dest = await h.addCompany();
    await optIn(dest);
    const res = await facts(dest);
    const nsus = () => h.sim.dfe.position({ doc: dest.cnpj }).maxNSU;
    const summaries = nsus(); // the resNFe
    const first = await autoCiencia(contextOf(dest), res);
    expect(first).toMatchObject({ sent: true, event: { tpEvento: '210210', nSeq: 1, status: 'registered', cStat: '135' } });
    expect(nsus()).toBe(summaries + 1);
    expect(heard.filter((e) => e.chave === res.chNFe)).toEqual([expect.objectContaining({ tpEvento: '210210', destDoc: dest.cnpj })]);
    expect(await autoCiencia(contextOf(dest), res)).toEqual({ sent: false, reason: 'ja-manifestada' });
    const row = await h.store.findDocumentByChave(dest.company.id, res.chNFe);
    expect(row?.dhAut).toEqual(res.dhRecbto);
    expect(await h.store.listEvents(dest.company.id, row!.id)).toHaveLength(1);
    // The ERP's own ciência for the same NF-e is answered with the stored one (nothing sent again).
    const erp = await manifest(dest, res.chNFe, '210210');
    expect([sit(erp).SitCodigo, erp.DocEvenSeq]).toEqual(['135', '1']);
    expect(heard.filter((e) => e.chave === res.chNFe)).toHaveLength(1);
    expect(nsus()).toBe(summaries + 1);
  });

  test('concurrent calls for one resNFe send one ciência', async () => {
    const dest = await h.addCompany();
    await optIn(dest);
    const res = await facts(dest);
    const outcomes = await Promise.all([autoCiencia(contextOf(dest), res), autoCiencia(contextOf(dest), res)]);
    expect(outcomes.filter((o) => o.sent)).toHaveLength(1);
    expect(heard.filter((e) => e.chave === res.chNFe)).toHaveLength(1);
  });

  test('not for a company that did not opt in, a denied or cancelled NF-e, after 10 days, or after the ERP manifested', async () => {
    const off = await h.addCompany();
    expect(await autoCiencia(contextOf(off), await facts(off))).toEqual({ sent: false, reason: 'desligada' });
    const dest = await h.addCompany();
    await optIn(dest);
    expect(await autoCiencia(contextOf(dest), await facts(dest, { cSitNFe: '3' }))).toEqual({ sent: false, reason: 'nfe-nao-autorizada' });
    const late = await facts(dest);
    gatewayShiftMs = 10 * DAY + 60_000;
    expect(await autoCiencia(contextOf(dest), late)).toEqual({ sent: false, reason: 'fora-do-prazo' });
    gatewayShiftMs = 0;
    const confirmed = await facts(dest);
    expect(sit(await manifest(dest, confirmed.chNFe, '210200')).SitCodigo).toBe('135');
    expect(await autoCiencia(contextOf(dest), confirmed)).toEqual({ sent: false, reason: 'ja-manifestada' });
    expect(heard.filter((e) => [late.chNFe, confirmed.chNFe].includes(e.chave)).map((e) => e.tpEvento)).toEqual(['210200']);
  });

  test('the authorisation known from the resNFe: the ERP\'s ciência after 10 days is refused before sending (596)', async () => {
    const dest = await h.addCompany();
    const chave = await received(dest);
    await receivedNfe(contextOf(dest), chave, { dhAut: new Date(Date.now() - 11 * DAY) });
    h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'reject', cStat: '999', times: 1 });
    const d = await manifest(dest, chave, '210210');
    expect(sit(d)).toMatchObject({ SitCodigo: '596', SitDescricao: expect.stringMatching(/Ciencia da Operacao até 10 dias após a autorização/) });
    expect(h.sim.faults.list()).toHaveLength(1);
  });
});
