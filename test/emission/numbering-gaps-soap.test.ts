// InvoiCy's "Consultar Pulos de Numeração" over SOAP (layout Retorno_Pulos): the calling company's
// gaps per model and série; another company's séries are never shown, whoever is named in the request.
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { nfeFor, sit } from './jobs-support';

let h: Harness;
let a: TestCompany;
let b: TestCompany;
const UF = 'RS';

function pulos(c: { cnpj: string }, extra = '', emitente = c.cnpj): string {
  return `<PuloNumeracao><DocEmtCNPJ>${emitente}</DocEmtCNPJ><CnpjEmpresa>${c.cnpj}</CnpjEmpresa><ModeloDocumento>NFe</ModeloDocumento>` +
    `<Modulo>NFe</Modulo><Modelo>2</Modelo><Autor>teste</Autor><tpAmb>2</tpAmb>${extra}</PuloNumeracao>`;
}

beforeAll(async () => {
  h = await startHarness({ uf: UF });
  a = await h.addCompany();
  b = await h.addCompany();
  // A: numbers 1, 2, 5 and 8 of série 7 authorised by the simulator; 6 rejected and never resent.
  for (const n of [1, 2, 5, 8]) {
    const reply = await h.call([nfeFor(a, UF, n, 7)], { as: a });
    expect(sit(reply.documentos[0]!).SitCodigo).toBe('100');
  }
  await h.store.insertDocument(a.company.id, { tpAmb: '2', model: '55', serie: 7, numero: 6, docStatus: 3, stage: 'settled', cStat: '225', xMotivo: 'Rejeição: Falha no Schema XML' });
  // B: its own gaps in the same série number, never to be shown to A.
  for (const n of [1, 40]) await h.store.insertDocument(b.company.id, { tpAmb: '2', model: '55', serie: 7, numero: n, docStatus: 2, stage: 'settled' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

test('gaps found: one PuloNumeracao per série in the Retorno_Pulos order, skipped and rejected numbers', async () => {
  const reply = await h.call([pulos(a)], { as: a });
  expect(reply.messages).toHaveLength(1);
  expect(reply.messages[0]).toMatchObject({ codigo: 100, descricao: 'Consulta de pulos de numeração processada' });
  const inner = /<Documento><!\[CDATA\[([\s\S]*?)\]\]><\/Documento>/.exec(reply.raw)![1];
  expect(inner).toBe(
    `<PuloNumeracao><DocCNPJEmissor>${a.cnpj}</DocCNPJEmissor><ModeloDocumento>NFe</ModeloDocumento><Serie>7</Serie>` +
    '<DocQuantidade>4</DocQuantidade><Documentos>3-4, 6-7</Documentos><ErrorCode>100</ErrorCode><ErroDsc>4 números faltando na série 7</ErroDsc></PuloNumeracao>',
  );
});

test('a série filter and a model without gaps answer "Nenhum pulo de numeração encontrado"', async () => {
  const reply = await h.call([pulos(a, '<Serie>1</Serie>')], { as: a });
  expect(reply.raw).toContain(`<PuloNumeracao><DocCNPJEmissor>${a.cnpj}</DocCNPJEmissor><ModeloDocumento>NFe</ModeloDocumento><Serie>1</Serie><DocQuantidade>0</DocQuantidade><Documentos /><ErrorCode>100</ErrorCode><ErroDsc>Nenhum pulo de numeração encontrado</ErroDsc></PuloNumeracao>`);
  // The layout's spelling of the NFC-e module.
  const nfce = await h.call([pulos(a).replace('<ModeloDocumento>NFe</ModeloDocumento>', '<ModeloDocumento>NFCe/SAT</ModeloDocumento>')], { as: a });
  expect(nfce.raw).toContain(`<DocCNPJEmissor>${a.cnpj}</DocCNPJEmissor><ModeloDocumento>NFCe</ModeloDocumento><Serie /><DocQuantidade>0</DocQuantidade>`);
});

test("another company's gaps are never shown", async () => {
  // B asks for its own: 2-39, not A's.
  const own = await h.call([pulos(b)], { as: b });
  expect(own.raw).toContain('<Documentos>2-39</Documentos>');
  expect(own.raw).not.toContain(a.cnpj);
  // A names B as the emitter: refused, nothing of B in the reply.
  const named = await h.call([pulos(a, '', b.cnpj)], { as: a });
  expect(named.raw).toContain('<ErrorCode>173</ErrorCode>');
  expect(named.raw).not.toContain('2-39');
  // A's key for B as the requester: the call is refused as a whole (173), no document read for B.
  const claimed = await h.call([pulos(b)], { as: a });
  expect(claimed.messages[0]).toMatchObject({ codigo: 173, documentos: [] });
});
