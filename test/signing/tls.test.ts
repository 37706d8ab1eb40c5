import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { loadPfx } from '../../src/signing/pfx';
import { createTestCa, issueCompanyCertificate, issueServerCertificate, toPfx } from '../../src/signing/testca';
import { tlsCredentials } from '../../src/signing/tls';
import { CNPJ } from './fixtures';

const ca = createTestCa();
const serverCert = issueServerCertificate(ca, []);
const company = loadPfx(toPfx({ ...issueCompanyCertificate(ca, { name: 'EMPRESA TESTE LTDA', cnpj: CNPJ }), chainPems: [ca.certPem] }, 'x'), 'x');
let server: https.Server;
let port: number;

beforeAll(async () => {
  // Mutual TLS as SEFAZ does it: the server demands a client certificate issued by its trusted CA.
  server = https.createServer({ ...serverCert, key: serverCert.keyPem, cert: serverCert.certPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    res.end(peer.subject.CN);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function get(options: https.RequestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/', servername: 'localhost', agent: false, ...options }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

test('the A1 certificate authenticates the client; the test CA authenticates the server', async () => {
  const credentials = tlsCredentials(company, { ca: [ca.certPem] });
  expect(credentials.cert.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  await expect(get(credentials)).resolves.toBe(`EMPRESA TESTE LTDA:${CNPJ}`);
});

test('without the client certificate the handshake fails', async () => {
  await expect(get({ ca: [ca.certPem] })).rejects.toThrow();
});

test('without the test CA the client refuses the server', async () => {
  await expect(get(tlsCredentials(company))).rejects.toThrow(/self[- ]signed|unable to verify|local issuer/i);
});
