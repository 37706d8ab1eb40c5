// CT-e through SOAP beyond the official examples: numbering (automatic and client-given), a SEFAZ
// rejection and its number sent again, the idempotent resend, a duplicity settled by consulta, consulta
// by key, range, dates and status, the authorizers of other UFs, and Inutilizacao for model 57 (CT-e
// 4.00 has no inutilização service: numbers SEFAZ never authorised are closed in our numbering).
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { cteFor } from '../support/cte';
import { simpleNfe } from '../support/samples';
import { decodeB64 } from '../support/checks';
import { consultaByKey, jobsRig, sit } from './jobs-support';
import { inutXml } from './event-support';
import { retryPendingDocuments } from '../../src/emission/jobs/pending-retry';
import { DOC_STATUS } from '../../src/fiscal/document-state';
import { formatDateTime } from '../../src/fiscal/datetime';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  h.sim.faults.reset();
});

const one = async (company: TestCompany, xml: string) => (await h.call([xml], { as: company })).documentos[0]!;
const nCTOf = (chave: unknown) => String(chave).slice(25, 34);
const cCTOf = (chave: unknown) => String(chave).slice(35, 43);

function consulta(company: TestCompany, fields: string): string {
  return `<Consulta><ModeloDocumento>CTe</ModeloDocumento><Versao>4.00</Versao><tpAmb>2</tpAmb><CnpjEmissor>${company.cnpj}</CnpjEmissor>${fields}</Consulta>`;
}

test('numbering: automatic numbers follow the série, a client number is kept; cCT ≠ nCT in a model-57 key', async () => {
  const c = await h.addCompany();
  const first = await one(c, cteFor(c, 'RS', null));
  const second = await one(c, cteFor(c, 'RS', null));
  expect([sit(first).SitCodigo, sit(second).SitCodigo]).toEqual(['100', '100']);
  expect([first.DocNumero, second.DocNumero, first.DocSerie]).toEqual(['1', '2', '1']);
  const given = await one(c, cteFor(c, 'RS', 40, { serie: 3 }));
  expect(sit(given).SitCodigo).toBe('100');
  expect([given.DocNumero, given.DocSerie]).toEqual(['40', '3']);
  for (const d of [first, second, given]) {
    const chave = String(d.DocChaAcesso);
    expect(chave.slice(0, 2)).toBe('43');
    expect(chave.slice(6, 20)).toBe(c.cnpj);
    expect(chave.slice(20, 22)).toBe('57');
    expect(chave.slice(34, 35)).toBe('1');
    expect(Number(nCTOf(chave))).toBe(Number(d.DocNumero));
    expect(Number(cCTOf(chave))).not.toBe(Number(d.DocNumero));
    const proc = decodeB64(d.DocXMLBase64);
    expect(proc).toContain(`<nCT>${String(d.DocNumero)}</nCT><dhEmi>`);
    expect(proc).toContain(`<cCT>${cCTOf(chave)}</cCT>`);
  }
});

test('a SEFAZ rejection answers its cStat/xMotivo; the number is sent again corrected and authorised', async () => {
  const c = await h.addCompany();
  // dhEmi 10 days ago: SEFAZ refuses a CT-e older than 168 h (228).
  const late = await one(c, cteFor(c, 'RS', 8, { now: new Date(Date.now() - 10 * 86_400_000) }));
  expect(sit(late)).toEqual({ SitCodigo: '228', SitDescricao: expect.stringMatching(/Data de Emiss[ãa]o muito atrasada/i) });
  expect(late.DocModelo).toBe('CTe');
  expect(late.DocXMLBase64 ?? '').toBe('');
  expect((await h.store.findDocumentByNumber(c.company.id, '2', '57', 1, 8))?.docStatus).toBe(DOC_STATUS.REJEITADO);
  const ok = await one(c, cteFor(c, 'RS', 8));
  expect(sit(ok).SitCodigo).toBe('100');
  expect(ok.DocNumero).toBe('8');
  expect(ok.DocChaAcesso).not.toBe(late.DocChaAcesso);
});

test('a resend of an authorised number answers the stored result without reaching SEFAZ', async () => {
  const c = await h.addCompany();
  const xml = cteFor(c, 'RS', 12);
  const first = await one(c, xml);
  expect(sit(first).SitCodigo).toBe('100');
  // Any transmission would consume this fault; a resend must not transmit.
  h.sim.faults.add({ authorizer: '*', service: 'CTeRecepcaoSincV4', mode: 'reject', cStat: '999', times: 1 });
  const again = await one(c, xml);
  expect(again).toEqual(first);
  expect(h.sim.faults.list()).toHaveLength(1);
});

test('a duplicity (204) answered for the CT-e itself is settled by consulta: SEFAZ holds ours, it is adopted', async () => {
  const c = await h.addCompany();
  // SEFAZ authorises but the reply is lost, and its consulta does not show the CT-e yet (217) twice: the
  // gateway keeps it pending, then the pending job sends the same key again and meets 204.
  h.sim.faults.add({ authorizer: '*', service: 'CTeRecepcaoSincV4', mode: 'lose-response', times: 1 });
  const real = h.sefaz.cteConsulta.bind(h.sefaz);
  let lagging = 2;
  const spy = jest.spyOn(h.sefaz, 'cteConsulta').mockImplementation(async (...args) => {
    const ret = await real(...args);
    if (lagging <= 0) return ret;
    lagging -= 1;
    return { ...ret, cStat: '217', xMotivo: 'Rejeição: CT-e não consta na base de dados da SEFAZ', prot: undefined, eventos: [] };
  });
  try {
    const pending = await one(c, cteFor(c, 'RS', 20));
    expect(sit(pending).SitCodigo).toBe('105');
    const sent = jest.spyOn(h.sefaz, 'cteRecepcao');
    // Past the wait an unknown fate is given before the job asks again.
    await retryPendingDocuments(jobsRig(h).run(new Date(Date.now() + 30 * 60_000)));
    expect(sent).toHaveBeenCalledTimes(1);
    expect(await sent.mock.results[0]!.value).toMatchObject({ cStat: '204' });
    sent.mockRestore();
  } finally {
    spy.mockRestore();
  }
  const after = (await h.store.findDocumentByNumber(c.company.id, '2', '57', 1, 20))!;
  expect([after.docStatus, after.cStat]).toEqual([DOC_STATUS.AUTORIZADO, '100']);
  const d = await consultaByKey(h, c, after.chave!, 'CTe');
  expect(d).toMatchObject({ DocModelo: 'CTe', DocSitCodigo: '100', DocStatus: '2', DocProtocolo: after.nProt });
});

test('consulta of CT-e by key (cteProc, Resumo), by number range, by emission dates and by status', async () => {
  const c = await h.addCompany();
  const docs = [];
  for (const n of [1, 2, 3]) docs.push(await one(c, cteFor(c, 'RS', n, { serie: 9 })));
  await one(c, cteFor(c, 'RS', 4, { serie: 9, now: new Date(Date.now() - 10 * 86_400_000) }));
  const flags = '<ParametrosConsulta><Situacao>S</Situacao><XMLCompleto>S</XMLCompleto><Eventos>S</Eventos></ParametrosConsulta>';
  const byKey = (await h.call([consulta(c, `<ChaveAcesso>${String(docs[0]!.DocChaAcesso)}</ChaveAcesso>`)], { as: c, parametros: [flags] })).documentos[0]!;
  expect(byKey).toMatchObject({ DocModelo: 'CTe', DocNumero: '1', DocSerie: '9', DocChaAcesso: docs[0]!.DocChaAcesso, DocProtocolo: docs[0]!.DocProtocolo, DocSitCodigo: '100', DocStatus: '2' });
  expect(decodeB64(byKey.DocXML)).toContain('<cteProc');
  expect(byKey.Resumo).toMatchObject({ DocFusoHorario: '-03:00', DocDigestValue: docs[0]!.DocDigestValue });

  const range = await h.call([consulta(c, '<NumeroInicial>2</NumeroInicial><NumeroFinal>4</NumeroFinal><Serie>9</Serie>')], { as: c });
  expect(range.documentos.map((d) => [d.DocModelo, d.DocNumero, d.DocStatus]).sort()).toEqual([['CTe', '2', '2'], ['CTe', '3', '2'], ['CTe', '4', '3']]);

  const today = formatDateTime(new Date(), '-03:00').slice(0, 10);
  const byDate = await h.call([consulta(c, `<DataEmissaoInicial>${today}T00:00:00</DataEmissaoInicial><DataEmissaoFinal>${today}T23:59:59</DataEmissaoFinal>`)], { as: c });
  expect(byDate.documentos.map((d) => d.DocNumero).sort()).toEqual(['1', '2', '3']);

  const rejected = await h.call([consulta(c, '<StatusDocumento>3</StatusDocumento>')], { as: c });
  expect(rejected.documentos.map((d) => [d.DocNumero, d.DocSitCodigo, d.DocStatus])).toEqual([['4', '228', '3']]);

  // The NF-e of the same company are not CT-e.
  const nfeRange = await h.call([consulta(c, '<NumeroInicial>1</NumeroInicial><NumeroFinal>4</NumeroFinal><Serie>9</Serie>').replace('>CTe<', '>NFe<')], { as: c });
  expect(nfeRange.documentos[0]).toMatchObject({ DocSitCodigo: '117' });
});

test.each([
  ['SP (own authorizer)', 'SP', '35', 'https://homologacao.nfe.fazenda.sp.gov.br/CTeConsulta/qrCode'],
  ['PE (SEFAZ Virtual SP)', 'PE', '26', 'https://homologacao.nfe.fazenda.sp.gov.br/CTeConsulta/qrCode'],
  ['MT (own authorizer)', 'MT', '51', 'https://homologacao.sefaz.mt.gov.br/cte/qrcode'],
  ['BA (SVRS)', 'BA', '29', 'https://dfe-portal.svrs.rs.gov.br/cte/qrCode'],
])('a CT-e of %s is authorised by its authorizer with that authorizer\'s QR code address', async (_name, uf, cUF, qr) => {
  const c = await h.addCompany({ uf });
  const d = await one(c, cteFor(c, uf, 1));
  expect(sit(d).SitCodigo).toBe('100');
  expect(String(d.DocChaAcesso).slice(0, 2)).toBe(cUF);
  expect(decodeB64(d.DocXMLBase64)).toContain(`<qrCodCTe>${qr}?chCTe=${String(d.DocChaAcesso)}&amp;tpAmb=2</qrCodCTe>`);
});

test('Inutilizacao of CT-e: unused and rejected numbers are closed locally (102, no protocol) and never handed out; a number SEFAZ authorised is refused', async () => {
  const c = await h.addCompany();
  const serie = 5;
  expect(sit(await one(c, cteFor(c, 'RS', 1, { serie }))).SitCodigo).toBe('100');
  expect(sit(await one(c, cteFor(c, 'RS', 3, { serie, now: new Date(Date.now() - 10 * 86_400_000) }))).SitCodigo).toBe('228');

  const closed = await one(c, inutXml(c.cnpj, { modelo: 'CTe', ini: 2, fin: 4, serie }));
  expect(closed).toMatchObject({ DocModelo: 'CTe', DocNumero: '2-4', DocSerie: String(serie) });
  expect(sit(closed)).toEqual({
    SitCodigo: '102',
    SitDescricao: `CT-e sem serviço de inutilização na SEFAZ: números 2 a 4 da série ${serie}, nunca autorizados, encerrados na numeração deste serviço (sem protocolo da SEFAZ)`,
  });
  expect([closed.DocProtocolo ?? '', closed.DocXMLBase64 ?? '']).toEqual(['', '']);
  expect((await h.store.findDocumentByNumber(c.company.id, '2', '57', serie, 3))?.docStatus).toBe(DOC_STATUS.INUTILIZADO);

  const given = await one(c, cteFor(c, 'RS', 3, { serie }));
  expect(sit(given)).toMatchObject({ SitCodigo: '206', SitDescricao: expect.stringMatching(/inutilizado/) });
  const auto = await one(c, cteFor(c, 'RS', null, { serie }));
  expect([sit(auto).SitCodigo, auto.DocNumero]).toEqual(['100', '5']);

  const used = await one(c, inutXml(c.cnpj, { modelo: 'CTe', ini: 1, fin: 1, serie }));
  expect(sit(used)).toEqual({
    SitCodigo: '241',
    SitDescricao: 'Rejeição: CT-e sem serviço de inutilização na SEFAZ e a faixa contém número já transmitido ou autorizado (1); um CT-e autorizado deve ser cancelado',
  });
});

test('several CT-e in one call go one by one (no lote), beside an NF-e answered in its own MensagemItem', async () => {
  const c = await h.addCompany();
  const reply = await h.call([cteFor(c, 'RS', 1, { serie: 2 }), simpleNfe({ cnpj: c.cnpj, nNF: 1, serie: 2 }), cteFor(c, 'RS', 2, { serie: 2 })], { as: c });
  expect(reply.messages.map((m) => [m.codigo, m.documentos.map((d) => [d.DocModelo, d.DocNumero, sit(d).SitCodigo])])).toEqual([
    [100, [['CTe', '1', '100'], ['CTe', '2', '100']]],
    [100, [['NFe', '1', '100']]],
  ]);
});

test('a CT-e with layout errors answers 145 with every error at once; no number is taken', async () => {
  const c = await h.addCompany();
  const xml = cteFor(c, 'RS', 9).replace(/<natOp>[^<]*<\/natOp>/, '').replace(/<CFOP>[^<]*<\/CFOP>/, '<CFOP>53</CFOP>');
  const d = await one(c, xml);
  expect(sit(d)).toEqual({ SitCodigo: '145', SitDescricao: expect.stringMatching(/^Erro no layout de integração: .*Envio\/ide\/CFOP: .*Envio\/ide\/natOp: campo obrigatório não informado/) });
  expect(d.DocModelo).toBe('CTe');
  expect(await h.store.findDocumentByNumber(c.company.id, '2', '57', 1, 9)).toBeUndefined();
});
