// Routing while a scope is in contingency, over SOAP against the simulator: the detecting document
// (108/108, status 4), then per company option SVC (109/100, tpEmis 6/7, status 15), EPEC (109/136,
// status 10), NONE (109/105, status 1), SVC switched off → EPEC, NFC-e off-line (status 11, off-line
// QR); the focus transition mode; SubstituirDocumento and DescartarDocumento marking for discard.
import { startHarness, type CallReply, type Harness, type TestCompany } from '../support/harness';
import { inUf, simpleNfe, simpleNfce } from '../support/samples';
import { decodeB64, ourVerify } from '../support/checks';
import { adminRequest } from '../../src/simulator/admin-client';
import { parseQrCodeV2, verifyQrHashV2 } from '../../src/fiscal/qrcode';
import type { ContingencyOption, DocModel } from '../../src/store/port';
import { setScope } from './jobs-support';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

const sit = (d: Record<string, unknown>) => d.Situacao as { SitCodigo: string; SitDescricao: string };

async function company(uf: string, model: DocModel, options: ContingencyOption[], extra: { transitionMode?: 'invoicy' | 'focus'; transitionSerie?: number } = {}): Promise<TestCompany> {
  const c = await h.addCompany({ uf });
  await h.store.updateCompany(c.company.id, { contingency: { [model]: { options, transitionMode: extra.transitionMode ?? 'invoicy', ...extra } } });
  return c;
}

function consulta(cnpj: string, chave: string, modelo = 'NFe'): string {
  return `<Consulta><ModeloDocumento>${modelo}</ModeloDocumento><Versao>4.00</Versao><tpAmb>2</tpAmb><CnpjEmissor>${cnpj}</CnpjEmissor><ChaveAcesso>${chave}</ChaveAcesso></Consulta>`;
}

async function docStatusByConsulta(c: TestCompany, chave: string, modelo = 'NFe'): Promise<string> {
  const reply = await h.call([consulta(c.cnpj, chave, modelo)], { as: c });
  return String(reply.documentos[0]!.DocStatus);
}

function descartar(cnpj: string, numero: number, serie: number, substituta?: { numero: number; serie: number }, modelo = 'NFe'): string {
  const sub = substituta ? `<NumeroSubstituta>${substituta.numero}</NumeroSubstituta><SerieSubstituta>${substituta.serie}</SerieSubstituta>` : '';
  return `<DescartarDocumento><ModeloDocumento>${modelo}</ModeloDocumento><tpAmb>2</tpAmb><CNPJ_emit>${cnpj}</CNPJ_emit><Numero>${numero}</Numero><Serie>${serie}</Serie>${sub}</DescartarDocumento>`;
}

describe('RS NF-e outage', () => {
  /**
   * NF-e 1 of a new company meets an RS outage (lost reply, status service down) while the RS scope
   * is normal: the document that detects it. Each test that needs one makes its own, in any order.
   */
  async function detectOutage(): Promise<{ detecting: TestCompany; reply: CallReply }> {
    const detecting = await h.addCompany();
    await setScope(h, 'RS', 'normal');
    h.sim.faults.add({ authorizer: 'RS', service: 'NFeAutorizacao4', mode: 'lose-response', times: 1 });
    h.sim.faults.add({ authorizer: 'RS', service: 'NFeStatusServico4', mode: 'down', times: 1 });
    const reply = await h.call([simpleNfe({ cnpj: detecting.cnpj, nNF: 1, serie: 1 })], { as: detecting });
    return { detecting, reply };
  }

  test('the detecting document gets 108/108 and status 4, and the scope enters contingency', async () => {
    const { detecting, reply } = await detectOutage();
    expect(reply.messages[0]!.codigo).toBe(108);
    expect(sit(reply.documentos[0]!).SitCodigo).toBe('108');
    expect((await h.store.findDocumentByNumber(detecting.company.id, '2', '55', 1, 1))?.docStatus).toBe(4);
    expect((await h.store.getContingency({ tpAmb: '2', uf: 'RS', model: '55' }))?.state).toBe('contingency');
  });

  test('[SVC] → 109/100 through SVC-AN (tpEmis 6), DocStatus 15 in consulta', async () => {
    const c = await company('RS', '55', ['SVC']);
    await setScope(h, 'RS', 'contingency');
    const reply = await h.call([simpleNfe({ cnpj: c.cnpj, nNF: 7, serie: 1 })], { as: c });
    expect(reply.messages[0]!.codigo).toBe(109);
    const d = reply.documentos[0]!;
    expect(sit(d).SitCodigo).toBe('100');
    const chave = String(d.DocChaAcesso);
    expect(chave[34]).toBe('6');
    expect(decodeB64(d.DocXMLBase64)).toMatch(/<nfeProc.*<tpEmis>6<\/tpEmis>.*<dhCont>.*<xJust>SEFAZ indisponível - emissão em contingência<\/xJust>/);
    expect(await docStatusByConsulta(c, chave)).toBe('15');
    expect(h.sim.state.getDocument(chave, '2')).toMatchObject({ authorizer: 'SVCAN', status: 'authorized' });
    // An idempotent resend of that number gets the stored answer again, still as 109/100.
    const again = await h.call([simpleNfe({ cnpj: c.cnpj, nNF: 7, serie: 1 })], { as: c });
    expect(again.messages[0]!.codigo).toBe(109);
    expect(again.documentos[0]).toMatchObject({ DocChaAcesso: chave, DocProtocolo: d.DocProtocolo });
  });

  test('[EPEC] → 109/136, DocStatus 10, the EPEC registered at the Ambiente Nacional', async () => {
    const c = await company('RS', '55', ['EPEC']);
    await setScope(h, 'RS', 'contingency');
    const reply = await h.call([simpleNfe({ cnpj: c.cnpj, nNF: 3, serie: 1 })], { as: c });
    expect(reply.messages[0]!.codigo).toBe(109);
    const d = reply.documentos[0]!;
    expect(sit(d).SitCodigo).toBe('136');
    expect(d.DocXMLBase64 ?? '').toBe('');
    const chave = String(d.DocChaAcesso);
    expect(chave[34]).toBe('4');
    const row = await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 3);
    expect(row).toMatchObject({ docStatus: 10, tpEmis: '4', chave, epecProtocol: expect.stringMatching(/^\d{15}$/) });
    // The stored NF-e is the one reconciliation will send: same key, tpEmis 4.
    expect((await h.store.getDocumentXml(c.company.id, row!.id, ['xmlSigned']))?.xmlSigned).toContain(`Id="NFe${chave}"`);
    expect(await docStatusByConsulta(c, chave)).toBe('10');
    expect(h.sim.state.eventsOf(chave, '2', '110140')).toHaveLength(1);
  });

  test('[NONE] → 109/105, DocStatus 1 with its normal key; DescartarDocumento of it answers 105', async () => {
    const c = await company('RS', '55', ['NONE']);
    await setScope(h, 'RS', 'contingency');
    const reply = await h.call([simpleNfe({ cnpj: c.cnpj, nNF: 4, serie: 1 })], { as: c });
    expect(reply.messages[0]!.codigo).toBe(109);
    const d = reply.documentos[0]!;
    expect(sit(d).SitCodigo).toBe('105');
    expect(String(d.DocChaAcesso)[34]).toBe('1');
    expect(await docStatusByConsulta(c, String(d.DocChaAcesso))).toBe('1');

    const descarte = await h.call([descartar(c.cnpj, 4, 1, { numero: 5, serie: 1 })], { as: c });
    expect(descarte.messages[0]!.codigo).toBe(100);
    const dd = descarte.documentos[0]!;
    expect(sit(dd)).toMatchObject({ SitCodigo: '105', SitDescricao: expect.stringMatching(/^Descarte agendado/) });
    expect(dd).toMatchObject({ DocNumero: '4', DocSerie: '1', DocChaAcesso: d.DocChaAcesso });
    expect(await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 4)).toMatchObject({ discardRequested: true, substituteNumero: 5, substituteSerie: 1 });
  });

  test('SubstituirDocumento in Parametros marks the 108 document; the new Envio is routed (109/100)', async () => {
    const { detecting, reply: detected } = await detectOutage();
    expect(sit(detected.documentos[0]!).SitCodigo).toBe('108');
    const parametros = `<SubstituirDocumento><nNF>1</nNF><serie>1</serie><modelo>NFe</modelo><CNPJ_emit>${detecting.cnpj}</CNPJ_emit><nNFSubstituta>2</nNFSubstituta><serieSubstituta>1</serieSubstituta></SubstituirDocumento>`;
    const reply = await h.call([simpleNfe({ cnpj: detecting.cnpj, nNF: 2, serie: 1 })], { as: detecting, parametros: [parametros] });
    expect(reply.messages[0]!.codigo).toBe(109);
    expect(sit(reply.documentos[0]!).SitCodigo).toBe('100');
    expect(await h.store.findDocumentByNumber(detecting.company.id, '2', '55', 1, 1)).toMatchObject({ docStatus: 4, discardRequested: true, substituteNumero: 2, substituteSerie: 1 });
    // A resend of the discarded number does not settle it by consulta: the discard job owns it.
    const resend = await h.call([simpleNfe({ cnpj: detecting.cnpj, nNF: 1, serie: 1 })], { as: detecting });
    expect(sit(resend.documentos[0]!).SitCodigo).toBe('108');
  });
});

test('[SVC, EPEC] with the SVC switched off for the UF → falls to EPEC (136)', async () => {
  await setScope(h, 'MG', 'contingency');
  const res = await adminRequest(h.sim.httpsUrl, 'POST', '/__admin/svc', { uf: 'MG', active: false }, h.sim.ca.certPem);
  expect(res.status).toBe(200);
  const c = await company('MG', '55', ['SVC', 'EPEC']);
  const reply = await h.call([inUf(simpleNfe({ cnpj: c.cnpj, nNF: 1, serie: 1 }), 'MG')], { as: c });
  expect(reply.messages[0]!.codigo).toBe(109);
  const d = reply.documentos[0]!;
  expect(sit(d).SitCodigo).toBe('136');
  expect(String(d.DocChaAcesso)[34]).toBe('4');
  expect((await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 1))?.docStatus).toBe(10);
});

test('NFC-e [OFFLINE] → 109/100 "off-line", DocStatus 11, signed NFC-e with an off-line QR code', async () => {
  await setScope(h, 'RS', 'contingency', '65');
  const c = await company('RS', '65', ['OFFLINE', 'NONE']);
  const reply = await h.call([simpleNfce({ cnpj: c.cnpj, nNF: 1, serie: 1 })], { as: c });
  expect(reply.messages[0]!.codigo).toBe(109);
  const d = reply.documentos[0]!;
  expect(sit(d)).toMatchObject({ SitCodigo: '100', SitDescricao: expect.stringMatching(/off-line.*transmitida automaticamente/) });
  const chave = String(d.DocChaAcesso);
  expect(chave[34]).toBe('9');
  const xml = decodeB64(d.DocXMLBase64);
  expect(xml).toMatch(/^<NFe[\s>]/);
  expect(xml).toContain('<tpEmis>9</tpEmis>');
  expect(ourVerify(xml, h.sim.ca.certPem).ok).toBe(true);
  const qr = parseQrCodeV2(/<qrCode>([^<]*)<\/qrCode>/.exec(xml)![1]!.replace(/&amp;/g, '&'))!;
  expect(qr).toMatchObject({ chave, offline: true });
  expect(verifyQrHashV2(qr, h.csc.csc)).toBe(true);
  expect(await h.store.findDocumentByNumber(c.company.id, '2', '65', 1, 1)).toMatchObject({ docStatus: 11, tpEmis: '9', stage: 'signed' });
  expect(await docStatusByConsulta(c, chave, 'NFCe')).toBe('11');
});

test('focus mode: the detecting document is re-issued under the reserved série and the original marked for discard', async () => {
  const c = await company('PR', '55', ['SVC'], { transitionMode: 'focus', transitionSerie: 2 });
  h.sim.faults.add({ authorizer: 'PR', service: 'NFeAutorizacao4', mode: 'lose-response', times: 1 });
  h.sim.faults.add({ authorizer: 'PR', service: 'NFeStatusServico4', mode: 'down', times: 1 });
  const reply = await h.call([inUf(simpleNfe({ cnpj: c.cnpj, nNF: 5, serie: 1 }), 'PR')], { as: c });
  expect(reply.messages[0]!.codigo).toBe(109);
  const d = reply.documentos[0]!;
  expect(d).toMatchObject({ DocNumero: '1', DocSerie: '2' });
  expect(sit(d).SitCodigo).toBe('100');
  const chave = String(d.DocChaAcesso);
  expect(chave[34]).toBe('7'); // PR is served by SVC-RS
  expect(h.sim.state.getDocument(chave, '2')).toMatchObject({ authorizer: 'SVCRS', serie: 2, nNF: 1 });
  expect(await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 5)).toMatchObject({ docStatus: 4, discardRequested: true, substituteNumero: 1, substituteSerie: 2 });
  expect((await h.store.findDocumentByNumber(c.company.id, '2', '55', 2, 1))?.docStatus).toBe(15);
});

test('DescartarDocumento: unknown number (or another company\'s) is refused; a cancelled one answers 101', async () => {
  const c = await h.addCompany();
  const other = await h.addCompany();
  await h.call([simpleNfe({ cnpj: other.cnpj, nNF: 40, serie: 3 })], { as: other });
  for (const numero of [39, 40]) {
    const reply = await h.call([descartar(c.cnpj, numero, 3)], { as: c });
    expect(sit(reply.documentos[0]!)).toMatchObject({ SitCodigo: '106', SitDescricao: expect.stringMatching(/não localizado para descarte/) });
  }
  const own = await h.store.insertDocument(c.company.id, { tpAmb: '2', model: '55', serie: 3, numero: 41, docStatus: 5, stage: 'settled', cStat: '101', xMotivo: 'Cancelamento de NF-e homologado' });
  const cancelled = await h.call([descartar(c.cnpj, 41, 3)], { as: c });
  expect(sit(cancelled.documentos[0]!)).toMatchObject({ SitCodigo: '101', SitDescricao: 'Cancelamento de NF-e homologado' });
  expect((await h.store.getDocument(c.company.id, own.id))?.discardRequested).toBe(false);
});
