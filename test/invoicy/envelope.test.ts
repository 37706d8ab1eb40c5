import { parseExecuteEnvelope } from '../../src/invoicy/envelope';
import { loadLibxml2 } from '../../src/xml/libxml2';
import * as xmlParse from '../../src/xml/parse';
import { MASKED_DTDS } from '../support/masked-dtds';

function envelope(documento: string, declaration = ''): string {
  return `${declaration}<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:inv="InvoiCy"><soapenv:Body>` +
    '<inv:recepcao.Execute><inv:Invoicyrecepcao><inv:Cabecalho><inv:EmpPK>pk</inv:EmpPK><inv:EmpCK>ck</inv:EmpCK></inv:Cabecalho>' +
    `<inv:Dados><inv:DadosItem><inv:Documento>${documento}</inv:Documento></inv:DadosItem></inv:Dados>` +
    '</inv:Invoicyrecepcao></inv:recepcao.Execute></soapenv:Body></soapenv:Envelope>';
}

async function documentoOf(body: string | Buffer): Promise<string> {
  const parsed = await parseExecuteEnvelope(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.request.items[0]!.documento;
}

describe('envelope reading', () => {
  test('a declared ISO-8859-1 encoding is not applied again to a UTF-8 body', async () => {
    const body = Buffer.from(envelope('&lt;xNome&gt;AÇÃO&lt;/xNome&gt;', '<?xml version="1.0" encoding="ISO-8859-1"?>'), 'utf8');
    expect(await documentoOf(body)).toBe('<xNome>AÇÃO</xNome>');
  });

  test('escaped text and CDATA come back exactly as sent, whitespace included', async () => {
    expect(await documentoOf(envelope('\n\t&lt;a&gt;x &amp;amp; y&lt;/a&gt;\r\n'))).toBe('\n\t<a>x &amp; y</a>\n');
    expect(await documentoOf(envelope('<![CDATA[ <a>é</a> ]]>'))).toBe(' <a>é</a> ');
  });

  test('a Documento larger than libxml2\'s 10 MB text limit is read whole', async () => {
    const big = `&lt;Envio&gt;${'x'.repeat(10_500_000)}&lt;/Envio&gt;`;
    expect((await documentoOf(envelope(big))).length).toBe(10_500_000 + '<Envio></Envio>'.length);
  });

  test.each([
    ['an undeclared prefix', envelope('x').replace('<inv:Dados>', '<zz:Dados>').replace('</inv:Dados>', '</zz:Dados>')],
    ['a bare ampersand', envelope('a & b')],
    ['an unquoted attribute', envelope('x').replace('<inv:Dados>', '<inv:Dados a=1>')],
    ['100,000 nested elements', envelope('x').replace('<inv:Dados>', `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}<inv:Dados>`)],
  ])('%s is a SOAP Fault', async (_name, body) => {
    const parsed = await parseExecuteEnvelope(body);
    expect(parsed).toEqual({ ok: false, error: expect.objectContaining({ kind: 'fault', faultcode: 'SOAP-ENV:Client' }) });
  });

  const dtdFault = { ok: false, error: { kind: 'fault', faultcode: 'SOAP-ENV:Client', faultstring: expect.stringContaining('DOCTYPE/ENTITY') } };

  test.each(MASKED_DTDS)('a DTD in the prolog, %s → Fault; the entity is never read', async (_name, prolog) => {
    expect(await parseExecuteEnvelope(`${prolog}${envelope('&e;')}`)).toEqual(dtdFault);
  });

  test.each([
    ['in a comment', '<!-- <!DOCTYPE x> -->'],
    ['in a PI', '<?x <!DOCTYPE x> ?>'],
    ['in a CDATA section inside a comment', '<!-- <![CDATA[ <!DOCTYPE x> ]]> -->'],
  ])('a DOCTYPE %s of the envelope → Fault', async (_name, hidden) => {
    expect(await parseExecuteEnvelope(envelope('x').replace('<soapenv:Body>', `<soapenv:Body>${hidden}`))).toEqual(dtdFault);
  });

  test('a DOCTYPE in the CDATA or escaped text of Documento belongs to the inner document (judged there)', async () => {
    expect(await documentoOf(envelope('<![CDATA[<!DOCTYPE a><a/>]]>'))).toBe('<!DOCTYPE a><a/>');
    expect(await documentoOf(envelope('&lt;!DOCTYPE a&gt;&lt;a/&gt;'))).toBe('<!DOCTYPE a><a/>');
  });

  test('a DTD that got past the markup scan is still refused: libxml2 reports it', async () => {
    const scan = jest.spyOn(xmlParse, 'assertSafeMarkup').mockImplementation(() => undefined);
    try {
      expect(await parseExecuteEnvelope(`${MASKED_DTDS[0]![1]}${envelope('&e;')}`)).toEqual(dtdFault);
      expect(scan).toHaveBeenCalled();
    } finally {
      scan.mockRestore();
    }
  });

  test('an envelope over the limits → Fault naming the limit', async () => {
    const attrs = Array.from({ length: 300 }, (_, i) => ` a${i}="1"`).join('');
    expect(await parseExecuteEnvelope(envelope('x').replace('<inv:Dados>', `<inv:Dados${attrs}>`))).toEqual({
      ok: false, error: { kind: 'fault', faultcode: 'SOAP-ENV:Client', faultstring: 'Requisição recusada: XML recusado: o número de atributos de um elemento excede o limite de 256' },
    });
  });

  test('every parsed envelope is freed from the wasm heap', async () => {
    const { XmlDocument } = await loadLibxml2();
    const disposed = jest.spyOn(XmlDocument.prototype, 'dispose');
    try {
      for (const body of [envelope('x'), envelope('x').replace('soapenv:Body', 'soapenv:Header').replace('soapenv:Body', 'soapenv:Header')]) {
        disposed.mockClear();
        await parseExecuteEnvelope(body);
        expect(disposed).toHaveBeenCalledTimes(1);
      }
    } finally {
      disposed.mockRestore();
    }
  });
});
