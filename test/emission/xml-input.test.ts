// Untrusted XML end to end (SOAP → gateway → simulator): text written as character references
// reaches SEFAZ as the characters; a DTD however masked, a document or Parametros past the XML
// limits, unreadable Parametros and a malformed SubstituirDocumento are refused with 145 and
// nothing is authorised.
import { escapeXml } from '../../src/xml/parse';
import { postSoap } from '../invoicy/helpers';
import { decodeB64 } from '../support/checks';
import { startHarness, type Harness, type ReplyDocument, type TestCompany } from '../support/harness';
import { MASKED_DTDS } from '../support/masked-dtds';
import { simpleNfe } from '../support/samples';
import { executeEnvelope } from '../support/soap';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const sit = (d: ReplyDocument | undefined) => d?.Situacao as { SitCodigo: string; SitDescricao: string } | undefined;
const stored = (c: TestCompany, nNF: number) => h.store.findDocumentByNumber(c.company.id, '2', '55', 1, nNF);
const deep = (n: number) => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;

/** A first, valid NF-e and then `doc`: the call authenticates whichever way a faulty first document is answered. */
async function second(c: TestCompany, doc: string, parametros?: string): Promise<ReplyDocument | undefined> {
  const reply = await h.call([simpleNfe({ cnpj: c.cnpj, nNF: 1, serie: 1 }), doc], { as: c, parametros: [undefined, parametros] });
  expect(sit(reply.documentos[0])?.SitCodigo).toBe('100');
  return reply.documentos[1];
}

test('accents written as character references reach the authorised NF-e as the characters', async () => {
  const c = await h.addCompany();
  const doc = simpleNfe({ cnpj: c.cnpj, nNF: 7, serie: 1 })
    .replace('<xNome>Migrate company</xNome>', '<xNome>S&#195;O JO&#xC3;O &amp; FILHOS</xNome>')
    .replace('<xProd>MOTOCICLETA MARCA HONDA</xProd>', '<xProd>MOTOCICLETA &#45; CAMIN&#72;&#xC3;O</xProd>');
  const d = (await h.call([doc], { as: c })).documentos[0]!;
  expect(sit(d)?.SitCodigo).toBe('100');
  const proc = decodeB64(d.DocXMLBase64);
  expect(proc).toContain('<xNome>SÃO JOÃO &amp; FILHOS</xNome>');
  expect(proc).toContain('<xProd>MOTOCICLETA - CAMINHÃO</xProd>');
  expect(proc).not.toContain('&amp;#');
});

test('a cancel justification written with character references is sent as the characters', async () => {
  const c = await h.addCompany();
  const nfe = (await h.call([simpleNfe({ cnpj: c.cnpj, nNF: 1, serie: 1 })], { as: c })).documentos[0]!;
  const evento =
    `<EnvioEvento><ModeloDocumento>NFe</ModeloDocumento><Versao>4.00</Versao><Evento><NtfCnpjEmissor>${c.cnpj}</NtfCnpjEmissor>` +
    `<tpAmb>2</tpAmb><ChaAcesso>${nfe.DocChaAcesso}</ChaAcesso><EveInf><EveTp>110111</EveTp><EvenSeq>1</EvenSeq><Evedet>` +
    '<EveDesc>Cancelamento</EveDesc><EvexJust>devolu&#231;&#xE3;o solicitada pelo cliente</EvexJust><EvenProt>0</EvenProt></Evedet></EveInf></Evento></EnvioEvento>';
  const d = (await h.call([evento], { as: c })).documentos[0]!;
  expect(sit(d)?.SitCodigo).toBe('135');
  expect(decodeB64(d.DocXMLBase64)).toContain('<xJust>devolução solicitada pelo cliente</xJust>');
});

test.each(MASKED_DTDS)('a DTD in the envelope prolog (%s) delivering Documento through an entity → Fault, nothing authorised', async (_name, prolog) => {
  const c = await h.addCompany();
  const doc = simpleNfe({ cnpj: c.cnpj, nNF: 3, serie: 1 });
  // The whole Documento comes from entity "e", declared with the escaped NF-e as its value.
  const declared = prolog.replace(/(<!ENTITY e )(?:"[^"]*"|'[^']*')/, `$1"${escapeXml(doc).replace(/%/g, '&#37;')}"`);
  const body = declared + executeEnvelope(c, [doc]).replace(escapeXml(doc), '&e;');
  const r = await postSoap(Number(new URL(h.url).port), body);
  expect(r.status).toBe(500);
  expect(r.body).toContain('DOCTYPE/ENTITY');
  expect(await stored(c, 3)).toBeUndefined();
});

test.each(MASKED_DTDS)('a DTD in an inner document (%s) → 145, nothing authorised', async (_name, prolog) => {
  const c = await h.addCompany();
  const doc = prolog + simpleNfe({ cnpj: c.cnpj, nNF: 4, serie: 1 }).replace('<xNome>Migrate company</xNome>', '<xNome>&e;</xNome>');
  expect(sit(await second(c, doc))).toEqual({ SitCodigo: '145', SitDescricao: 'Erro na estrutura do XML: declarações DOCTYPE/ENTITY não são aceitas no documento' });
  expect(await stored(c, 4)).toBeUndefined();
});

test('a Documento 100,000 elements deep → 145 naming the limit (not 999)', async () => {
  const c = await h.addCompany();
  const doc = simpleNfe({ cnpj: c.cnpj, nNF: 5, serie: 1 }).replace('</Envio>', `${deep(100_000)}</Envio>`);
  expect(sit(await second(c, doc))).toEqual({
    SitCodigo: '145', SitDescricao: 'Erro na estrutura do XML do documento. XML recusado: a profundidade de elementos aninhados excede o limite de 256',
  });
  expect(await stored(c, 5)).toBeUndefined();
});

test.each([
  ['100,000 elements deep', `<SubstituirDocumento>${deep(100_000)}</SubstituirDocumento>`, /^Erro na estrutura do XML dos Parametros\. XML recusado: a profundidade de elementos aninhados excede o limite de 256$/],
  ['not well-formed', '<SubstituirDocumento><nNF>1</nNF><serie>1</serie>', /^Erro na estrutura do XML dos Parametros\. XML mal formado/],
  ['not XML', 'SubstituirDocumento nNF=1', /^Erro na estrutura do XML dos Parametros\. XML mal formado/],
  ['with a DOCTYPE', '<!DOCTYPE p><ParametrosEmissao/>', /^Erro na estrutura do XML: declarações DOCTYPE\/ENTITY não são aceitas nos Parametros$/],
])('Parametros %s → 145 saying so, the Envio not processed', async (_name, parametros, descricao) => {
  const c = await h.addCompany();
  const d = await second(c, simpleNfe({ cnpj: c.cnpj, nNF: 6, serie: 1 }), parametros);
  expect(sit(d)).toEqual({ SitCodigo: '145', SitDescricao: expect.stringMatching(descricao) });
  expect(await stored(c, 6)).toBeUndefined();
});

test.each([
  ['nNF not a number', '<nNF>um</nNF><serie>1</serie>', 'nNF: valor inválido "um" (esperado número inteiro)'],
  ['serie missing', '<nNF>1</nNF>', 'SubstituirDocumento/serie: campo obrigatório não informado'],
  ['an unknown modelo', '<nNF>1</nNF><serie>1</serie><modelo>NFX</modelo>', 'modelo: valor inválido "NFX" (use NFe, NFCe ou CTe)'],
])('SubstituirDocumento with %s → 145 saying what is wrong; nothing emitted or marked', async (_name, fields, why) => {
  const c = await h.addCompany();
  const d = await second(c, simpleNfe({ cnpj: c.cnpj, nNF: 2, serie: 1 }), `<SubstituirDocumento>${fields}</SubstituirDocumento>`);
  expect(sit(d)).toEqual({ SitCodigo: '145', SitDescricao: `Erro no layout do SubstituirDocumento (Parametros): ${why}` });
  expect(await stored(c, 2)).toBeUndefined();
  expect(await stored(c, 1)).toMatchObject({ discardRequested: false });
});
