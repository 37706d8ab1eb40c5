import { buildExecuteResponse, buildRequestError, buildSoapFault, cdata } from '../../src/invoicy/reply';
import { buildConsultaReply, buildDocumentoReply, writeResult } from '../../src/invoicy/reply-documents';
import type { ConsultaEntry } from '../../src/invoicy/types';
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

describe('results written as inner reply documents (writeResult)', () => {
  const CHAVE = '43250112345678000195550010000000011000000019';
  const AT = new Date('2025-01-02T13:04:05Z');
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const empty = (names: string) => names.split(' ').map((n) => `<${n} />`).join('');

  test('document: its fields, dhAut at the UF offset, the distribution XML in base64', () => {
    expect(writeResult({
      kind: 'document', modelo: 'NFe', numero: 7, serie: 1, chave: CHAVE, protocol: '143250000000001', dhAut: AT, offset: '-03:00',
      digestValue: 'abc=', xml: '<nfeProc/>', code: '100', text: 'Autorizado o uso da NF-e', docStatus: 2, requestCode: 100,
    })).toBe(
      `<Documento><DocModelo>NFe</DocModelo><DocNumero>7</DocNumero><DocSerie>1</DocSerie><DocChaAcesso>${CHAVE}</DocChaAcesso><DocProtocolo>143250000000001</DocProtocolo><DocEvenSeq>0</DocEvenSeq><DocEveTp>0</DocEveTp>${empty('DocEveId DocPDFBase64 DocPDFDownload')}<DocDhAut>2025-01-02T10:04:05-03:00</DocDhAut><DocDigestValue>abc=</DocDigestValue><DocXMLBase64>${b64('<nfeProc/>')}</DocXMLBase64>${empty('DocXMLDownload DocImpressora')}<Situacao><SitCodigo>100</SitCodigo><SitDescricao>Autorizado o uso da NF-e</SitDescricao></Situacao></Documento>`,
    );
  });

  test('event: DocEveId is tpEvento + chave + nSeq, dhReg in DocDhAut', () => {
    const xml = writeResult({
      kind: 'event', modelo: 'NFe', numero: 7, serie: 1, chave: CHAVE, tpEvento: '110111', nSeq: 1, protocol: '1432', dhReg: AT, offset: '-03:00',
      xml: '<procEventoNFe/>', code: '135', text: 'Evento registrado', requestCode: 100,
    });
    expect(xml).toContain(`<DocProtocolo>1432</DocProtocolo><DocEvenSeq>1</DocEvenSeq><DocEveTp>110111</DocEveTp><DocEveId>110111${CHAVE}1</DocEveId>`);
    expect(xml).toContain(`<DocDhAut>2025-01-02T10:04:05-03:00</DocDhAut><DocDigestValue /><DocXMLBase64>${b64('<procEventoNFe/>')}</DocXMLBase64>`);
  });

  test('inutilização: a range is written nIni-nFin, one number alone', () => {
    const base = { kind: 'inutilizacao', modelo: 'NFCe', serie: 2, offset: '-03:00', code: '102', text: 'Inutilizacao homologada', requestCode: 100 } as const;
    expect(writeResult({ ...base, nIni: 5, nFin: 9 })).toContain('<DocModelo>NFCe</DocModelo><DocNumero>5-9</DocNumero><DocSerie>2</DocSerie><DocChaAcesso />');
    expect(writeResult({ ...base, nIni: 5, nFin: 5 })).toContain('<DocNumero>5</DocNumero>');
  });

  test('refusal: event fields 0 unless it names an event sequence; unprocessed: event fields empty', () => {
    expect(writeResult({ kind: 'refusal', modelo: 'NFe', numero: 3, serie: 1, code: 206, text: 'Rejeição', requestCode: 100 })).toBe(
      `<Documento><DocModelo>NFe</DocModelo><DocNumero>3</DocNumero><DocSerie>1</DocSerie>${empty('DocChaAcesso DocProtocolo')}<DocEvenSeq>0</DocEvenSeq><DocEveTp>0</DocEveTp>${empty('DocEveId DocPDFBase64 DocPDFDownload DocDhAut DocDigestValue DocXMLBase64 DocXMLDownload DocImpressora')}<Situacao><SitCodigo>206</SitCodigo><SitDescricao>Rejeição</SitDescricao></Situacao></Documento>`,
    );
    expect(writeResult({ kind: 'refusal', modelo: 'NFe', chave: CHAVE, event: { tpEvento: '110110', nSeq: 2 }, code: 573, text: 'Duplicidade', requestCode: 100 }))
      .toContain(`<DocChaAcesso>${CHAVE}</DocChaAcesso><DocProtocolo /><DocEvenSeq>2</DocEvenSeq><DocEveTp>110110</DocEveTp><DocEveId />`);
    expect(writeResult({ kind: 'unprocessed', modelo: 'NFe', code: 173, text: 'Outro emitente', requestCode: 100 })).toBe(
      `<Documento><DocModelo>NFe</DocModelo>${empty('DocNumero DocSerie DocChaAcesso DocProtocolo DocEvenSeq DocEveTp DocEveId DocPDFBase64 DocPDFDownload DocDhAut DocDigestValue DocXMLBase64 DocXMLDownload DocImpressora')}<Situacao><SitCodigo>173</SitCodigo><SitDescricao>Outro emitente</SitDescricao></Situacao></Documento>`,
    );
  });

  test('consulta: nothing found is one document with the reason; entries write only what their flags asked', () => {
    expect(writeResult({ kind: 'consulta', modelo: 'NFe', code: 117, text: 'Nenhum documento localizado', requestCode: 100, entries: [] })).toBe(
      '<Documento><DocModelo>NFe</DocModelo><DocSitCodigo>117</DocSitCodigo><DocSitDescricao>Nenhum documento localizado</DocSitDescricao><Eventos /></Documento>',
    );
    const plain: ConsultaEntry = { modelo: 'NFe', numero: 7, serie: 1, code: '217', text: 'Rejeitada', docStatus: 3, offset: '-03:00', events: [] };
    const full: ConsultaEntry = {
      ...plain, chave: CHAVE, protocol: '1432', code: '101', text: 'Cancelada', docStatus: 5, xml: '', pdf: 'sem PDF',
      summary: { dhEmi: AT, dhAut: AT, emitterName: 'Emitente & Cia', totalValue: '10.00' },
      events: [{ tpEvento: '110111', nSeq: 1, code: '135', protocol: '1433', dhReg: AT, xml: '<procEventoNFe/>' }],
    };
    const xml = writeResult({ kind: 'consulta', modelo: 'NFe', code: '217', text: 'Rejeitada', requestCode: 100, entries: [plain, full] });
    expect(xml).toBe(
      `<Documento><DocModelo>NFe</DocModelo><DocNumero>7</DocNumero><DocSerie>1</DocSerie>${empty('DocChaAcesso DocProtocolo')}<DocSitCodigo>217</DocSitCodigo><DocSitDescricao>Rejeitada</DocSitDescricao><DocStatus>3</DocStatus><DocIntegracao>1</DocIntegracao><Eventos /></Documento>` +
      `<Documento><DocModelo>NFe</DocModelo><DocNumero>7</DocNumero><DocSerie>1</DocSerie><DocChaAcesso>${CHAVE}</DocChaAcesso><DocProtocolo>1432</DocProtocolo><DocSitCodigo>101</DocSitCodigo><DocSitDescricao>Cancelada</DocSitDescricao><DocXML /><DocPDF>sem PDF</DocPDF><DocStatus>5</DocStatus><DocIntegracao>1</DocIntegracao>` +
      '<Resumo><DocDataEmissao>2025-01-02T10:04:05</DocDataEmissao><DocFusoHorario>-03:00</DocFusoHorario><DocDigestValue /><DocDhAut>2025-01-02T10:04:05-03:00</DocDhAut><DocNomeEmitente>Emitente &amp; Cia</DocNomeEmitente><DocCNPJDestinatario /><DocNomeDestinatario /><DocVlrTotal>10.00</DocVlrTotal></Resumo>' +
      `<Eventos><EventosItem><DocEvenSeq>1</DocEvenSeq><DocEveTp>110111</DocEveTp><DocEveXML>${b64('<procEventoNFe/>')}</DocEveXML><cStat>135</cStat><DocEveId>110111${CHAVE}1</DocEveId><DocEvePDF /><DocEveProtocolo>1433</DocEveProtocolo><DocEveDhReg>2025-01-02T10:04:05-03:00</DocEveDhReg></EventosItem></Eventos></Documento>`,
    );
  });
});
