// Consulta through SOAP: by key, number range, emission/inclusion dates and DocStatus, with the
// Situacao / XMLCompleto / Eventos / PDFBase64 flags; another company's documents are invisible.
import { startHarness, type Harness } from '../support/harness';
import { simpleNfe } from '../support/samples';
import { decodeB64 } from '../support/checks';
import { formatDateTime } from '../../src/fiscal/datetime';

let h: Harness;
const keys: string[] = [];
beforeAll(async () => {
  h = await startHarness();
  const reply = await h.call([1, 2, 3].map((n) => simpleNfe({ cnpj: h.main.cnpj, nNF: n, serie: 9 })));
  for (const d of reply.documentos) keys.push(String(d.DocChaAcesso));
  h.sim.faults.add({ authorizer: '*', service: 'NFeAutorizacao4', mode: 'reject', cStat: '999', times: 1 });
  await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 4, serie: 9 })]);
  // A CC-e so that Eventos has something to show.
  await h.call([cce(h.main.cnpj, keys[0]!)]);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

function cce(cnpj: string, chave: string): string {
  return `<EnvioEvento><ModeloDocumento>NFe</ModeloDocumento><Versao>4.00</Versao><Evento><NtfCnpjEmissor>${cnpj}</NtfCnpjEmissor><tpAmb>2</tpAmb><ChaAcesso>${chave}</ChaAcesso><EveInf><EveTp>110110</EveTp><Evedet><EveDesc>Carta de Correcao</EveDesc><EveCorrecao>Correcao do endereco de entrega do destinatario</EveCorrecao></Evedet></EveInf></Evento></EnvioEvento>`;
}

function consulta(fields: string, cnpj = h.main.cnpj): string {
  return `<Consulta><ModeloDocumento>NFe</ModeloDocumento><Versao>4.00</Versao><tpAmb>2</tpAmb><CnpjEmissor>${cnpj}</CnpjEmissor>${fields}</Consulta>`;
}

const ALL_FLAGS = '<ParametrosConsulta><Situacao>S</Situacao><XMLCompleto>S</XMLCompleto><XMLLink>N</XMLLink><PDFBase64>S</PDFBase64><PDFLink>N</PDFLink><Eventos>S</Eventos></ParametrosConsulta>';

test('by key with every flag: status, nfeProc, events, Resumo, PDF note', async () => {
  const reply = await h.call([consulta(`<ChaveAcesso>${keys[0]}</ChaveAcesso>`)], { parametros: [ALL_FLAGS] });
  expect(reply.messages[0]!.codigo).toBe(100);
  const d = reply.documentos[0]!;
  expect(d).toMatchObject({ DocModelo: 'NFe', DocNumero: '1', DocSerie: '9', DocChaAcesso: keys[0], DocSitCodigo: '100', DocStatus: '2' });
  expect(String(d.DocProtocolo)).toMatch(/^\d{15}$/);
  expect(decodeB64(d.DocXML)).toContain('<nfeProc');
  expect(d.DocPDF).toBe('PDF não disponível nesta versão');
  expect(d.Resumo).toMatchObject({ DocFusoHorario: '-03:00', DocVlrTotal: '100.00' });
  const ev = (d.Eventos as { EventosItem: Record<string, unknown>[] }).EventosItem;
  expect(ev).toHaveLength(1);
  expect(ev[0]).toMatchObject({ DocEvenSeq: '1', DocEveTp: '110110', cStat: '135', DocEveId: `110110${keys[0]}1` });
  expect(decodeB64(ev[0]!.DocEveXML)).toContain('<procEventoNFe');
});

test('by number range (siblings in one DocumentosItem) without flags', async () => {
  const reply = await h.call([consulta('<NumeroInicial>1</NumeroInicial><NumeroFinal>3</NumeroFinal><Serie>9</Serie>')]);
  expect(reply.documentos.map((d) => d.DocNumero).sort()).toEqual(['1', '2', '3']);
  expect(reply.documentos[0]!.DocXML).toBeUndefined();
  expect(reply.documentos[0]!.Eventos).toBe('');
});

test('by DocStatus: the rejected one', async () => {
  const reply = await h.call([consulta('<StatusDocumento>3</StatusDocumento>')]);
  expect(reply.documentos.map((d) => [d.DocNumero, d.DocSitCodigo, d.DocStatus])).toEqual([['4', '999', '3']]);
});

test('by emission and inclusion dates', async () => {
  const today = formatDateTime(new Date(), '-03:00').slice(0, 10);
  const e = await h.call([consulta(`<DataEmissaoInicial>${today}T00:00:00</DataEmissaoInicial><DataEmissaoFinal>${today}T23:59:59</DataEmissaoFinal>`)]);
  expect(e.documentos.length).toBe(4);
  const i = await h.call([consulta(`<DataInclusaoInicial>${today}T00:00:00</DataInclusaoInicial><DataInclusaoFinal>${today}T23:59:59</DataInclusaoFinal>`)]);
  expect(i.documentos.length).toBe(4);
  const none = await h.call([consulta('<DataEmissaoInicial>2001-01-01T00:00:00</DataEmissaoInicial><DataEmissaoFinal>2001-01-02T00:00:00</DataEmissaoFinal>')]);
  expect(none.documentos[0]).toMatchObject({ DocSitCodigo: '117', DocSitDescricao: 'Nenhum documento localizado' });
});

test("another company's key is not found (isolation)", async () => {
  const other = await h.addCompany();
  const reply = await h.call([consulta(`<ChaveAcesso>${keys[0]}</ChaveAcesso>`, other.cnpj)], { as: other });
  expect(reply.documentos[0]).toMatchObject({ DocSitCodigo: '117' });
});

test('Conector Consultar form', async () => {
  const doc = `<Consultar><ChaveParceiro>x</ChaveParceiro><ChaveAcesso>y</ChaveAcesso>${consulta('<NumeroInicial>2</NumeroInicial><NumeroFinal>2</NumeroFinal><Serie>9</Serie>')}${ALL_FLAGS}</Consultar>`;
  const reply = await h.call([doc]);
  expect(reply.documentos.map((d) => d.DocNumero)).toEqual(['2']);
});
