// The official InvoiCy sample envelopes, with the test company's EmpPK/CNPJ and a recomputed EmpCK.
import fs from 'node:fs';
import path from 'node:path';
import { parseXml } from '../../src/xml/parse';
import { parseExecuteEnvelope } from '../../src/invoicy/envelope';
import { buildDocumentoReply } from '../../src/invoicy/reply-documents';
import { ACCESS_KEY, CNPJ, INVOICY_SAMPLES, md5, PARTNER_KEY, postSoap, startServer, type TestServer } from './helpers';

type Tree = Record<string, any>;
const read = (rel: string) => fs.readFileSync(path.join(INVOICY_SAMPLES, rel), 'utf8');

/** Puts our partner key and CNPJ in a sample and recomputes EmpCK over the real first document text. */
async function adapt(xml: string, sampleCnpj: string): Promise<string> {
  const withCompany = xml.split(sampleCnpj).join(CNPJ).replace(/(<(?:\w+:)?EmpPK>)[^<]*/, `$1${PARTNER_KEY}`);
  const parsed = await parseExecuteEnvelope(withCompany);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return withCompany.replace(/(<(?:\w+:)?EmpCK>)[^<]*/, `$1${md5(ACCESS_KEY + parsed.request.items[0]!.documento)}`);
}

const SAMPLES: [string, () => Promise<string>, string, string][] = [
  ['NF-e emission (escaped, indented)', () => adapt(read('Emissão/Exemplos XML/NFe/Exemplo envio SOAP NFe 4.0.xml'), '99999999999999'), 'Envio', 'NFe'],
  ['NFS-e consulta', () => adapt(read('Consulta de documentos/Emitidos/Exemplos Envio XML/Consulta SOAP NFSe.xml'), '99958984000999'), 'Consulta', 'NFSe'],
  ['NFC-e descarte', () => adapt(read('Emissão/Exemplos XML/NFCe/exemplo_descarte_NFCe_soap.xml'), '12345678901234'), 'DescartarDocumento', 'NFCe'],
  // This sample is the serialised InvoiCy object (root <InvoiCy xmlns="InvoiCy">, CDATA payload);
  // it goes on the wire as Invoicyrecepcao inside an unprefixed, default-namespaced envelope.
  [
    'CT-e event (CDATA, unprefixed)',
    () =>
      adapt(
        '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><recepcao.Execute xmlns="InvoiCy">' +
          read('Eventos/Exemplos XML/CTe/envio cancelamento CTE com envelope.xml').replace('<InvoiCy xmlns="InvoiCy">', '<Invoicyrecepcao>').replace('</InvoiCy>', '</Invoicyrecepcao>') +
          '</recepcao.Execute></Body></Envelope>',
        '06354976000149',
      ),
    'EnvioEvento',
    'CTe',
  ],
];

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

test.each(SAMPLES)('%s: accepted, reply in the InvoiCy shape', async (_name, build, kind, modelo) => {
  const before = s.backend.calls.length;
  const r = await postSoap(s.port, await build());
  expect(r.status).toBe(200);
  expect(r.body.startsWith('<?xml version="1.0" encoding="utf-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"')).toBe(true);
  expect(r.body).toContain('<recepcao.ExecuteResponse xmlns="InvoiCy"><Invoicyretorno><Mensagem><MensagemItem><Codigo>100</Codigo>');
  expect(r.body).toContain('<Documento><![CDATA[<Documento>');
  const tree = parseXml(r.body, { arrays: ['MensagemItem', 'DocumentosItem'] }) as Tree;
  const response = tree['SOAP-ENV:Envelope']['SOAP-ENV:Body']['recepcao.ExecuteResponse'];
  expect(response['@_xmlns']).toBe('InvoiCy');
  expect(response.Invoicyretorno.Mensagem.MensagemItem).toHaveLength(1);
  expect(response.Invoicyretorno.Mensagem.MensagemItem[0].Documentos.DocumentosItem).toHaveLength(1);
  const [sent] = s.backend.calls[before]!;
  expect([sent!.kind, sent!.modelo, sent!.cnpj, sent!.tpAmb]).toEqual([kind, modelo, CNPJ, '2']);
});

test('NFS-e consulta passes ParametrosConsulta as received', async () => {
  const before = s.backend.calls.length;
  await postSoap(s.port, await SAMPLES[1]![1]());
  expect(s.backend.calls[before]![0]!.parametrosXml).toMatch(/^\n\t+<ParametrosConsulta>\n[\s\S]*<\/ParametrosConsulta>\n\t+$/);
});

test('NF-e sample: reply byte for byte', async () => {
  const body = await SAMPLES[0]![1]();
  const r = await postSoap(s.port, body);
  const inner = buildDocumentoReply({ DocModelo: 'NFe', DocNumero: 1, DocSerie: 1, DocEvenSeq: 0, DocEveTp: 0, Situacao: { SitCodigo: 100, SitDescricao: 'Processado Envio' } });
  expect(inner).toBe(
    '<Documento><DocModelo>NFe</DocModelo><DocNumero>1</DocNumero><DocSerie>1</DocSerie><DocChaAcesso /><DocProtocolo /><DocEvenSeq>0</DocEvenSeq><DocEveTp>0</DocEveTp><DocEveId /><DocPDFBase64 /><DocPDFDownload /><DocDhAut /><DocDigestValue /><DocXMLBase64 /><DocXMLDownload /><DocImpressora /><Situacao><SitCodigo>100</SitCodigo><SitDescricao>Processado Envio</SitDescricao></Situacao></Documento>',
  );
  expect(r.body).toBe(
    '<?xml version="1.0" encoding="utf-8"?>' +
      '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      '<SOAP-ENV:Body><recepcao.ExecuteResponse xmlns="InvoiCy"><Invoicyretorno><Mensagem><MensagemItem><Codigo>100</Codigo><Descricao>Documentos processados</Descricao>' +
      `<Documentos><DocumentosItem><Documento><![CDATA[${inner}]]></Documento></DocumentosItem></Documentos></MensagemItem></Mensagem></Invoicyretorno></recepcao.ExecuteResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
  );
});

test('the official reply sample parses to the same structure our replies have', () => {
  const official = parseXml(read('Emissão/Exemplos XML/NFe/Exemplo retorno SOAP NFe 4.0.xml')) as Tree;
  const item = official['SOAP-ENV:Envelope']['SOAP-ENV:Body']['recepcao.ExecuteResponse'].Invoicyretorno.Mensagem.MensagemItem;
  expect(Object.keys(item).filter((k) => !k.startsWith('#'))).toEqual(['Codigo', 'Descricao', 'Documentos']);
  const inner = parseXml(item.Documentos.DocumentosItem.Documento) as Tree;
  const ours = parseXml(buildDocumentoReply({ Situacao: { SitCodigo: 1, SitDescricao: 'x' } })) as Tree;
  expect(Object.keys(ours.Documento)).toEqual(Object.keys(inner.Documento));
});
