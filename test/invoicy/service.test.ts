import { parseXml } from '../../src/xml/parse';
import { buildRequestError } from '../../src/invoicy/reply';
import { encodeCp1252 } from '../../src/invoicy/cp1252';
import {
  ACCESS_KEY, CNPJ, DISABLED_CNPJ, OTHER_CNPJ, PARTNER_KEY, cancelEvent, envelope, md5, nfe, postSoap, request, SOAP_HEADERS, startServer,
  type TestServer,
} from './helpers';

type Tree = Record<string, any>;

/** Parses a reply and returns its MensagemItem list (always an array). */
function messages(body: string): { Codigo: string; Descricao: string; docs: string[] }[] {
  const tree = parseXml(body, { arrays: ['MensagemItem', 'DocumentosItem'] }) as Tree;
  const items = tree['SOAP-ENV:Envelope']['SOAP-ENV:Body']['recepcao.ExecuteResponse'].Invoicyretorno.Mensagem.MensagemItem as Tree[];
  return items.map((m) => ({ Codigo: m.Codigo, Descricao: m.Descricao, docs: (m.Documentos?.DocumentosItem ?? []).map((d: Tree) => d.Documento as string) }));
}

function sitCodigo(doc: string): string {
  return (parseXml(doc) as Tree).Documento.Situacao.SitCodigo;
}

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ bodyLimitBytes: 64 * 1024 });
});
afterAll(() => s.close());

describe('WSDL', () => {
  test.each(['/ARECEPCAO.ASPX?WSDL', '/arecepcao.aspx?wsdl', '/arecepcao.aspx?wsdl=1'])('GET %s → WSDL with soap:address from Host', async (url) => {
    const r = await request(s.port, 'GET', url, undefined, { Host: 'erp-gw.example:8080' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(r.body).toContain('<soap:address location="http://erp-gw.example:8080/arecepcao.aspx"/>');
    expect(r.body).toContain('soapAction="InvoiCyaction/ARECEPCAO.Execute"');
    const wsdl = parseXml(r.body, { removeNSPrefix: true }) as Tree;
    expect(wsdl.definitions['@_name']).toBe('recepcao');
    expect(wsdl.definitions['@_targetNamespace']).toBe('InvoiCy');
  });

  test('X-Forwarded-Proto/-Host win over Host', async () => {
    const r = await request(s.port, 'GET', '/arecepcao.aspx?WSDL', undefined, { Host: 'internal:1', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'nfe.example.com.br, proxy2' });
    expect(r.body).toContain('location="https://nfe.example.com.br/arecepcao.aspx"');
  });

  test('GET without ?wsdl → short page; PUT → 405', async () => {
    const page = await request(s.port, 'GET', '/arecepcao.aspx');
    expect(page.status).toBe(200);
    expect(page.body).toContain('?wsdl');
    expect((await request(s.port, 'PUT', '/arecepcao.aspx', 'x')).status).toBe(405);
  });
});

describe('accepted request forms', () => {
  const body = () => envelope([{ documento: nfe() }]);
  test.each<[string, Record<string, string>, string]>([
    ['standard headers', SOAP_HEADERS, '/arecepcao.aspx'],
    ['no SOAPAction and no Content-Type', {}, '/arecepcao.aspx'],
    ['unquoted SOAPAction', { SOAPAction: 'InvoiCyaction/ARECEPCAO.Execute' }, '/arecepcao.aspx'],
    ['POST to ?wsdl', SOAP_HEADERS, '/arecepcao.aspx?wsdl'],
    ['POST to ?WSDL, upper-case path', {}, '/ARECEPCAO.ASPX?WSDL'],
  ])('%s', async (_n, headers, url) => {
    const r = await postSoap(s.port, body(), headers, url);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/xml; charset=utf-8');
    const [m] = messages(r.body);
    expect(m!.Codigo).toBe('100');
    expect(m!.Descricao).toBe('Documentos processados');
    expect(sitCodigo(m!.docs[0]!)).toBe('100');
  });

  test.each([
    ['prefixed, escaped', { style: 'prefixed' as const }],
    ['default namespace, CDATA', { style: 'default' as const, cdata: true }],
    ['unqualified children, escaped', { style: 'unqualified' as const }],
    ['missing Informacoes/EmpCO/Parametros', { omitOptional: true }],
  ])('%s', async (_n, o) => {
    const doc = `\n\t\t${nfe(CNPJ, 7, 'NFe', ' AÇÃO &amp; "aspas"')}\n\t`;
    const before = s.backend.calls.length;
    const r = await postSoap(s.port, envelope([{ documento: doc }], o));
    expect(messages(r.body)[0]!.Codigo).toBe('100');
    const [sent] = s.backend.calls[before]!;
    expect(sent!.documentXml).toBe(doc); // untrimmed, as received
    expect(sent!.parametrosXml).toBeUndefined();
    expect([sent!.kind, sent!.modelo, sent!.cnpj, sent!.tpAmb]).toEqual(['Envio', 'NFe', CNPJ, '2']);
  });

  test('Windows-1252 body with accents is decoded and authenticated', async () => {
    const doc = nfe(CNPJ, 8, 'NFe', ' INFORMAÇÃO €');
    const xml = envelope([{ documento: doc }], { empCK: md5(encodeCp1252(ACCESS_KEY + doc)!) });
    const before = s.backend.calls.length;
    const r = await postSoap(s.port, encodeCp1252(xml)!, { 'Content-Type': 'text/xml; charset=windows-1252' });
    expect(messages(r.body)[0]!.Codigo).toBe('100');
    expect(s.backend.calls[before]![0]!.documentXml).toBe(doc);
  });

  test('50 documents are processed; one MensagemItem per model, one DocumentosItem per document', async () => {
    const docs = Array.from({ length: 50 }, (_, i) => ({ documento: i % 2 ? nfe(CNPJ, i, 'NFCe') : nfe(CNPJ, i) }));
    docs[4] = { documento: cancelEvent() };
    const r = await postSoap(s.port, envelope(docs));
    const ms = messages(r.body);
    expect(ms.map((m) => [m.Codigo, m.docs.length])).toEqual([['100', 25], ['100', 25]]);
    expect(ms[0]!.Descricao).toBe('Documentos processados');
  });
});

describe('request-level answers', () => {
  test('51 documents → 145, nothing processed', async () => {
    const before = s.backend.calls.length;
    const r = await postSoap(s.port, envelope(Array.from({ length: 51 }, (_, i) => ({ documento: nfe(CNPJ, i) }))));
    const [m] = messages(r.body);
    expect(m!.Codigo).toBe('145');
    expect(m!.Descricao).toContain('no máximo 50 documentos');
    expect(m!.docs).toEqual([]);
    expect(r.body).toContain('<Documentos/>');
    expect(s.backend.calls.length).toBe(before);
  });

  test('zero documents → 145', async () => {
    expect(messages((await postSoap(s.port, envelope([]))).body)[0]!.Codigo).toBe('145');
  });

  test('wrong EmpCK, unknown partner, other partner company and unknown company → identical 173 bytes', async () => {
    const doc = nfe();
    const replies = await Promise.all([
      postSoap(s.port, envelope([{ documento: doc }], { empCK: md5('wrong' + doc) })),
      postSoap(s.port, envelope([{ documento: doc }], { empPK: 'AAAAAAAAAAAAAAAAAAAAAA==' })),
      postSoap(s.port, envelope([{ documento: nfe('12345678000195') }])),
      postSoap(s.port, envelope([{ documento: doc }], { empPK: '' })),
    ]);
    for (const r of replies) {
      expect(r.status).toBe(200);
      expect(r.body).toBe(buildRequestError(173, 'Chave de comunicação inválida'));
    }
  });

  test('EmpCK of another company of the same partner → 173', async () => {
    const doc = nfe();
    const r = await postSoap(s.port, envelope([{ documento: doc }], { empCK: md5('ffffeeeeddddccccbbbbaaaa99998888' + doc) }));
    expect(messages(r.body)[0]!.Codigo).toBe('173');
  });

  test('disabled company → 606', async () => {
    const doc = nfe(DISABLED_CNPJ);
    const r = await postSoap(s.port, envelope([{ documento: doc }], { empCK: md5('0123456789abcdef0123456789abcdef' + doc) }));
    expect(messages(r.body)[0]).toEqual({ Codigo: '606', Descricao: 'Empresa não habilitada para utilizar o sistema', docs: [] });
  });

  test('malformed first document → 145', async () => {
    const r = await postSoap(s.port, envelope([{ documento: '<Envio><xNome>A & B</xNome></Envio>' }]));
    expect(messages(r.body)[0]!.Codigo).toBe('145');
  });

  test('inner billion-laughs → 145, entity never expanded', async () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Envio><xNome>&lol3;</xNome></Envio>';
    for (const cdata of [false, true]) {
      const r = await postSoap(s.port, envelope([{ documento: bomb }], { cdata }));
      const [m] = messages(r.body);
      expect(m!.Codigo).toBe('145');
      expect(m!.Descricao).toContain('DOCTYPE');
      expect(r.body).not.toContain('lollol');
    }
  });

  test('unknown root in first document without emitter → 176', async () => {
    const r = await postSoap(s.port, envelope([{ documento: '<Pedido><x>1</x></Pedido>' }]));
    expect(messages(r.body)[0]!.Codigo).toBe('176');
  });

  test('backend failure → 999 with request id, error logged with stack, none in the reply', async () => {
    s.backend.fail = true;
    try {
      const r = await postSoap(s.port, envelope([{ documento: nfe() }]));
      const [m] = messages(r.body);
      expect(m!.Codigo).toBe('999');
      expect(m!.Descricao).toMatch(/^Erro interno: [0-9a-f-]{36}$/);
      expect(r.body).not.toMatch(/\bat /);
      const logged = s.logs.records.find((l) => l.message === 'erro interno na chamada SOAP' && l.requestId === m!.Descricao.slice(14));
      expect(String(logged?.stack)).toContain('falha simulada');
    } finally {
      s.backend.fail = false;
    }
  });
});

describe('document-level answers', () => {
  test('second document of another CNPJ is rejected and never processed', async () => {
    const before = s.backend.calls.length;
    const r = await postSoap(s.port, envelope([{ documento: nfe(CNPJ, 1) }, { documento: nfe(OTHER_CNPJ, 2) }]));
    const [m] = messages(r.body);
    expect(m!.Codigo).toBe('100');
    expect(m!.docs.map(sitCodigo)).toEqual(['100', '173']);
    expect(m!.docs[1]).toContain(OTHER_CNPJ);
    expect(s.backend.calls[before]!.map((d) => d.cnpj)).toEqual([CNPJ]);
  });

  test('unknown root → 176, malformed second document → 145, others processed', async () => {
    const r = await postSoap(s.port, envelope([{ documento: `<Foo><CNPJ_emit>${CNPJ}</CNPJ_emit></Foo>` }, { documento: '<Envio>' }, { documento: cancelEvent() }]));
    const ms = messages(r.body);
    expect(ms.map((m) => m.Codigo)).toEqual(['100', '100']);
    expect(ms[0]!.docs.map(sitCodigo)).toEqual(['176', '145']);
    expect(ms[1]!.Descricao).toBe('Eventos processados');
    expect(sitCodigo(ms[1]!.docs[0]!)).toBe('100');
  });

  test('request code per model group: 108 wins over 109 wins over 100', async () => {
    s.backend.requestCodes = new Map([[1, 109], [2, 108], [4, 109]]);
    try {
      const docs = [nfe(CNPJ, 1), nfe(CNPJ, 2), nfe(CNPJ, 3), nfe(CNPJ, 4, 'NFCe'), nfe(CNPJ, 5, 'NFCe'), nfe(CNPJ, 6, 'CTe')];
      const ms = messages((await postSoap(s.port, envelope(docs.map((documento) => ({ documento }))))).body);
      expect(ms.map((m) => [m.Codigo, m.docs.length])).toEqual([['108', 3], ['109', 2], ['100', 1]]);
    } finally {
      s.backend.requestCodes = new Map();
    }
  });
});

describe('refused envelopes (SOAP Fault, HTTP 500)', () => {
  test.each([
    ['not XML', 'hello'],
    ['malformed XML', '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'],
    ['no recepcao.Execute', '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><x/></soapenv:Body></soapenv:Envelope>'],
    ['not an Envelope', '<InvoiCy xmlns="InvoiCy"/>'],
    ['unbound prefix', '<a:Envelope/>'],
  ])('%s', async (_n, body) => {
    const r = await postSoap(s.port, body);
    expect(r.status).toBe(500);
    const fault = (parseXml(r.body) as Tree)['SOAP-ENV:Envelope']['SOAP-ENV:Body']['SOAP-ENV:Fault'];
    expect(fault.faultcode).toBe('SOAP-ENV:Client');
    expect(fault.faultstring).toMatch(/Requisição/);
    expect(r.body).not.toMatch(/\bat \S+ \(|\.ts:\d+/);
  });

  test('outer DOCTYPE → Fault saying why', async () => {
    const body = `<!DOCTYPE x [<!ENTITY e "${PARTNER_KEY}">]>${envelope([{ documento: nfe() }]).replace(PARTNER_KEY, '&e;')}`;
    const r = await postSoap(s.port, body);
    expect(r.status).toBe(500);
    expect(r.body).toContain('DOCTYPE/ENTITY');
  });

  test('SOAP 1.2 envelope → VersionMismatch', async () => {
    const r = await postSoap(s.port, envelope([{ documento: nfe() }]).replace('http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope'));
    expect(r.status).toBe(500);
    expect(r.body).toContain('<faultcode>SOAP-ENV:VersionMismatch</faultcode>');
  });

  test('body over the limit → 413 Fault, nothing processed', async () => {
    const before = s.backend.calls.length;
    const big = envelope([{ documento: nfe(CNPJ, 1, 'NFe', 'x'.repeat(70 * 1024)) }]);
    const r = await postSoap(s.port, big);
    expect(r.status).toBe(413);
    expect(r.body).toContain('excede o limite de 65536 bytes');
    expect(s.backend.calls.length).toBe(before);
  });
});

describe('logging', () => {
  test('one summary line per call with request id, partner and CNPJ; no secrets or contents', async () => {
    s.logs.lines.length = 0;
    const doc = nfe(CNPJ, 99, 'NFe', 'CONTEUDO-SECRETO');
    const r = await postSoap(s.port, envelope([{ documento: doc }]));
    expect(messages(r.body)[0]!.Codigo).toBe('100');
    const summaries = s.logs.records.filter((l) => l.message === 'soap call');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ kind: 'Envio', documents: 1, codes: [100], docCodes: ['100'], partner: 'p1', cnpj: CNPJ, requestId: expect.any(String), keyMatch: 'raw/utf-8' });
    const all = s.logs.lines.join('\n');
    for (const secret of [PARTNER_KEY, ACCESS_KEY, md5(ACCESS_KEY + doc), 'CONTEUDO-SECRETO']) expect(all).not.toContain(secret);
    expect(s.backend.recorded.at(-1)).toMatchObject({ kind: 'Envio', codes: [100], docCodes: ['100'], documents: 1, companyId: 'c1' });
  });
});
