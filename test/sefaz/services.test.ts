// SEFAZ service descriptors: the NF-e 4.00 facts they declare, and the two ends of the wire (the
// gateway's transport and the simulator's envelope reader/writer) agreeing through one descriptor,
// including shapes NF-e does not use: CT-e's gzip+base64 body and DF-e's nested wrapper (cte.md §2,
// dfe-distribution.md §1).
import { gunzipSync } from 'node:zlib';
import { SEFAZ_LIMITS, type SefazOperation } from '../../src/fiscal/sefaz-limits';
import { log } from '../../src/log/logger';
import type { SoapService } from '../../src/sefaz/services/descriptor';
import { NFE_SERVICES, type SefazService } from '../../src/sefaz/services/nfe';
import { SefazTransport, soapEnvelope, type SefazCredentials } from '../../src/sefaz/transport';
import { extractBusinessXml, soapEnvelope as simulatorEnvelope } from '../../src/simulator/soap';
import { startServer, type TestServer } from './https-server';
import { createTestPki, type TestPki } from './tls-fixtures';

log.silent = true;

const CTE_NS = 'http://www.portalfiscal.inf.br/cte';
const NFE_NS = 'http://www.portalfiscal.inf.br/nfe';

/** CTeRecepcaoSincV4 as cte.md §2 describes it. */
const CTE_RECEPCAO_SINC: SoapService = {
  operation: 'CTeRecepcaoSincV4',
  method: 'cteRecepcao',
  namespace: 'http://www.portalfiscal.inf.br/cte/wsdl/CTeRecepcaoSincV4',
  request: { wrapper: ['cteDadosMsg'], encoding: 'gzip-base64', root: 'CTe', dataNamespace: CTE_NS }, // versao is on infCte
  reply: { wrapper: ['cteRecepcaoResult'], root: 'retCTe' },
  limits: { maxMessageBytes: 512 * 1024 },
};

/** NFeDistribuicaoDFe as dfe-distribution.md §1 describes it. */
const NFE_DIST_DFE: SoapService = {
  operation: 'NFeDistribuicaoDFe',
  method: 'nfeDistDFeInteresse',
  namespace: 'http://www.portalfiscal.inf.br/nfe/wsdl/NFeDistribuicaoDFe',
  request: { wrapper: ['nfeDistDFeInteresse', 'nfeDadosMsg'], encoding: 'xml', root: 'distDFeInt', versao: '1.01', dataNamespace: NFE_NS },
  reply: { wrapper: ['nfeDistDFeInteresseResponse', 'nfeDistDFeInteresseResult'], root: 'retDistDFeInt' },
  limits: { maxMessageBytes: 10 * 1024 },
};

const CTE = `<CTe xmlns="${CTE_NS}"><infCte versao="4.00" Id="CTe35240612345678000195570010000000011000000011"><ide><cUF>35</cUF><xObs>${'Transporte de carga '.repeat(40)}</xObs></ide></infCte></CTe>`;
const DIST = `<distDFeInt xmlns="${NFE_NS}" versao="1.01"><tpAmb>2</tpAmb><cUFAutor>35</cUFAutor><CNPJ>12345678000195</CNPJ><distNSU><ultNSU>000000000000000</ultNSU></distNSU></distDFeInt>`;

describe('NF-e 4.00 descriptors', () => {
  it.each<[SefazService, SefazOperation, string, string, string, string]>([
    ['NfeStatusServico', 'NFeStatusServico4', 'nfeStatusServicoNF', 'consStatServ', '4.00', 'retConsStatServ'],
    ['NfeAutorizacao', 'NFeAutorizacao4', 'nfeAutorizacaoLote', 'enviNFe', '4.00', 'retEnviNFe'],
    ['NfeRetAutorizacao', 'NFeRetAutorizacao4', 'nfeRetAutorizacaoLote', 'consReciNFe', '4.00', 'retConsReciNFe'],
    ['NfeConsultaProtocolo', 'NFeConsultaProtocolo4', 'nfeConsultaNF', 'consSitNFe', '4.00', 'retConsSitNFe'],
    ['NfeInutilizacao', 'NFeInutilizacao4', 'nfeInutilizacaoNF', 'inutNFe', '4.00', 'retInutNFe'],
    ['RecepcaoEvento', 'NFeRecepcaoEvento4', 'nfeRecepcaoEvento', 'envEvento', '1.00', 'retEnvEvento'],
  ])('%s: %s/%s, %s %s → %s, inline in nfeDadosMsg', (service, operation, method, root, versao, replyRoot) => {
    expect(NFE_SERVICES[service]).toMatchObject({
      service,
      operation,
      method,
      namespace: `http://www.portalfiscal.inf.br/nfe/wsdl/${operation}`,
      request: { wrapper: ['nfeDadosMsg'], encoding: 'xml', root, versao, dataNamespace: NFE_NS },
      reply: { wrapper: ['nfeResultMsg'], root: replyRoot },
    });
    expect(NFE_SERVICES[service].limits).toBe(SEFAZ_LIMITS[operation]);
  });

  it('builds the message and parses the answer of its service', () => {
    const d = NFE_SERVICES.NfeConsultaProtocolo;
    expect(d.build({ tpAmb: '2', chave: '3'.repeat(44) })).toBe(
      `<consSitNFe xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><xServ>CONSULTAR</xServ><chNFe>${'3'.repeat(44)}</chNFe></consSitNFe>`,
    );
    const ret = `<retConsSitNFe xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><verAplic>SP</verAplic><cStat>217</cStat><xMotivo>x</xMotivo><cUF>35</cUF></retConsSitNFe>`;
    expect(d.parse(ret, {})).toMatchObject({ cStat: '217', cUF: '35', eventos: [] });
  });
});

describe('one descriptor, both ends of the wire', () => {
  it('gzip+base64 (CT-e): the transport writes base64 text in cteDadosMsg, the simulator reads the CT-e back exactly', () => {
    const envelope = soapEnvelope(CTE_RECEPCAO_SINC, CTE);
    const text = /<cteDadosMsg xmlns="http:\/\/www\.portalfiscal\.inf\.br\/cte\/wsdl\/CTeRecepcaoSincV4">([^<]*)<\/cteDadosMsg>/.exec(envelope)?.[1];
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(gunzipSync(Buffer.from(text!, 'base64')).toString('utf8')).toBe(CTE);
    expect(Buffer.byteLength(envelope)).toBeLessThan(CTE.length); // the size SEFAZ limits is the compressed one
    expect(extractBusinessXml(envelope, CTE_RECEPCAO_SINC)).toEqual({ ok: true, xml: CTE });
  });

  it('gzip+base64 that does not decompress → 244', () => {
    const envelope = soapEnvelope(CTE_RECEPCAO_SINC, CTE).replace(/(<cteDadosMsg[^>]*>)[^<]*/, '$1bm90IGd6aXA=');
    expect(extractBusinessXml(envelope, CTE_RECEPCAO_SINC)).toEqual({
      ok: false,
      rejection: { cStat: '244', xMotivo: 'Rejeição: Falha na descompactação da área de dados' },
    });
  });

  it('nested wrapper (DF-e): nfeDistDFeInteresse › nfeDadosMsg, read back; a missing inner wrapper or another namespace → 242', () => {
    const envelope = soapEnvelope(NFE_DIST_DFE, DIST);
    expect(envelope).toContain(`<soap:Body><nfeDistDFeInteresse xmlns="${NFE_DIST_DFE.namespace}"><nfeDadosMsg>${DIST}</nfeDadosMsg></nfeDistDFeInteresse></soap:Body>`);
    expect(extractBusinessXml(envelope, NFE_DIST_DFE)).toEqual({ ok: true, xml: DIST });
    // The same message written as an NF-e service would write it.
    const flat = soapEnvelope({ ...NFE_DIST_DFE, request: { ...NFE_DIST_DFE.request, wrapper: ['nfeDadosMsg'] } }, DIST);
    expect(extractBusinessXml(flat, NFE_DIST_DFE)).toMatchObject({ ok: false, rejection: { cStat: '242' } });
    const inner = soapEnvelope({ ...NFE_DIST_DFE, request: { ...NFE_DIST_DFE.request, wrapper: ['nfeDistDFeInteresse'] } }, DIST);
    expect(extractBusinessXml(inner, NFE_DIST_DFE)).toMatchObject({ ok: false, rejection: { cStat: '242', xMotivo: expect.stringContaining('nfeDadosMsg') } });
    const otherNs = soapEnvelope({ ...NFE_DIST_DFE, namespace: NFE_SERVICES.NfeStatusServico.namespace }, DIST);
    expect(extractBusinessXml(otherNs, NFE_DIST_DFE)).toMatchObject({ ok: false, rejection: { cStat: '242' } });
  });

  it('the business root, version and data namespace are the descriptor’s (516, 239, 587)', () => {
    expect(extractBusinessXml(soapEnvelope(CTE_RECEPCAO_SINC, CTE.replace(/CTe\b/g, 'CTeOS')), CTE_RECEPCAO_SINC)).toMatchObject({ ok: false, rejection: { cStat: '516' } });
    expect(extractBusinessXml(soapEnvelope(NFE_DIST_DFE, DIST.replace('1.01', '1.00')), NFE_DIST_DFE)).toMatchObject({ ok: false, rejection: { cStat: '239' } });
    expect(extractBusinessXml(soapEnvelope(NFE_DIST_DFE, DIST.replace(NFE_NS, CTE_NS)), NFE_DIST_DFE)).toMatchObject({ ok: false, rejection: { cStat: '587' } });
  });

  describe('over HTTPS: transport → simulator reader, simulator writer → transport', () => {
    let pki: TestPki;
    let srv: TestServer;
    let transport: SefazTransport;
    let creds: SefazCredentials;
    const RET_CTE = `<retCTe versao="4.00" xmlns="${CTE_NS}"><tpAmb>2</tpAmb><cUF>35</cUF><verAplic>SIM</verAplic><cStat>100</cStat><xMotivo>Autorizado o uso do CT-e</xMotivo></retCTe>`;

    beforeAll(async () => {
      pki = createTestPki();
      creds = { ...pki.client, fingerprint: 'client' };
      srv = await startServer(pki, '');
      transport = new SefazTransport({ trust: { mode: 'simulator', caPem: pki.ca } });
    });
    afterAll(async () => {
      transport.close();
      await srv.close();
    });

    it('a gzip+base64 CT-e arrives whole and its answer in cteRecepcaoResult comes back as the ret… element', async () => {
      const read: unknown[] = [];
      srv.handler = (_req, body, res) => {
        read.push(extractBusinessXml(body, CTE_RECEPCAO_SINC));
        res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
        res.end(simulatorEnvelope('1.2', CTE_RECEPCAO_SINC, RET_CTE));
      };
      const endpoint = { url: `${srv.baseUrl}/SP/CTeRecepcaoSincV4`, soapAction: `${CTE_RECEPCAO_SINC.namespace}/cteRecepcao`, service: CTE_RECEPCAO_SINC };
      const r = await transport.send({ endpoint, bodyXml: CTE, credentials: creds });
      expect(read).toEqual([{ ok: true, xml: CTE }]);
      expect(r.xml).toBe(RET_CTE);
      expect(srv.seen.at(-1)!.body).toContain('<cteDadosMsg xmlns="http://www.portalfiscal.inf.br/cte/wsdl/CTeRecepcaoSincV4">H4sI'); // gzip magic in base64
    });

    it('the transport returns the descriptor’s answer root: retDistDFeInt out of the nested DF-e reply; another service’s ret… is garbage', async () => {
      const RET_DIST = `<retDistDFeInt xmlns="${NFE_NS}" versao="1.01"><tpAmb>2</tpAmb><verAplic>AN</verAplic><cStat>137</cStat><xMotivo>Nenhum documento localizado</xMotivo></retDistDFeInt>`;
      srv.handler = (_req, _body, res) => {
        res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
        res.end(simulatorEnvelope('1.2', NFE_DIST_DFE, RET_DIST));
      };
      const endpoint = { url: `${srv.baseUrl}/AN/NFeDistribuicaoDFe`, soapAction: `${NFE_DIST_DFE.namespace}/nfeDistDFeInteresse`, service: NFE_DIST_DFE };
      const r = await transport.send({ endpoint, bodyXml: DIST, credentials: creds });
      expect(r.xml).toBe(RET_DIST);
      expect(srv.seen.at(-1)!.body).toContain('</nfeDadosMsg></nfeDistDFeInteresse></soap:Body>');

      const status = { url: srv.url, soapAction: `${NFE_SERVICES.NfeStatusServico.namespace}/nfeStatusServicoNF`, service: NFE_SERVICES.NfeStatusServico };
      await expect(transport.send({ endpoint: status, bodyXml: '<consStatServ/>', credentials: creds })).rejects.toMatchObject({ kind: 'garbage', requestSent: true });
    });

    it('the descriptor’s limit applies to the message as written: a DF-e request over 10 KB is never sent', async () => {
      const before = srv.seen.length;
      const endpoint = { url: `${srv.baseUrl}/AN/NFeDistribuicaoDFe`, soapAction: `${NFE_DIST_DFE.namespace}/nfeDistDFeInteresse`, service: NFE_DIST_DFE };
      const big = DIST.replace('<tpAmb>', `<!--${'x'.repeat(10 * 1024)}--><tpAmb>`);
      await expect(transport.send({ endpoint, bodyXml: big, credentials: creds })).rejects.toMatchObject({ kind: 'oversized', requestSent: false, operation: 'NFeDistribuicaoDFe', limitBytes: 10 * 1024 });
      expect(srv.seen.length).toBe(before);
    });
  });
});
