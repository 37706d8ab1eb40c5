import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describeCertificate } from '../../src/signing/certinfo';
import { createTestCa, issueCompanyCertificate, issueServerCertificate, loadOrCreateTestCa, loadTestCa, saveTestCa } from '../../src/signing/testca';
import { CNPJ, run, tempDir, type TempDir } from './fixtures';

const ca = createTestCa();
let tmp: TempDir;

beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

test('CA: self-signed X.509 v3 CA with keyCertSign/cRLSign', () => {
  const x509 = new X509Certificate(ca.certPem);
  expect(x509.ca).toBe(true);
  expect(x509.verify(x509.publicKey)).toBe(true);
  expect(x509.subject.split('\n')).toEqual(['C=BR', 'O=ICP-Brasil Teste', 'OU=Simulador SEFAZ', 'CN=AC Teste fiscal-gateway']);
  expect(describeCertificate(x509).keyUsage).toMatchObject({ keyCertSign: true, cRLSign: true, digitalSignature: false });
  expect(run('openssl', ['x509', '-in', tmp.write('ca.pem', ca.certPem), '-noout', '-text']).output).toMatch(/CA:TRUE/);
});

test('company certificate: ICP-Brasil shape, chains to the CA for client auth', () => {
  const company = issueCompanyCertificate(ca, { name: 'COMÉRCIO TESTE LTDA', cnpj: CNPJ });
  const info = describeCertificate(company.certPem);
  expect(info).toMatchObject({ commonName: `COMÉRCIO TESTE LTDA:${CNPJ}`, cnpj: CNPJ, isCa: false });
  expect(info.subject).toBe(`C=BR, O=ICP-Brasil, OU=Certificado PJ A1, CN=COMÉRCIO TESTE LTDA:${CNPJ}`);
  expect(info.keyUsage).toMatchObject({ digitalSignature: true, nonRepudiation: true, keyEncipherment: true, keyCertSign: false });
  const x509 = new X509Certificate(company.certPem);
  expect(x509.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4']));
  const text = run('openssl', ['x509', '-in', tmp.write('company.pem', company.certPem), '-noout', '-text']).output;
  expect(text).toMatch(/othername: ?(2\.16\.76\.1\.3\.3|<unsupported>)/i);
  const verify = run('openssl', ['verify', '-CAfile', tmp.write('ca-for-company.pem', ca.certPem), '-purpose', 'sslclient', tmp.write('company2.pem', company.certPem)]);
  expect(verify.output).toMatch(/: OK/);
});

test('server certificate: SAN with localhost, 127.0.0.1 and the given hosts', () => {
  const server = issueServerCertificate(ca, ['sefaz.test', '10.0.0.5']);
  const x509 = new X509Certificate(server.certPem);
  expect(x509.subjectAltName?.split(', ').sort()).toEqual(['DNS:localhost', 'DNS:sefaz.test', 'IP Address:10.0.0.5', 'IP Address:127.0.0.1']);
  expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  expect(x509.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
});

test('saveTestCa / loadTestCa / loadOrCreateTestCa keep the CA across restarts', () => {
  const dir = path.join(tmp.dir, 'pki');
  expect(loadTestCa(dir)).toBeUndefined();
  saveTestCa(dir, ca);
  expect(loadTestCa(dir)).toEqual(ca);
  expect(statSync(path.join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
  expect(loadOrCreateTestCa(dir)).toEqual(ca);
  const fresh = loadOrCreateTestCa(path.join(tmp.dir, 'new-pki'));
  expect(loadOrCreateTestCa(path.join(tmp.dir, 'new-pki'))).toEqual(fresh);
});
