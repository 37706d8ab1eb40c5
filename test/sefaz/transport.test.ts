import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SefazTransportError } from '../../src/sefaz/errors';
import {
  closeAgents,
  configureTransport,
  SefazTransport,
  sendSoap,
  soapEnvelope,
  type SefazCredentials,
  type SoapEndpoint,
} from '../../src/sefaz/transport';
import { consStatServ } from '../../src/sefaz/messages';
import { NFE_SERVICES } from '../../src/sefaz/services/nfe';
import { log } from '../../src/log/logger';
import { createTestPki, type TestPki } from './tls-fixtures';
import { startServer, type TestServer } from './https-server';

log.silent = true; // failures are expected here; their log lines are noise

const NS = 'http://www.portalfiscal.inf.br/nfe/wsdl/NFeStatusServico4';
const ACTION = `${NS}/nfeStatusServicoNF`;
const RET =
  '<retConsStatServ versao="4.00" xmlns="http://www.portalfiscal.inf.br/nfe"><tpAmb>2</tpAmb><verAplic>SIM</verAplic>' +
  '<cStat>107</cStat><xMotivo>Servico em Operacao</xMotivo><cUF>35</cUF><dhRecbto>2026-11-23T10:00:00-03:00</dhRecbto><tMed>1</tMed></retConsStatServ>';
const RESPONSE =
  `<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Header/><env:Body>` +
  `<nfeResultMsg xmlns="${NS}">${RET}</nfeResultMsg></env:Body></env:Envelope>`;

function endpoint(url: string): SoapEndpoint {
  return { url, soapAction: ACTION, service: NFE_SERVICES.NfeStatusServico };
}

async function failure(p: Promise<unknown>): Promise<SefazTransportError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SefazTransportError);
    return e as SefazTransportError;
  }
  throw new Error('expected the call to fail');
}

describe('SefazTransport over mutual TLS', () => {
  let pki: TestPki;
  let srv: TestServer;
  let transport: SefazTransport;
  let creds: SefazCredentials;
  const body = consStatServ('2', '35');

  beforeAll(async () => {
    pki = createTestPki();
    creds = { ...pki.client, fingerprint: 'client' };
    srv = await startServer(pki, RESPONSE);
  });
  afterAll(async () => {
    await srv.close();
  });
  beforeEach(() => {
    transport = new SefazTransport({ trust: { mode: 'simulator', caPem: pki.ca }, timeouts: { responseTimeoutMs: 2000, connectTimeoutMs: 2000 } });
    srv.seen = [];
    srv.secureConnections = 0;
    srv.handler = (_req, _body, res) => { res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' }); res.end(RESPONSE); };
  });
  afterEach(() => transport.close());

  it('posts a SOAP 1.2 envelope with the action in the content type and returns the ret element verbatim', async () => {
    const r = await transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds });
    expect(r.xml).toBe(RET);
    expect(r.httpStatus).toBe(200);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    const seen = srv.seen[0]!;
    expect(seen.url).toBe('/SP/NFeStatusServico4');
    expect(seen.headers['content-type']).toBe(`application/soap+xml; charset=utf-8; action="${ACTION}"`);
    expect(seen.headers.soapaction).toBeUndefined();
    expect(seen.peerCn).toBe('client');
    expect(seen.body).toBe(soapEnvelope(NFE_SERVICES.NfeStatusServico, body));
    expect(seen.body).toBe(
      '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://www.w3.org/2003/05/soap-envelope">' +
        `<soap:Body><nfeDadosMsg xmlns="${NS}">${body}</nfeDadosMsg></soap:Body></soap:Envelope>`,
    );
  });

  it('reuses one TLS connection for consecutive calls with the same certificate', async () => {
    await transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds });
    await transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds });
    expect(srv.seen).toHaveLength(2);
    expect(srv.secureConnections).toBe(1);
  });

  it('connect: closed port → requestSent false', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const e = await failure(transport.send({ endpoint: endpoint(`https://127.0.0.1:${port}/x`), bodyXml: body, credentials: creds }));
    expect(e.kind).toBe('connect');
    expect(e.requestSent).toBe(false);
    expect(e.message).toMatch(/Não foi possível conectar/);
  });

  it('error messages (they reach ERPs) name the service, never the host and port', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const refused = await failure(transport.send({ endpoint: { ...endpoint(`https://127.0.0.1:${port}/x`), label: 'SP NFeStatusServico4' }, bodyXml: body, credentials: creds }));
    expect(refused.message).toBe('Não foi possível conectar à SEFAZ (SP NFeStatusServico4): ECONNREFUSED');
    srv.handler = () => undefined;
    const silent = await failure(transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds, timeouts: { responseTimeoutMs: 200 } }));
    // Without a label: the operation, from the namespace.
    expect(silent.message).toBe('SEFAZ (NFeStatusServico4) não respondeu em 0.2 s');
    for (const e of [refused, silent]) expect(e.message).not.toMatch(/127\.0\.0\.1|:\d{2,5}\b/);
  });

  it('timeout while connecting (TCP accepted, no TLS handshake) → requestSent false', async () => {
    const accepted: net.Socket[] = [];
    const mute = net.createServer((s) => accepted.push(s));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as AddressInfo).port;
    try {
      const e = await failure(transport.send({ endpoint: endpoint(`https://127.0.0.1:${port}/x`), bodyXml: body, credentials: creds, timeouts: { connectTimeoutMs: 200 } }));
      expect(e.kind).toBe('timeout');
      expect(e.requestSent).toBe(false);
    } finally {
      accepted.forEach((s) => s.destroy());
      await new Promise<void>((r) => mute.close(() => r()));
    }
  });

  it('timeout: the server never answers → requestSent true', async () => {
    srv.handler = () => undefined;
    const e = await failure(transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds, timeouts: { responseTimeoutMs: 300 } }));
    expect(e.kind).toBe('timeout');
    expect(e.requestSent).toBe(true);
    expect(srv.seen).toHaveLength(1);
  });

  it('a call queued behind a busy keep-alive connection counts as sent once written (timeout → requestSent true)', async () => {
    // With one socket the second call waits and the agent hands it the socket already connected.
    const queued = new SefazTransport({ trust: { mode: 'simulator', caPem: pki.ca }, maxSockets: 1, timeouts: { connectTimeoutMs: 2000, responseTimeoutMs: 300 } });
    let calls = 0;
    srv.handler = (_req, _body, res) => {
      if (++calls === 1) { res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' }); res.end(RESPONSE); }
    };
    try {
      const first = queued.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds });
      const second = failure(queued.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds }));
      expect((await first).xml).toBe(RET);
      const e = await second;
      expect(e.kind).toBe('timeout');
      expect(e.requestSent).toBe(true);
      expect(srv.seen).toHaveLength(2);
      expect(srv.secureConnections).toBe(1);
    } finally {
      queued.close();
    }
  });

  it('reset: the server drops the connection after reading the body → requestSent true', async () => {
    srv.handler = (req) => req.socket.destroy();
    const e = await failure(transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds }));
    expect(e.kind).toBe('reset');
    expect(e.requestSent).toBe(true);
  });

  it('http: status 500 without SOAP', async () => {
    srv.handler = (_q, _b, res) => { res.writeHead(500); res.end('Internal Server Error'); };
    const e = await failure(transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds }));
    expect([e.kind, e.httpStatus, e.requestSent]).toEqual(['http', 500, true]);
  });

  it('http: SOAP Fault carries its text', async () => {
    srv.handler = (_q, _b, res) => {
      res.writeHead(500, { 'Content-Type': 'application/soap+xml' });
      res.end(
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code>' +
          '<soap:Reason><soap:Text xml:lang="pt">Server was unable to process request. Falha interna</soap:Text></soap:Reason></soap:Fault></soap:Body></soap:Envelope>',
      );
    };
    const e = await failure(transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds }));
    expect(e.kind).toBe('http');
    expect(e.httpStatus).toBe(500);
    expect(e.message).toContain('Server was unable to process request. Falha interna');
  });

  it.each([
    ['HTML', '<html><body><h1>Bem-vindo</h1><br></body></html>'],
    ['text', 'OK'],
    ['XML without a ret element', '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><x/></soap:Body></soap:Envelope>'],
  ])('garbage: 200 with %s', async (_n, text) => {
    srv.handler = (_q, _b, res) => { res.writeHead(200); res.end(text); };
    const e = await failure(transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds }));
    expect([e.kind, e.requestSent]).toEqual(['garbage', true]);
  });

  it('empty: 200 with no body', async () => {
    srv.handler = (_q, _b, res) => { res.writeHead(200); res.end(); };
    const e = await failure(transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds }));
    expect([e.kind, e.requestSent]).toEqual(['empty', true]);
  });

  it('tls: server certificate from an untrusted CA → requestSent false', async () => {
    const rogue = await startServer(pki, RESPONSE, pki.rogueServer);
    try {
      const e = await failure(transport.send({ endpoint: endpoint(rogue.url), bodyXml: body, credentials: creds }));
      expect([e.kind, e.requestSent]).toEqual(['tls', false]);
      expect(rogue.seen).toHaveLength(0);
    } finally {
      await rogue.close();
    }
  });

  it('tls: client certificate refused by the server → requestSent false', async () => {
    const e = await failure(transport.send({ endpoint: endpoint(srv.url), bodyXml: body, credentials: { ...pki.rogueClient, fingerprint: 'rogue' } }));
    expect([e.kind, e.requestSent]).toEqual(['tls', false]);
    expect(srv.seen).toHaveLength(0);
  });

  it('module-level sendSoap uses the configured transport', async () => {
    configureTransport({ trust: { mode: 'simulator', caPem: pki.ca } });
    try {
      const r = await sendSoap({ endpoint: endpoint(srv.url), bodyXml: body, credentials: creds });
      expect(r.xml).toBe(RET);
    } finally {
      closeAgents();
    }
  });
});
