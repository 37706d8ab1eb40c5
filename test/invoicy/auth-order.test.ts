// No work before authentication: an unknown EmpPK is answered 173 before any inner document is
// parsed; with a known partner only the first document is parsed (to name the company) until EmpCK
// is verified. The parser is watched through its module export.
import * as xmlParse from '../../src/xml/parse';
import { parseXml } from '../../src/xml/parse';
import { CNPJ, envelope, md5, nfe, postSoap, startServer, ACCESS_KEY, type TestServer } from './helpers';

type Tree = Record<string, any>;

/** The request-level code of the first MensagemItem and the SitCodigo of every document, sorted. */
function reply(body: string): { Codigo: string; sitCodigos: string[] } {
  const tree = parseXml(body, { arrays: ['MensagemItem', 'DocumentosItem'] }) as Tree;
  const items = tree['SOAP-ENV:Envelope']['SOAP-ENV:Body']['recepcao.ExecuteResponse'].Invoicyretorno.Mensagem.MensagemItem as Tree[];
  const docs = items.flatMap((m) => (m.Documentos?.DocumentosItem ?? []).map((d: Tree) => d.Documento as string));
  return { Codigo: items[0]!.Codigo, sitCodigos: docs.map((d) => String((parseXml(d) as Tree).Documento.Situacao.SitCodigo)).sort() };
}

let s: TestServer;
let parses: jest.SpyInstance;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());
beforeEach(() => {
  parses = jest.spyOn(xmlParse, 'parseXmlOrdered');
});
afterEach(() => parses.mockRestore());

/** A large document (~40 KB, 5,000 attributes). */
const big = (n: number) => nfe(CNPJ, n, 'NFe', '<y a="1" b="2" c="3" d="4" e="5"/>'.repeat(1000));
const malformed = (n: number) => `<Envio><ModeloDocumento>NFe</ModeloDocumento><nNF>${n}</nNF><xNome>A & B</Envio>`;
/** Parses of inner documents (the reply parsing in these tests uses parseXml, not the ordered form). */
const innerParses = () => parses.mock.calls.length;

test('unknown EmpPK: 173 for 50 documents and none of them parsed', async () => {
  const docs = Array.from({ length: 50 }, (_, i) => ({ documento: big(i + 1) }));
  const r = await postSoap(s.port, envelope(docs, { empPK: 'AAAAAAAAAAAAAAAAAAAAAA==' }));
  expect(reply(r.body).Codigo).toBe('173');
  expect(innerParses()).toBe(0);
});

test('unknown EmpPK with a malformed first document: 173, not 145 (an outsider learns nothing of the documents)', async () => {
  const r = await postSoap(s.port, envelope([{ documento: malformed(1) }], { empPK: 'AAAAAAAAAAAAAAAAAAAAAA==' }));
  expect(reply(r.body).Codigo).toBe('173');
  expect(innerParses()).toBe(0);
});

test('known EmpPK, wrong EmpCK, 50 large documents of which 2..50 are malformed: 173, only the first parsed', async () => {
  const docs = [{ documento: big(1) }, ...Array.from({ length: 49 }, (_, i) => ({ documento: malformed(i + 2) }))];
  // The backend is shared by the file's tests (random order): only calls made by this one count.
  const before = s.backend.calls.length;
  const r = await postSoap(s.port, envelope(docs, { empCK: md5('chave-errada' + docs[0]!.documento) }));
  expect(reply(r.body).Codigo).toBe('173');
  expect(parses.mock.calls.map((c) => c[0])).toEqual([docs[0]!.documento]);
  expect(s.backend.calls.length).toBe(before);
});

test('known EmpPK, company not of this partner: 173 after parsing the first document only', async () => {
  const docs = [{ documento: nfe('12345678000195') }, { documento: big(2) }, { documento: big(3) }];
  const r = await postSoap(s.port, envelope(docs));
  expect(reply(r.body).Codigo).toBe('173');
  expect(innerParses()).toBe(1);
});

test('authenticated: every document is parsed once, the malformed ones answered 145 each', async () => {
  const docs = [{ documento: nfe(CNPJ, 1) }, { documento: malformed(2) }, { documento: nfe(CNPJ, 3) }];
  const before = s.backend.calls.length;
  const r = await postSoap(s.port, envelope(docs, { empCK: md5(ACCESS_KEY + docs[0]!.documento) }));
  expect(reply(r.body)).toEqual({ Codigo: '100', sitCodigos: ['100', '100', '145'] });
  expect(innerParses()).toBe(3);
  expect(s.backend.calls[before]!.map((d) => d.index)).toEqual([0, 2]);
});
