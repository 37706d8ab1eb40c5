// What the ERP sees when things go wrong: SEFAZ rejections passed through, denial (DocStatus 12,
// number consumed), lost reply while SEFAZ is down (108/108, status 4, contingency entered; a resend
// settles it by consulta), XSD failure (225, nothing sent), certificate/CSC/environment/layout problems.
// An outage needs evidence about SEFAZ: its status service fails too (fault on NFeStatusServico4).
import { startHarness, type Harness } from '../support/harness';
import { simpleNfe, simpleNfce, inUf } from '../support/samples';
import { decodeB64 } from '../support/checks';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

const sit = (d: Record<string, unknown>) => d.Situacao as { SitCodigo: string; SitDescricao: string };

test('a SEFAZ rejection is passed through with its cStat and the document is Rejeitado', async () => {
  h.sim.faults.add({ authorizer: '*', service: 'NFeAutorizacao4', mode: 'reject', cStat: '539', times: 1 });
  const reply = await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 10, serie: 1 })]);
  expect(reply.messages[0]!.codigo).toBe(100);
  const d = reply.documentos[0]!;
  expect(sit(d).SitCodigo).toBe('539');
  expect(sit(d).SitDescricao).toMatch(/Rejei/);
  const row = await h.store.findDocumentByNumber(h.main.company.id, '2', '55', 1, 10);
  expect(row).toMatchObject({ docStatus: 3, cStat: '539' });
});

test('a denial stores the nfeProc, consumes the number and answers DocStatus 12', async () => {
  const company = await h.addCompany();
  h.sim.state.setDenial({ cnpj: company.cnpj, role: 'emit', cStat: '301' });
  try {
    const d = (await h.call([simpleNfe({ cnpj: company.cnpj, nNF: 1, serie: 1 })], { as: company })).documentos[0]!;
    expect(sit(d).SitCodigo).toBe('301');
    expect(decodeB64(d.DocXMLBase64)).toContain('<cStat>301</cStat>');
    const row = await h.store.findDocumentByNumber(company.company.id, '2', '55', 1, 1);
    expect(row).toMatchObject({ docStatus: 12, cStat: '301' });
    // The number is consumed: a resend answers the stored denial.
    const again = (await h.call([simpleNfe({ cnpj: company.cnpj, nNF: 1, serie: 1 })], { as: company })).documentos[0]!;
    expect(again.DocProtocolo).toBe(d.DocProtocolo);
  } finally {
    h.sim.state.clearDenials();
  }
});

test('XSD failure → 225 with the validator message and nothing sent', async () => {
  h.sim.faults.add({ authorizer: '*', service: '*', mode: 'reject', cStat: '999', times: 1 });
  // The layout accepts an ERP-supplied QR code as text; only the NF-e schema knows its pattern.
  const qr = 'https://www.sefaz.rs.gov.br/NFCE/NFCE-COM.aspx?p=nao-e-um-qrcode-valido-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
  const xml = simpleNfce({ cnpj: h.main.cnpj, nNF: 20, serie: 1 })
    .replace('</Envio>', `<infSuplem><qrCode>${qr}</qrCode><urlChave>https://www.sefaz.rs.gov.br/nfce/consulta</urlChave></infSuplem></Envio>`);
  const d = (await h.call([xml])).documentos[0]!;
  expect(sit(d)).toMatchObject({ SitCodigo: '225', SitDescricao: expect.stringMatching(/^Rejeição: Falha no Schema XML da NF-e: linha \d+: .*qrCode.*pattern/) });
  expect(h.sim.faults.list()).toHaveLength(1);
  expect((await h.store.findDocumentByNumber(h.main.company.id, '2', '65', 1, 20))?.docStatus).toBe(3);
});

test('lost reply while SEFAZ is down → 108/108 and status 4, contingency entered; a resend settles by consulta (100)', async () => {
  const company = await h.addCompany({ uf: 'SP' });
  h.sim.faults.add({ authorizer: 'SP', service: 'NFeAutorizacao4', mode: 'lose-response', times: 1 });
  h.sim.faults.add({ authorizer: 'SP', service: 'NFeStatusServico4', mode: 'down', times: 1 });
  const xml = inUf(simpleNfe({ cnpj: company.cnpj, nNF: 1, serie: 1 }), 'SP');
  const lost = await h.call([xml], { as: company });
  expect(lost.messages[0]!.codigo).toBe(108);
  const d = lost.documentos[0]!;
  expect(sit(d).SitCodigo).toBe('108');
  expect(sit(d).SitDescricao).toMatch(/^Entrada da SEFAZ em contingência: /);
  const row = await h.store.findDocumentByNumber(company.company.id, '2', '55', 1, 1);
  expect(row?.docStatus).toBe(4);
  expect(await h.store.getContingency({ tpAmb: '2', uf: 'SP', model: '55' })).toMatchObject({ state: 'contingency', detectingDocumentId: row!.id });

  // A new document of the scope, for a company without contingency options, is not sent: pending, 109/105.
  await h.store.updateCompany(company.company.id, { contingency: { '55': { options: ['NONE'], transitionMode: 'invoicy' } } });
  const pending = await h.call([inUf(simpleNfe({ cnpj: company.cnpj, nNF: 2, serie: 1 }), 'SP')], { as: company });
  expect(pending.messages[0]!.codigo).toBe(109);
  expect(sit(pending.documentos[0]!).SitCodigo).toBe('105');

  // The ERP resends the detecting number: the gateway asks SEFAZ by key and adopts the truth.
  const resent = (await h.call([xml], { as: company })).documentos[0]!;
  expect(sit(resent).SitCodigo).toBe('100');
  expect(resent.DocChaAcesso).toBe(d.DocChaAcesso);
  expect(String(resent.DocProtocolo)).toMatch(/^\d{15}$/);
  expect((await h.store.findDocumentByNumber(company.company.id, '2', '55', 1, 1))?.docStatus).toBe(2);
});

test('transport failure (down) with the status service down too → 108 and status 4', async () => {
  const company = await h.addCompany({ uf: 'MG' });
  h.sim.faults.add({ authorizer: 'MG', service: 'NFeAutorizacao4', mode: 'down', times: 1 });
  h.sim.faults.add({ authorizer: 'MG', service: 'NFeStatusServico4', mode: 'down', times: 1 });
  const xml = inUf(simpleNfe({ cnpj: company.cnpj, nNF: 1, serie: 1 }), 'MG');
  const reply = await h.call([xml], { as: company });
  expect(reply.messages[0]!.codigo).toBe(108);
  expect(sit(reply.documentos[0]!).SitCodigo).toBe('108');
});

test('no certificate → 104; expired certificate → 103', async () => {
  const none = await h.addCompany({ certificate: 'none' });
  const r1 = (await h.call([simpleNfe({ cnpj: none.cnpj, nNF: 1, serie: 1 })], { as: none })).documentos[0]!;
  expect(sit(r1).SitCodigo).toBe('104');
  const expired = await h.addCompany({ certificate: 'expired' });
  const r2 = (await h.call([simpleNfe({ cnpj: expired.cnpj, nNF: 1, serie: 1 })], { as: expired })).documentos[0]!;
  expect(sit(r2)).toMatchObject({ SitCodigo: '103', SitDescricao: expect.stringMatching(/vencido em \d{2}\/\d{2}\/\d{4}/) });
});

test('NFC-e without CSC → clear rejection, no number consumed', async () => {
  const company = await h.addCompany({ csc: false });
  const d = (await h.call([simpleNfce({ cnpj: company.cnpj, nNF: 1, serie: 1 })], { as: company })).documentos[0]!;
  expect(sit(d)).toMatchObject({ SitCodigo: '796', SitDescricao: expect.stringMatching(/CSC/) });
  expect(await h.store.findDocumentByNumber(company.company.id, '2', '65', 1, 1)).toBeUndefined();
});

test('tpAmb of the document must match the company environment', async () => {
  const d = (await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 30, serie: 1 }).replace('<tpAmb>2</tpAmb>', '<tpAmb>1</tpAmb>')])).documentos[0]!;
  expect(sit(d)).toMatchObject({ SitCodigo: '252', SitDescricao: expect.stringMatching(/homologação/) });
});

test('layout errors come back all at once as one 145 rejection', async () => {
  const xml = simpleNfe({ cnpj: h.main.cnpj, nNF: 31, serie: 1 }).replace(/<natOp>[^<]*<\/natOp>/, '').replace(/<NCM>[^<]*<\/NCM>/, '');
  const d = (await h.call([xml])).documentos[0]!;
  expect(sit(d).SitCodigo).toBe('145');
  expect(sit(d).SitDescricao).toMatch(/^Erro no layout de integração: .*natOp.*; .*NCM/);
});

test('a value with more decimal places than its field allows is a 145 layout error, not rounded', async () => {
  const xml = simpleNfe({ cnpj: h.main.cnpj, nNF: 32, serie: 1 }).replace('<vProd>100.00</vProd>', '<vProd>100.123</vProd>');
  const d = (await h.call([xml])).documentos[0]!;
  expect(sit(d)).toEqual({
    SitCodigo: '145',
    SitDescricao: 'Erro no layout de integração: Envio/det/detItem[1]/prod/vProd: valor "100.123" inválido (no máximo 2 casas decimais, formato 13.2)',
  });
  expect(await h.store.findDocumentByNumber(h.main.company.id, '2', '55', 1, 32)).toBeUndefined();
});

test('models not supported yet answer a clear document-level message; descarte of an unknown number is refused', async () => {
  const mdfe = `<Envio><ModeloDocumento>MDFe</ModeloDocumento><Versao>3.00</Versao><ide><tpAmb>2</tpAmb></ide><emit><CNPJ>${h.main.cnpj}</CNPJ></emit></Envio>`;
  const r = await h.call([mdfe]);
  expect(sit(r.documentos[0]!).SitDescricao).toMatch(/ainda não suportado/);
  const descarte = `<DescartarDocumento><ModeloDocumento>NFe</ModeloDocumento><tpAmb>2</tpAmb><CNPJ_emit>${h.main.cnpj}</CNPJ_emit><Numero>1</Numero><Serie>1</Serie></DescartarDocumento>`;
  const r2 = await h.call([descarte]);
  expect(sit(r2.documentos[0]!)).toMatchObject({ SitCodigo: '106', SitDescricao: expect.stringMatching(/não localizado para descarte/) });
});

test('an unexpected internal failure of one document answers it 999 with the request id; the others go on', async () => {
  const spy = jest.spyOn(h.store, 'getCompanyCsc').mockImplementationOnce(async () => { throw new Error('banco indisponível'); });
  try {
    const reply = await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 40, serie: 1 }), simpleNfce({ cnpj: h.main.cnpj, nNF: 40, serie: 1 })]);
    const [nfe, nfce] = reply.documentos;
    expect(sit(nfe!).SitCodigo).toBe('100');
    expect(sit(nfce!)).toMatchObject({ SitCodigo: '999', SitDescricao: expect.stringMatching(/Erro interno .*requisição [0-9a-f-]{36}/) });
    expect(spy).toHaveBeenCalled();
  } finally {
    spy.mockRestore();
  }
});
