// Homologação and produção are separate companies with separate access keys under one partner key:
// the document's tpAmb picks which key EmpCK must match.
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { simpleNfe } from '../support/samples';

let h: Harness;
let producao: TestCompany;

beforeAll(async () => {
  h = await startHarness();
  const created = await h.store.createCompany({
    partnerId: h.main.company.partnerId, cnpj: h.main.cnpj, uf: h.main.company.uf, name: 'MESMA EMPRESA EM PRODUCAO',
    ie: '9999999999', environment: 'producao',
  });
  producao = { ...h.main, company: created.company, accessKey: created.accessKey };
}, 60_000);

afterAll(() => h.close());

test('a homologação document authenticates with the homologação key', async () => {
  const reply = await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: null })]);
  expect(reply.messages[0]!.codigo).toBe(100);
  expect(reply.documentos[0]!.Situacao).toMatchObject({ SitCodigo: '100' });
});

test('the produção key does not open a homologação document (173)', async () => {
  const reply = await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: null })], { as: producao });
  expect(reply.messages[0]!.codigo).toBe(173);
  expect(reply.documentos).toHaveLength(0);
});

test('a produção document is checked against the produção key', async () => {
  const doc = simpleNfe({ cnpj: h.main.cnpj, nNF: null }).replace(/<tpAmb>2<\/tpAmb>/, '<tpAmb>1</tpAmb>');
  expect(doc).toContain('<tpAmb>1</tpAmb>');
  const wrong = await h.call([doc]);
  expect(wrong.messages[0]!.codigo).toBe(173);
  const right = await h.call([doc], { as: producao });
  expect(right.messages[0]!.codigo).not.toBe(173);
});
