import { SefazClient, type SefazTarget } from '../../src/sefaz/client';
import { createEndpointResolver } from '../../src/sefaz/endpoints';
import { SefazTransport, type SefazCredentials } from '../../src/sefaz/transport';
import { findElements, scanElements, sliceOf } from '../../src/sefaz/xml-text';
import { log } from '../../src/log/logger';
import { SefazMessageTooLarge } from '../../src/sefaz/errors';
import { enviNFeSizes } from '../../src/sefaz/message-size';
import { SEFAZ_LIMITS } from '../../src/fiscal/sefaz-limits';
import { sample } from './fixtures';
import { startServer, type TestServer } from './https-server';
import { createTestPki, type TestPki } from './tls-fixtures';

log.silent = true;

const NFE_NS = 'http://www.portalfiscal.inf.br/nfe';

function soapReply(operation: string, retXml: string): string {
  return (
    '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>' +
    `<nfeResultMsg xmlns="http://www.portalfiscal.inf.br/nfe/wsdl/${operation}">${retXml}</nfeResultMsg></soap:Body></soap:Envelope>`
  );
}

// SEFAZ stand-in: one canned answer per operation (last path segment, as in the simulator layout).
const ANSWERS: Record<string, string> = {
  NFeStatusServico4:
    `<retConsStatServ xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><verAplic>SVRS</verAplic><cStat>107</cStat>` +
    '<xMotivo>Servico em Operacao</xMotivo><cUF>29</cUF><dhRecbto>2026-11-23T10:00:00-03:00</dhRecbto><tMed>1</tMed></retConsStatServ>',
  NFeAutorizacao4: (() => {
    const t = sample('exemplo_retorno_sucesso_envia_lote.xml');
    return sliceOf(t, findElements(scanElements(t), 'retEnviNFe')[0]!);
  })(),
  NFeConsultaProtocolo4:
    `<retConsSitNFe xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><verAplic>SVRS</verAplic><cStat>217</cStat>` +
    '<xMotivo>Rejeicao: NF-e nao consta na base de dados da SEFAZ</xMotivo><cUF>29</cUF><dhRecbto>2026-11-23T10:00:00-03:00</dhRecbto>' +
    '<chNFe>29261158716523000119650010000000011000000010</chNFe></retConsSitNFe>',
};

describe('SefazClient against a loopback SEFAZ (simulator endpoint mode)', () => {
  let pki: TestPki;
  let srv: TestServer;
  let client: SefazClient;
  let transport: SefazTransport;
  let creds: SefazCredentials;
  const target: SefazTarget = { uf: 'BA', model: '65', tpAmb: '2' };

  beforeAll(async () => {
    pki = createTestPki();
    creds = { ...pki.client, fingerprint: 'client' };
    srv = await startServer(pki, '');
    srv.handler = (req, _body, res) => {
      const op = (req.url ?? '').split('/').pop()!;
      res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
      res.end(soapReply(op, ANSWERS[op] ?? ''));
    };
    transport = new SefazTransport({ trust: { mode: 'simulator', caPem: pki.ca } });
    client = new SefazClient(createEndpointResolver({ mode: 'simulator', baseUrl: srv.baseUrl }), transport);
  });
  afterAll(async () => {
    transport.close();
    await srv.close();
  });

  it('statusServico: BA NFC-e goes to SVRS with cUF 29', async () => {
    const r = await client.statusServico(target, creds);
    expect(r).toMatchObject({ cStat: '107', cUF: '29', tMed: '1', xml: ANSWERS.NFeStatusServico4 });
    const seen = srv.seen.at(-1)!;
    expect(seen.url).toBe('/SVRS/NFeStatusServico4');
    expect(seen.body).toContain(`<consStatServ xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><cUF>29</cUF><xServ>STATUS</xServ></consStatServ>`);
    expect(seen.headers['content-type']).toContain('action="http://www.portalfiscal.inf.br/nfe/wsdl/NFeStatusServico4/nfeStatusServicoNF"');
  });

  it('autorizar: synchronous lote, protocol with raw text', async () => {
    const r = await client.autorizar(target, creds, { idLote: '7', indSinc: '1', signedNfeXmls: ['<NFe xmlns="http://www.portalfiscal.inf.br/nfe"><infNFe/></NFe>'] });
    expect(r.cStat).toBe('104');
    expect(r.prot[0]).toMatchObject({ cStat: '100', nProt: '143210000624926' });
    expect(r.xml).toContain(r.prot[0]!.raw);
    expect(srv.seen.at(-1)!.body).toContain('<enviNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><idLote>7</idLote><indSinc>1</indSinc><NFe');
  });

  it('consultaProtocolo with an explicit authorizer and produção path', async () => {
    const r = await client.consultaProtocolo({ uf: 'SP', model: '55', tpAmb: '1', authorizer: 'SVCAN' }, creds, '29261158716523000119650010000000011000000010');
    expect(r.cStat).toBe('217');
    expect(r.prot).toBeUndefined();
    expect(srv.seen.at(-1)!.url).toBe('/producao/SVCAN/NFeConsultaProtocolo4');
    expect(srv.seen.at(-1)!.body).toContain('<tpAmb>1</tpAmb><xServ>CONSULTAR</xServ>');
  });

  it('a message over the service limit is never written: SefazMessageTooLarge (not sent), measured on the whole SOAP message', async () => {
    const before = srv.seen.length;
    const nfe = (bytes: number) => `<NFe xmlns="${NFE_NS}"><infNFe>${'x'.repeat(bytes)}</infNFe></NFe>`;
    const { fixedBytes } = enviNFeSizes([]);
    const room = SEFAZ_LIMITS.NFeAutorizacao4.maxMessageBytes - fixedBytes - nfe(0).length;
    const err = await client.autorizar(target, creds, { idLote: '000000000000007', indSinc: '1', signedNfeXmls: [nfe(room + 1)] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SefazMessageTooLarge);
    expect(err).toMatchObject({ kind: 'oversized', requestSent: false, operation: 'NFeAutorizacao4', messageBytes: SEFAZ_LIMITS.NFeAutorizacao4.maxMessageBytes + 1, limitBytes: 500 * 1024 });
    expect((err as Error).message).toBe('Mensagem de 501 KB para NFeAutorizacao4 excede o limite de 500 KB da SEFAZ; não enviada');
    expect(srv.seen.length).toBe(before);
    // Exactly at the limit it goes (and the server sees that many bytes).
    await client.autorizar(target, creds, { idLote: '000000000000007', indSinc: '1', signedNfeXmls: [nfe(room)] });
    expect(Buffer.byteLength(srv.seen.at(-1)!.body)).toBe(SEFAZ_LIMITS.NFeAutorizacao4.maxMessageBytes);
  });

  it('an answer of the wrong type is garbage', async () => {
    await expect(client.retAutorizacao(target, creds, '291000000000001')).rejects.toMatchObject({ kind: 'garbage', requestSent: true });
  });
});
