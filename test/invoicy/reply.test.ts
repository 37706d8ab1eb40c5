import { buildExecuteResponse, buildRequestError, buildSoapFault, cdata } from '../../src/invoicy/reply';
import { buildConsultaReply, buildDocumentoReply } from '../../src/invoicy/reply-documents';
import { parseXml } from '../../src/xml/parse';

const HEAD =
  '<?xml version="1.0" encoding="utf-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><SOAP-ENV:Body>';

describe('reply envelope', () => {
  test('request-level error: byte-exact, empty <Documentos/>', () => {
    expect(buildRequestError(173, 'Chave de comunicação inválida')).toBe(
      `${HEAD}<recepcao.ExecuteResponse xmlns="InvoiCy"><Invoicyretorno><Mensagem><MensagemItem><Codigo>173</Codigo><Descricao>Chave de comunicação inválida</Descricao><Documentos/></MensagemItem></Mensagem></Invoicyretorno></recepcao.ExecuteResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
    );
  });

  test('groups and documents in CDATA, in order', () => {
    const xml = buildExecuteResponse([
      { codigo: 100, descricao: 'Documentos processados', documentos: ['<Documento>A</Documento>', '<Documento>B</Documento>'] },
      { codigo: 109, descricao: 'SEFAZ & cia', documentos: ['<Documento>C</Documento>'] },
    ]);
    expect(xml).toContain(
      '<MensagemItem><Codigo>100</Codigo><Descricao>Documentos processados</Descricao><Documentos><DocumentosItem><Documento><![CDATA[<Documento>A</Documento>]]></Documento></DocumentosItem><DocumentosItem><Documento><![CDATA[<Documento>B</Documento>]]></Documento></DocumentosItem></Documentos></MensagemItem><MensagemItem><Codigo>109</Codigo><Descricao>SEFAZ &amp; cia</Descricao>',
    );
  });

  test.each([
    ['plain', '<a>x</a>'],
    ['one ]]>', '<a>]]></a>'],
    ['several', ']]>]]]]>>]]'],
  ])('CDATA survives %s', (_n, text) => {
    const parsed = parseXml(`<r>${cdata(text)}</r>`) as { r: string };
    expect(parsed.r).toBe(text);
  });

  test('SOAP fault: SOAP 1.1 shape, escaped text, no stack', () => {
    const xml = buildSoapFault('XML <inválido>');
    expect(xml).toBe(`${HEAD}<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>XML &lt;inválido&gt;</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`);
  });
});

describe('inner reply documents', () => {
  test('emission reply: exact order, empty values as <X />, optional groups only when given', () => {
    expect(
      buildDocumentoReply({ DocModelo: 'NFe', DocNumero: 5114, DocSerie: '770', DocEvenSeq: 0, DocEveTp: 0, DocXMLDownload: 'https://h/x?a=1&b=2', Situacao: { SitCodigo: 100, SitDescricao: 'Autorizado o uso da NF-e' } }),
    ).toBe(
      '<Documento><DocModelo>NFe</DocModelo><DocNumero>5114</DocNumero><DocSerie>770</DocSerie><DocChaAcesso /><DocProtocolo /><DocEvenSeq>0</DocEvenSeq><DocEveTp>0</DocEveTp><DocEveId /><DocPDFBase64 /><DocPDFDownload /><DocDhAut /><DocDigestValue /><DocXMLBase64 /><DocXMLDownload>https://h/x?a=1&amp;b=2</DocXMLDownload><DocImpressora /><Situacao><SitCodigo>100</SitCodigo><SitDescricao>Autorizado o uso da NF-e</SitDescricao></Situacao></Documento>',
    );
  });

  test('emission reply with DocNumeroPedido/DocIeEmitente and MensagemSefaz', () => {
    const xml = buildDocumentoReply({ DocIeEmitente: '123', DocNumeroPedido: 'P1', Situacao: { SitCodigo: 100, SitDescricao: 'ok' }, MensagemSefaz: { CodMsg: 200, DscMsg: 'Msg <fisco>' } });
    expect(xml).toContain('<DocImpressora /><DocNumeroPedido>P1</DocNumeroPedido><DocIeEmitente>123</DocIeEmitente><Situacao>');
    expect(xml.endsWith('</Situacao><MensagemSefaz><CodMsg>200</CodMsg><DscMsg>Msg &lt;fisco&gt;</DscMsg></MensagemSefaz></Documento>')).toBe(true);
  });

  test('consulta reply: given fields in order, Resumo, Eventos (empty when none)', () => {
    expect(buildConsultaReply({ DocStatus: 2, DocModelo: 'NFe', DocSitCodigo: 100, DocXML: '' })).toBe(
      '<Documento><DocModelo>NFe</DocModelo><DocSitCodigo>100</DocSitCodigo><DocXML /><DocStatus>2</DocStatus><Eventos /></Documento>',
    );
    const xml = buildConsultaReply({
      DocModelo: 'NFe',
      Resumo: { DocVlrTotal: '10.00', DocDataEmissao: '2025-01-01' },
      Eventos: [{ cStat: 135, DocEveTp: 110111, DocEvenSeq: 1 }],
      DocumentoSubstituto: { NumeroSubs: 2 },
    });
    expect(xml).toBe(
      '<Documento><DocModelo>NFe</DocModelo><Resumo><DocDataEmissao>2025-01-01</DocDataEmissao><DocVlrTotal>10.00</DocVlrTotal></Resumo><Eventos><EventosItem><DocEvenSeq>1</DocEvenSeq><DocEveTp>110111</DocEveTp><cStat>135</cStat></EventosItem></Eventos><DocumentoSubstituto><NumeroSubs>2</NumeroSubs></DocumentoSubstituto></Documento>',
    );
  });
});
