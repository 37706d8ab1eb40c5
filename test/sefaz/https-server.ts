// Loopback HTTPS server with mutual TLS standing in for a SEFAZ in the transport/client tests.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Pem, TestPki } from './tls-fixtures';

export type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

export interface TestServer {
  baseUrl: string;
  /** baseUrl + the simulator path of SP's status service. */
  url: string;
  handler: Handler;
  secureConnections: number;
  seen: { headers: IncomingMessage['headers']; body: string; url: string; peerCn: string }[];
  close(): Promise<void>;
}

/** HTTPS server requiring a client certificate from the test CA; answers `response` unless `handler` is replaced. */
export async function startServer(pki: TestPki, response: string, serverPem: Pem = pki.server): Promise<TestServer> {
  const state: TestServer = {
    baseUrl: '',
    url: '',
    handler: (_req, _body, res) => { res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' }); res.end(response); },
    secureConnections: 0,
    seen: [],
    close: () => Promise.resolve(),
  };
  const server = https.createServer({ ...serverPem, ca: [pki.ca], requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      state.seen.push({ headers: req.headers, body, url: req.url ?? '', peerCn: String(peer?.subject?.CN) });
      state.handler(req, body, res);
    });
  });
  server.on('secureConnection', () => { state.secureConnections++; });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.url = `${state.baseUrl}/SP/NFeStatusServico4`;
  state.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return state;
}
