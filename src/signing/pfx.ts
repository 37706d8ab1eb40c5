// A1 certificates (PKCS#12 / .pfx). node-forge reads both the modern (AES/PBKDF2) files and the
// legacy RC2-40/3DES files Windows exports, which Node's own TLS refuses without the OpenSSL legacy
// provider; we convert once to PEM here and sign/handshake with Node crypto afterwards.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { normalizeCnpj } from '../fiscal/cnpj';
import { CertificateError, describeCertificate, formatDateBr, type CertificateInfo } from './certinfo';

/** What an A1 file yields: the leaf certificate's facts plus the PEMs to sign and handshake with. */
export interface A1Certificate extends Pick<CertificateInfo, 'subject' | 'commonName' | 'cnpj' | 'cpf' | 'serialNumber' | 'notBefore' | 'notAfter' | 'fingerprint256'> {
  /** PKCS#8 PEM. */
  keyPem: string;
  /** Leaf certificate (the one whose public key matches keyPem). */
  certPem: string;
  /** The other certificates found in the file (usually the ICP-Brasil chain). */
  chainPems: string[];
}

export interface PemBundle {
  keyPem: string;
  certPem: string;
  chainPems?: string[];
}

type Bag = forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 };

function readPkcs12(pfx: Buffer, password: string): forge.pkcs12.Pkcs12Pfx {
  let der: forge.asn1.Asn1;
  try {
    der = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')));
  } catch {
    throw new CertificateError('not-pfx', 'Arquivo não é um certificado PFX/PKCS#12 válido');
  }
  try {
    return forge.pkcs12.pkcs12FromAsn1(der, false, password);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    if (/MAC could not be verified|Invalid password/i.test(detail)) {
      throw new CertificateError('wrong-password', 'Senha do certificado inválida');
    }
    throw new CertificateError('not-pfx', `Arquivo PFX inválido ou senha incorreta (${detail})`);
  }
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, bagType: string): Bag[] {
  return (p12.getBags({ bagType })[bagType] ?? []);
}

function certBagToPem(bag: Bag): string | undefined {
  // Certificates forge cannot model (non-RSA keys) only come back as raw ASN.1.
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  if (!asn1) return undefined;
  const der = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  return new X509Certificate(der).toString();
}

/** Loads an A1 certificate; throws CertificateError with a Portuguese message. */
export function loadPfx(pfx: Buffer, password: string): A1Certificate {
  const p12 = readPkcs12(pfx, password);
  const { oids } = forge.pki;
  const keyBag = [...bagsOf(p12, oids.pkcs8ShroudedKeyBag), ...bagsOf(p12, oids.keyBag)].find((b) => b.key);
  if (!keyBag?.key) {
    throw new CertificateError('no-private-key', 'O arquivo PFX não contém a chave privada do certificado');
  }
  const keyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)));
  const privateKey = createPrivateKey(keyPem);
  const certPems = bagsOf(p12, oids.certBag)
    .map(certBagToPem)
    .filter((pem): pem is string => pem !== undefined);
  const certPem = certPems.find((pem) => new X509Certificate(pem).checkPrivateKey(privateKey));
  if (!certPem) {
    throw new CertificateError('no-private-key', 'Nenhum certificado do arquivo PFX corresponde à chave privada');
  }
  const info = describeCertificate(certPem);
  return {
    keyPem,
    certPem,
    chainPems: certPems.filter((pem) => pem !== certPem),
    subject: info.subject,
    commonName: info.commonName,
    ...(info.cnpj ? { cnpj: info.cnpj } : {}),
    ...(info.cpf ? { cpf: info.cpf } : {}),
    serialNumber: info.serialNumber,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    fingerprint256: info.fingerprint256,
  };
}

export interface CompanyCheck {
  /** The company's CNPJ; compared in full (not only the root). */
  cnpj?: string;
  /** For companies identified by CPF (produtor rural). */
  cpf?: string;
  now?: Date;
}

/** Throws CertificateError when the certificate cannot be used by this company right now. */
export function checkCertificateForCompany(cert: A1Certificate, company: CompanyCheck): void {
  const now = company.now ?? new Date();
  if (now.getTime() > cert.notAfter.getTime()) {
    throw new CertificateError('expired', `Certificado vencido em ${formatDateBr(cert.notAfter)}`);
  }
  if (now.getTime() < cert.notBefore.getTime()) {
    throw new CertificateError('not-yet-valid', `Certificado válido somente a partir de ${formatDateBr(cert.notBefore)}`);
  }
  if (company.cnpj !== undefined) {
    const expected = normalizeCnpj(company.cnpj);
    if (!cert.cnpj) {
      throw new CertificateError('no-document', `Certificado não contém CNPJ (esperado CNPJ ${expected})`);
    }
    if (cert.cnpj !== expected) {
      throw new CertificateError('document-mismatch', `CNPJ do certificado (${cert.cnpj}) difere do CNPJ da empresa (${expected})`);
    }
  }
  if (company.cpf !== undefined) {
    const expected = company.cpf.replace(/\D/g, '');
    if (!cert.cpf) {
      throw new CertificateError('no-document', `Certificado não contém CPF (esperado CPF ${expected})`);
    }
    if (cert.cpf !== expected) {
      throw new CertificateError('document-mismatch', `CPF do certificado (${cert.cpf}) difere do CPF da empresa (${expected})`);
    }
  }
}

/**
 * Builds a PFX. Modern: key under PBES2 AES-256-CBC with PBKDF2-HMAC-SHA256 (forge can only MAC
 * with SHA-1). Legacy: key under pbeWithSHAAnd3-KeyTripleDES-CBC, like older Windows exports.
 */
export function toPfx(bundle: PemBundle, password: string, options: { legacy?: boolean } = {}): Buffer {
  const key = forge.pki.privateKeyFromPem(bundle.keyPem);
  const certs = [bundle.certPem, ...(bundle.chainPems ?? [])].map((pem) => forge.pki.certificateFromPem(pem));
  // prfAlgorithm is passed through to forge's encryptPrivateKeyInfo but missing from its typings.
  const pfxOptions = options.legacy
    ? { algorithm: '3des' as const }
    : ({ algorithm: 'aes256' as const, prfAlgorithm: 'sha256' } as { algorithm: 'aes256' });
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, pfxOptions);
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
