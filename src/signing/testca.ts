// The test PKI owned by the SEFAZ simulator (and by `company cert --test`): a CA, TLS server
// certificates and ICP-Brasil-shaped company certificates. Keys come from Node's native RSA
// generator (forge's pure-JS keygen takes seconds); node-forge only assembles the X.509 v3 bodies.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import forge from 'node-forge';
import { normalizeCnpj } from '../fiscal/cnpj';
import { OID_ICP_CNPJ, OID_ICP_PF_DATA } from './certinfo';

export { toPfx } from './pfx';

export interface TestCa {
  certPem: string;
  keyPem: string;
}

export interface IssuedCertificate {
  keyPem: string;
  certPem: string;
}

export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
}

export interface CompanyCertificateOptions extends Validity {
  /** Company (or person) name, first part of the CN. */
  name: string;
  cnpj?: string;
  cpf?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const { asn1 } = forge;

function newKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** Positive 128-bit serial (leading hex digit below 8 keeps the DER INTEGER positive). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0] & 0x7f;
  return bytes.toString('hex');
}

function dn(fields: Array<[string, string]>): forge.pki.CertificateField[] {
  // UTF8String so that names with accents (COMÉRCIO) survive; forge's typings mislabel the tag type.
  return fields.map(([shortName, value]) => ({ shortName, value, valueTagClass: asn1.Type.UTF8 as unknown as forge.asn1.Class }));
}

interface BuildOptions extends Validity {
  subject: forge.pki.CertificateField[];
  extensions: object[];
  defaultDays: number;
}

function buildCertificate(issuer: TestCa | undefined, opts: BuildOptions): IssuedCertificate {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = randomSerial();
  // One day of slack before "now" tolerates clock differences between simulator and gateway.
  cert.validity.notBefore = opts.notBefore ?? new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = opts.notAfter ?? new Date(Date.now() + opts.defaultDays * DAY_MS);
  cert.setSubject(opts.subject);
  const issuerCert = issuer ? forge.pki.certificateFromPem(issuer.certPem) : cert;
  cert.setIssuer(issuer ? issuerCert.subject.attributes : opts.subject);
  cert.setExtensions([
    ...opts.extensions,
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(issuer?.keyPem ?? keys.privateKeyPem), forge.md.sha256.create());
  return { keyPem: keys.privateKeyPem, certPem: forge.pki.certificateToPem(cert) };
}

export function createTestCa(opts: Validity & { commonName?: string } = {}): TestCa {
  return buildCertificate(undefined, {
    ...opts,
    subject: dn([
      ['C', 'BR'],
      ['O', 'ICP-Brasil Teste'],
      ['OU', 'Simulador SEFAZ'],
      ['CN', opts.commonName ?? 'AC Teste fiscal-gateway'],
    ]),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
    defaultDays: 3650,
  });
}

/** TLS server certificate; localhost and 127.0.0.1 are always included. */
export function issueServerCertificate(ca: TestCa, hosts: string[], opts: Validity = {}): IssuedCertificate {
  const names = [...new Set(['localhost', '127.0.0.1', ...hosts])];
  return buildCertificate(ca, {
    ...opts,
    subject: dn([
      ['C', 'BR'],
      ['O', 'ICP-Brasil Teste'],
      ['OU', 'Simulador SEFAZ'],
      ['CN', hosts[0] ?? 'localhost'],
    ]),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    ],
    defaultDays: 825,
  });
}

/** SAN with ICP-Brasil otherNames; built by hand because forge encodes [0] as primitive. */
function icpSubjectAltName(opts: CompanyCertificateOptions): object {
  const otherName = (oid: string, value: string) =>
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, value)]),
    ]);
  const names = [];
  if (opts.cnpj) names.push(otherName(OID_ICP_CNPJ, normalizeCnpj(opts.cnpj)));
  // PF data layout: birth date (unknown → zeros), CPF, NIS, RG, RG issuer.
  if (opts.cpf) names.push(otherName(OID_ICP_PF_DATA, `00000000${opts.cpf}${'0'.repeat(11)}${'0'.repeat(15)}${' '.repeat(6)}`));
  return { id: '2.5.29.17', value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, names) };
}

/** ICP-Brasil-like A1 certificate: CN "NAME:CNPJ" (or "NAME:CPF"), CNPJ/CPF in the otherName SAN. */
export function issueCompanyCertificate(ca: TestCa, opts: CompanyCertificateOptions): IssuedCertificate {
  const document = opts.cnpj ? normalizeCnpj(opts.cnpj) : opts.cpf;
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true, emailProtection: true },
  ];
  if (opts.cnpj || opts.cpf) extensions.push(icpSubjectAltName(opts));
  return buildCertificate(ca, {
    ...opts,
    subject: dn([
      ['C', 'BR'],
      ['O', 'ICP-Brasil'],
      ['OU', opts.cnpj ? 'Certificado PJ A1' : 'Certificado PF A1'],
      ['CN', document ? `${opts.name}:${document}` : opts.name],
    ]),
    extensions,
    defaultDays: 365,
  });
}

const CA_CERT_FILE = 'ca-cert.pem';
const CA_KEY_FILE = 'ca-key.pem';

export function saveTestCa(dir: string, ca: TestCa): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, CA_CERT_FILE), ca.certPem);
  writeFileSync(path.join(dir, CA_KEY_FILE), ca.keyPem, { mode: 0o600 });
  // writeFileSync's mode only applies to new files; an overwritten key keeps its old mode.
  chmodSync(path.join(dir, CA_KEY_FILE), 0o600);
}

/** The CA saved in dir, or undefined when there is none yet. */
export function loadTestCa(dir: string): TestCa | undefined {
  const certFile = path.join(dir, CA_CERT_FILE);
  const keyFile = path.join(dir, CA_KEY_FILE);
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  return { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') };
}

/** What a simulator calls at start-up: keeps its CA across restarts. */
export function loadOrCreateTestCa(dir: string): TestCa {
  const existing = loadTestCa(dir);
  if (existing) return existing;
  const ca = createTestCa();
  saveTestCa(dir, ca);
  return ca;
}
