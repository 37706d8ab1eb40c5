// CT-e routing while its scope is in contingency, over SOAP against the simulator: the SVC serving the
// UF (cte.md §4.1: SVC-RS for MT/MS/PE, tpEmis 7) answering 114 to the status service, or announcing
// its end with 113 (still authorising; the CT-e's cancel then goes to that SVC), or switched off after
// its status was cached (it refuses the CT-e itself with 114); CTE_SVC_MAP moving a UF to the other
// SVC; a CT-e that can have neither SVC nor EPEC.
// Each test has its own company and UF (the SVC status is cached per UF for 3 min).
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { cteFor } from '../support/cte';
import { decodeB64 } from '../support/checks';
import { parseCteQrCode } from '../../src/fiscal/cte-qrcode';
import { verifyQrSign } from '../../src/signing/qr-sign';
import { formatDateTime } from '../../src/fiscal/datetime';
import { ufOffset } from '../../src/fiscal/ufs';
import type { ContingencyOption } from '../../src/store/port';
import { setOptions, setScope, sit } from './jobs-support';

let h: Harness;
beforeAll(async () => {
  // AP's CT-e would go to SVC-RS by the shipped table: CTE_SVC_MAP sends it to SVC-SP.
  h = await startHarness({ cteSvcMap: { AP: 'SVCSP' } });
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

/** A company of the UF with these CT-e options, its CT-e scope in contingency. */
async function companyIn(uf: string, options: ContingencyOption[]): Promise<TestCompany> {
  const c = await h.addCompany({ uf });
  await setOptions(h, c, options, '57');
  await setScope(h, uf, 'contingency', '57');
  return c;
}

/** The qrCodCTe of a CT-e, read back (its `&` are escaped in the XML). */
function qrOf(xml: string) {
  return parseCteQrCode((/<qrCodCTe>([^<]+)<\/qrCodCTe>/.exec(xml)?.[1] ?? '').replace(/&amp;/g, '&'));
}

/** InvoiCy's CT-e cancel (EnvioEvento, Eventos/Layouts/CTe 4.00) of CT-e n, série 1, dated now in the UF. */
function cancelXml(c: TestCompany, n: number, uf: string): string {
  const offset = ufOffset(uf);
  return `<EnvioEvento><ModeloDocumento>CTe</ModeloDocumento><Versao>4.00</Versao><Evento><CteCnpjEmissor>${c.cnpj}</CteCnpjEmissor>` +
    `<CteNumero>${n}</CteNumero><CteSerie>1</CteSerie><tpAmb>2</tpAmb><EveInf><EveDh>${formatDateTime(new Date(), offset).slice(0, 19)}</EveDh>` +
    `<EveFusoHorario>${offset}</EveFusoHorario><EveTp>110111</EveTp><EvenSeq>1</EvenSeq>` +
    `<Evedet><EveDesc>Cancelamento</EveDesc><EvexJust>cancelamento do CT-e autorizado em contingência</EvexJust></Evedet></EveInf></Evento></EnvioEvento>`;
}

async function emit(c: TestCompany, xml: string) {
  const reply = await h.call([xml], { as: c });
  const d = reply.documentos[0]!;
  return { codigo: reply.messages[0]!.codigo, ...sit(d), chave: String(d.DocChaAcesso), xml: d.DocXMLBase64 ? decodeB64(String(d.DocXMLBase64)) : '' };
}

test('SVC-RS answering 114 to the status service: the CT-e falls to the next option (EPEC → 109/136, tpEmis 4), nothing sent for authorisation to the SVC', async () => {
  const uf = 'PE';
  const c = await companyIn(uf, ['SVC', 'EPEC', 'NONE']);
  h.sim.state.setSvcActive(uf, '2', false);
  try {
    const r = await emit(c, cteFor(c, uf, 1));
    expect(r).toMatchObject({ codigo: 109, SitCodigo: '136' });
    expect(r.chave[34]).toBe('4');
    expect(h.sim.state.findByNumber('2', c.cnpj, '57', 1, 1)).toBeUndefined();
    expect(h.sim.state.eventsOf(r.chave, '2', '110113')).toHaveLength(1);
  } finally {
    h.sim.state.setSvcActive(uf, '2', true);
  }
});

test('SVC-RS announcing its end (113) still authorises: 109/100, tpEmis 7, dhCont/xJust, DocStatus 15; its cancel goes to SVC-RS', async () => {
  const uf = 'MT';
  const c = await companyIn(uf, ['SVC', 'NONE']);
  h.sim.state.setSvcDeactivation(uf, '2', Date.now() + 60 * 60_000);
  try {
    const r = await emit(c, cteFor(c, uf, 1));
    expect(r).toMatchObject({ codigo: 109, SitCodigo: '100' });
    expect(r.chave[34]).toBe('7');
    expect(h.sim.state.getDocument(r.chave, '2')).toMatchObject({ authorizer: 'SVCRS', status: 'authorized' });
    expect(r.xml).toMatch(/<tpEmis>7<\/tpEmis>/);
    expect(r.xml).toMatch(/<dhCont>[^<]+<\/dhCont><xJust>[^<]{15,}<\/xJust>/);
    // An SVC CT-e is authorised on line: its QR code carries no signature.
    const qr = qrOf(r.xml);
    expect(qr).toMatchObject({ chave: r.chave, tpAmb: '2' });
    expect(qr?.sign).toBeUndefined();

    // Its events go to the SVC that holds it: a cancel through EnvioEvento → 135 at SVC-RS.
    const cancel = await h.call([cancelXml(c, 1, uf)], { as: c });
    expect(sit(cancel.documentos[0]!)).toMatchObject({ SitCodigo: '135' });
    expect(h.sim.state.getDocument(r.chave, '2')).toMatchObject({ authorizer: 'SVCRS', status: 'cancelled' });
  } finally {
    h.sim.state.setSvcDeactivation(uf, '2', undefined);
  }
});

test('SVC-RS switched off by the origin UF while its 107 is cached refuses the CT-e with 114: the same number goes to EPEC at SVC-RS → 109/136, tpEmis 4, signed QR code', async () => {
  const uf = 'MS';
  const c = await companyIn(uf, ['SVC', 'EPEC', 'NONE']);
  // The first CT-e caches SVC-RS's 107 for the UF; then the origin UF switches its SVC off.
  expect(await emit(c, cteFor(c, uf, 1))).toMatchObject({ codigo: 109, SitCodigo: '100' });
  h.sim.state.setSvcActive(uf, '2', false);
  try {
    const r = await emit(c, cteFor(c, uf, 2));
    expect(r).toMatchObject({ codigo: 109, SitCodigo: '136' });
    expect(r.chave[34]).toBe('4');
    // Registered, not authorised: the reply carries no XML; SVC-RS authorised nothing for number 2.
    expect(r.xml).toBe('');
    expect(h.sim.state.findByNumber('2', c.cnpj, '57', 1, 2)).toBeUndefined();
    expect(h.sim.state.eventsOf(r.chave, '2', '110113')).toHaveLength(1);
    const doc = (await h.store.findDocumentByNumber(c.company.id, '2', '57', 1, 2))!;
    expect(doc).toMatchObject({ docStatus: 10, tpEmis: '4', chave: r.chave });
    // Printed before any authorisation: the QR code signs the key with the emitter's certificate.
    const { xmlSigned } = (await h.store.getDocumentXml(c.company.id, doc.id, ['xmlSigned']))!;
    const qr = qrOf(xmlSigned ?? '');
    expect(qr?.chave).toBe(r.chave);
    const { certPem } = (await h.store.getActiveCertificate(c.company.id))!;
    expect(verifyQrSign(r.chave, qr?.sign ?? '', certPem)).toBe(true);
  } finally {
    h.sim.state.setSvcActive(uf, '2', true);
  }
});

test('a complemento CT-e (tpCTe 1) has neither SVC (517) nor EPEC: 109/105 with its tpEmis 1 key, nothing sent', async () => {
  const uf = 'RR';
  const c = await companyIn(uf, ['SVC', 'EPEC', 'NONE']);
  const r = await emit(c, cteFor(c, uf, 1).replace(/<tpCTe>0<\/tpCTe>/, '<tpCTe>1</tpCTe>'));
  expect(r).toMatchObject({ codigo: 109, SitCodigo: '105' });
  expect(r.chave[34]).toBe('1');
  // Neither route was attempted: no event row, nothing re-keyed, nothing at SVC-RS.
  const doc = (await h.store.findDocumentByNumber(c.company.id, '2', '57', 1, 1))!;
  expect(doc).toMatchObject({ tpEmis: '1', previousChaves: [] });
  expect(await h.store.listEvents(c.company.id, doc.id)).toEqual([]);
  expect(h.sim.state.findByNumber('2', c.cnpj, '57', 1, 1)).toBeUndefined();
});

test('CTE_SVC_MAP overrides the UF → SVC table: an AP CT-e asks SVC-SP (not SVC-RS) for its status, and its EPEC goes to SVC-SP', async () => {
  const uf = 'AP';
  // Each SVC's status service fails once: only the one asked loses its fault (then: not active → NONE).
  const svcCompany = await companyIn(uf, ['SVC', 'NONE']);
  h.sim.faults.add({ authorizer: 'SVCSP', service: 'CTeStatusServicoV4', mode: 'down', times: 1 });
  h.sim.faults.add({ authorizer: 'SVCRS', service: 'CTeStatusServicoV4', mode: 'down', times: 1 });
  const r = await emit(svcCompany, cteFor(svcCompany, uf, 1));
  expect(r).toMatchObject({ codigo: 109, SitCodigo: '105' });
  expect(h.sim.faults.list().map((f) => f.authorizer)).toEqual(['SVCRS']);
  h.sim.faults.reset();

  // SVC-RS cannot take the event: the 136 can only come from SVC-SP (cOrgao 35).
  const epecCompany = await companyIn(uf, ['EPEC', 'NONE']);
  h.sim.faults.add({ authorizer: 'SVCRS', service: 'CTeRecepcaoEventoV4', mode: 'down' });
  const e = await emit(epecCompany, cteFor(epecCompany, uf, 1));
  expect(e).toMatchObject({ codigo: 109, SitCodigo: '136' });
  expect(h.sim.state.eventsOf(e.chave, '2', '110113')).toHaveLength(1);
});
