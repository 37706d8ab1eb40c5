import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { CertificateError, describeCertificate } from '../../src/signing/certinfo';
import { checkCertificateForCompany, loadPfx, type A1Certificate } from '../../src/signing/pfx';
import { createTestCa, issueCompanyCertificate, toPfx } from '../../src/signing/testca';
import { CNPJ, OTHER_CNPJ, run, tempDir, type TempDir } from './fixtures';

const PASSWORD = 'senha-123';
const ca = createTestCa();
const company = issueCompanyCertificate(ca, { name: 'EMPRESA TESTE LTDA', cnpj: CNPJ });
let tmp: TempDir;

beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

/** A PFX made by the openssl CLI, as a customer would hand it over. */
function opensslPfx(name: string, extraArgs: string[], bundle = company, chain = true): Buffer {
  const out = `${tmp.dir}/${name}.pfx`;
  const args = ['pkcs12', '-export', '-in', tmp.write(`${name}-cert.pem`, bundle.certPem), '-inkey', tmp.write(`${name}-key.pem`, bundle.keyPem)];
  if (chain) args.push('-certfile', tmp.write(`${name}-ca.pem`, ca.certPem));
  const result = run('openssl', [...args, '-out', out, '-passout', `pass:${PASSWORD}`, ...extraArgs]);
  expect(result.output).toBe('');
  return readFileSync(out);
}

function pfxAlgorithms(pfx: Buffer, legacy: boolean): string {
  const file = tmp.write(`info-${Math.random()}.pfx`, pfx);
  return run('openssl', ['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${PASSWORD}`, ...(legacy ? ['-legacy'] : [])]).output;
}

function errorOf(fn: () => unknown): CertificateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CertificateError) return err;
    throw err;
  }
  throw new Error('expected a CertificateError');
}

describe('loadPfx', () => {
  test.each([
    ['modern (AES-256/PBKDF2)', [] as string[], /AES-256-CBC/],
    ['legacy (RC2-40/3DES)', ['-legacy'], /RC2|3-KeyTripleDES/],
  ])('reads an openssl %s PFX and picks the leaf matching the key', (_label, args, algorithm) => {
    const pfx = opensslPfx(`openssl-${args.length}`, args);
    expect(pfxAlgorithms(pfx, args.length > 0)).toMatch(algorithm);
    const cert = loadPfx(pfx, PASSWORD);
    expect(cert.certPem.replace(/\s/g, '')).toBe(company.certPem.replace(/\s/g, ''));
    expect(cert.chainPems.map((p) => p.replace(/\s/g, ''))).toEqual([ca.certPem.replace(/\s/g, '')]);
    expect(cert.cnpj).toBe(CNPJ);
    expect(cert.commonName).toBe(`EMPRESA TESTE LTDA:${CNPJ}`);
    expect(cert.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(cert.notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  test('wrong password', () => {
    const err = errorOf(() => loadPfx(opensslPfx('wrongpass', []), 'outra-senha'));
    expect(err.code).toBe('wrong-password');
    expect(err.message).toBe('Senha do certificado inválida');
  });

  test('not a PFX', () => {
    expect(errorOf(() => loadPfx(Buffer.from(company.certPem), PASSWORD)).code).toBe('not-pfx');
  });

  test('PFX without private key', () => {
    const err = errorOf(() => loadPfx(opensslPfx('nokey', ['-nokeys']), PASSWORD));
    expect(err.code).toBe('no-private-key');
    expect(err.message).toMatch(/chave privada/);
  });

  test.each([
    ['modern', false, /AES-256-CBC, .*PRF hmacWithSHA256/],
    ['legacy', true, /pbeWithSHA1And3-KeyTripleDES-CBC/],
  ])('toPfx (%s) round-trips and openssl reads it', (_label, legacy, algorithm) => {
    const pfx = toPfx({ ...company, chainPems: [ca.certPem] }, PASSWORD, { legacy });
    expect(pfxAlgorithms(pfx, false)).toMatch(algorithm);
    const cert = loadPfx(pfx, PASSWORD);
    expect(cert.cnpj).toBe(CNPJ);
    expect(cert.chainPems).toHaveLength(1);
    // Node's own TLS must accept it too (no legacy provider needed for what we write).
    expect(() => createSecureContext({ pfx, passphrase: PASSWORD })).not.toThrow();
  });
});

describe('CNPJ/CPF extraction', () => {
  test('otherName encoded as PrintableString by openssl', () => {
    const key = tmp.write('ossl-key.pem', company.keyPem);
    const out = `${tmp.dir}/ossl-cert.pem`;
    const result = run('openssl', [
      'req', '-x509', '-new', '-key', key, '-out', out, '-days', '30', '-subj', '/CN=OUTRA EMPRESA',
      '-addext', `subjectAltName=otherName:2.16.76.1.3.3;PRINTABLESTRING:${OTHER_CNPJ}`,
    ]);
    expect(result.status).toBe(0);
    const info = describeCertificate(readFileSync(out, 'utf8'));
    expect(info.cnpj).toBe(OTHER_CNPJ);
    expect(info.commonName).toBe('OUTRA EMPRESA');
  });

  test('falls back to the CN suffix when there is no otherName', () => {
    const key = tmp.write('cn-key.pem', company.keyPem);
    const out = `${tmp.dir}/cn-cert.pem`;
    expect(run('openssl', ['req', '-x509', '-new', '-key', key, '-out', out, '-days', '30', '-subj', `/CN=EMPRESA SEM SAN:${OTHER_CNPJ}`]).status).toBe(0);
    expect(describeCertificate(readFileSync(out, 'utf8')).cnpj).toBe(OTHER_CNPJ);
  });

  test('e-CPF: CPF from otherName 2.16.76.1.3.1', () => {
    const pf = issueCompanyCertificate(ca, { name: 'FULANO DE TAL', cpf: '52998224725' });
    const info = describeCertificate(pf.certPem);
    expect(info.cpf).toBe('52998224725');
    expect(info.cnpj).toBeUndefined();
  });
});

describe('checkCertificateForCompany', () => {
  const year = 365 * 24 * 3600 * 1000;
  const load = (bundle: { keyPem: string; certPem: string }): A1Certificate => loadPfx(toPfx(bundle, PASSWORD), PASSWORD);
  const valid = load(company);

  test('accepts the right company (CNPJ punctuation ignored)', () => {
    const formatted = `${CNPJ.slice(0, 2)}.${CNPJ.slice(2, 5)}.${CNPJ.slice(5, 8)}/${CNPJ.slice(8, 12)}-${CNPJ.slice(12)}`;
    expect(() => checkCertificateForCompany(valid, { cnpj: formatted })).not.toThrow();
  });

  test('expired certificate', () => {
    const notAfter = new Date(Date.UTC(2024, 2, 15, 12));
    const expired = load(issueCompanyCertificate(ca, { name: 'EMPRESA', cnpj: CNPJ, notBefore: new Date(notAfter.getTime() - year), notAfter }));
    const err = errorOf(() => checkCertificateForCompany(expired, { cnpj: CNPJ }));
    expect(err.code).toBe('expired');
    expect(err.message).toBe('Certificado vencido em 15/03/2024');
  });

  test('not yet valid', () => {
    const err = errorOf(() => checkCertificateForCompany(valid, { cnpj: CNPJ, now: new Date(Date.now() - year) }));
    expect(err.code).toBe('not-yet-valid');
  });

  test('CNPJ of another company (same root is not enough)', () => {
    const sameRoot = `${CNPJ.slice(0, 8)}000291`;
    const err = errorOf(() => checkCertificateForCompany(valid, { cnpj: sameRoot }));
    expect(err.code).toBe('document-mismatch');
    expect(err.message).toContain(CNPJ);
    expect(err.message).toContain(sameRoot);
  });
});
