// What the fiscal layer needs to know about an X.509 certificate: identity (ICP-Brasil CNPJ/CPF),
// validity, CA flag and key usage. Node's X509Certificate covers most of it but prints the
// ICP-Brasil otherName SAN as "<unsupported>" and does not expose keyUsage bits, so those two
// extensions are decoded from the DER with node-forge's ASN.1 reader.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { normalizeCnpj } from '../fiscal/cnpj';

/** ICP-Brasil otherName OIDs (DOC-ICP-04). */
export const OID_ICP_CNPJ = '2.16.76.1.3.3';
/** Pessoa física data: birth date (8) + CPF (11) + NIS (11) + RG (15) + issuer (6). */
export const OID_ICP_PF_DATA = '2.16.76.1.3.1';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const OID_KEY_USAGE = '2.5.29.15';

export type CertificateErrorCode =
  | 'not-pfx'
  | 'wrong-password'
  | 'no-private-key'
  | 'invalid-certificate'
  | 'expired'
  | 'not-yet-valid'
  | 'no-document'
  | 'document-mismatch';

/** Certificate problems, with a Portuguese message meant for ERP users and support staff. */
export class CertificateError extends Error {
  constructor(
    readonly code: CertificateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CertificateError';
  }
}

export interface KeyUsage {
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyEncipherment: boolean;
  keyCertSign: boolean;
  cRLSign: boolean;
}

export interface CertificateInfo {
  /** Subject as "C=BR, O=ICP-Brasil, …, CN=NAME:CNPJ". */
  subject: string;
  issuer: string;
  commonName: string;
  cnpj?: string;
  cpf?: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 fingerprint as Node prints it (colon-separated hex). */
  fingerprint256: string;
  isCa: boolean;
  /** Undefined when the certificate has no keyUsage extension. */
  keyUsage?: KeyUsage;
}

type Asn1 = forge.asn1.Asn1;

// forge accepts an options object (typings only know `strict`); BIT STRINGs stay raw so keyUsage
// bits are not mistaken for nested DER.
const fromDer = forge.asn1.fromDer as unknown as (der: forge.util.ByteStringBuffer | string, options: { decodeBitStrings: boolean }) => Asn1;

function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? (node.value) : [];
}

/** extnID → parsed extnValue, read straight from the DER. */
function extensionsOf(der: Buffer): Map<string, Asn1> {
  const { asn1 } = forge;
  const cert = fromDer(forge.util.createBuffer(der.toString('binary')), { decodeBitStrings: false });
  const tbs = children(cert)[0];
  const wrapper = children(tbs).find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
  const result = new Map<string, Asn1>();
  for (const ext of children(children(wrapper)[0])) {
    const parts = children(ext);
    const oid = asn1.derToOid(parts[0].value as string);
    const octets = parts[parts.length - 1].value as string;
    result.set(oid, fromDer(octets, { decodeBitStrings: false }));
  }
  return result;
}

/** otherName OID → its value as text (ICP-Brasil uses OCTET STRING or PrintableString). */
function otherNames(san: Asn1 | undefined): Map<string, string> {
  const result = new Map<string, string>();
  for (const gn of children(san)) {
    if (gn.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || gn.type !== 0) continue;
    const [oidNode, explicit] = children(gn);
    const inner = children(explicit)[0];
    if (!oidNode || typeof inner?.value !== 'string') continue;
    result.set(forge.asn1.derToOid(oidNode.value as string), Buffer.from(inner.value, 'binary').toString('utf8'));
  }
  return result;
}

function keyUsageOf(ext: Asn1 | undefined): KeyUsage | undefined {
  if (typeof ext?.value !== 'string') return undefined;
  // BIT STRING contents: first octet = unused bits, then the named bits from the most significant.
  const bits = ext.value.length > 1 ? ext.value.charCodeAt(1) : 0;
  return {
    digitalSignature: (bits & 0x80) !== 0,
    nonRepudiation: (bits & 0x40) !== 0,
    keyEncipherment: (bits & 0x20) !== 0,
    keyCertSign: (bits & 0x04) !== 0,
    cRLSign: (bits & 0x02) !== 0,
  };
}

function dnToString(dn: string): string {
  return dn.split('\n').join(', ');
}

/** Parses one certificate (PEM, DER or an already parsed X509Certificate). */
export function describeCertificate(input: string | Buffer | X509Certificate): CertificateInfo {
  let x509: X509Certificate;
  try {
    x509 = input instanceof X509Certificate ? input : new X509Certificate(input);
  } catch {
    throw new CertificateError('invalid-certificate', 'Certificado digital ilegível (não é um X.509 válido)');
  }
  const extensions = extensionsOf(x509.raw);
  const names = otherNames(extensions.get(OID_SUBJECT_ALT_NAME));
  const commonName = /^CN=(.*)$/m.exec(x509.subject)?.[1] ?? '';
  // Fallback for certificates without the otherName: ICP-Brasil CNs end in ":CNPJ" or ":CPF".
  const cnSuffix = /:([0-9A-Z]{14}|[0-9]{11})$/i.exec(commonName)?.[1];
  const sanCnpj = names.get(OID_ICP_CNPJ)?.trim();
  const sanCpf = names.get(OID_ICP_PF_DATA)?.slice(8, 19);
  const cnpj = sanCnpj ? normalizeCnpj(sanCnpj) : cnSuffix?.length === 14 ? normalizeCnpj(cnSuffix) : undefined;
  const cpf = sanCpf && /^\d{11}$/.test(sanCpf) ? sanCpf : cnSuffix?.length === 11 ? cnSuffix : undefined;
  return {
    subject: dnToString(x509.subject),
    issuer: dnToString(x509.issuer),
    commonName,
    ...(cnpj ? { cnpj } : {}),
    ...(cpf ? { cpf } : {}),
    serialNumber: x509.serialNumber,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    fingerprint256: x509.fingerprint256,
    isCa: x509.ca,
    keyUsage: keyUsageOf(extensions.get(OID_KEY_USAGE)),
  };
}

/** dd/mm/aaaa in Brasília time, as users read certificate dates. */
export function formatDateBr(date: Date): string {
  return new Intl.DateTimeFormat('pt-BR', { timeZone: 'America/Sao_Paulo', day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

/** Splits a PEM bundle into its certificates (leaf first, as found). */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}
