// A second WSDL-driven client (node-soap, the design card's SOAP library) built from our WSDL:
// it must find the operation by InvoiCy's names and read the reply into its typed shape.
import * as soap from 'soap';
import { parseXml } from '../../src/xml/parse';
import { ACCESS_KEY, md5, nfe, PARTNER_KEY, startServer, type TestServer } from './helpers';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s.close());

async function execute(empCK: string, documento: string): Promise<any> {
  const client = await soap.createClientAsync(`http://127.0.0.1:${s.port}/arecepcao.aspx?wsdl`);
  const [result] = await (client as any).ExecuteAsync({
    Invoicyrecepcao: { Cabecalho: { EmpPK: PARTNER_KEY, EmpCK: empCK, EmpCO: '' }, Informacoes: { Texto: '' }, Dados: { DadosItem: [{ Documento: documento, Parametros: '' }] } },
  });
  return result;
}

test('the WSDL describes service recepcao / port recepcaoSoapPort / operation Execute', async () => {
  const client = await soap.createClientAsync(`http://127.0.0.1:${s.port}/arecepcao.aspx?wsdl`);
  const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
  expect(Object.keys(description)).toEqual(['recepcao']);
  expect(Object.keys(description.recepcao!)).toEqual(['recepcaoSoapPort']);
  expect(Object.keys(description.recepcao!.recepcaoSoapPort!)).toEqual(['Execute']);
});

test('wrong key → Codigo 173; right key → 100 with a parseable Documento', async () => {
  const wrong = await execute(md5('outra chave'), nfe());
  expect(wrong.Invoicyretorno.Mensagem.MensagemItem[0].Codigo).toBe(173);

  const doc = nfe(undefined, 7);
  const right = await execute(md5(ACCESS_KEY + doc), doc);
  const item = right.Invoicyretorno.Mensagem.MensagemItem[0];
  expect(item.Codigo).toBe(100);
  const inner = parseXml(item.Documentos.DocumentosItem[0].Documento) as any;
  expect(inner.Documento.Situacao.SitCodigo).toBe('100');
  expect(s.backend.calls.at(-1)![0]!.documentXml).toBe(doc);
});
