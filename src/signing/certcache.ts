// Certificates met while verifying signatures, parsed once and kept by their exact text. A company
// signs thousands of documents with the same certificate, and parsing it (X509Certificate, the
// extensions describeCertificate decodes with node-forge, the public key) cost more than the rest of
// a small NF-e's verification (measured: ~1.6 ms of 13). Only facts that cannot change are kept:
// validity dates are compared with `now` by the caller on every use, so a cached entry never lets a
// certificate pass after its notAfter.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { CertificateError, describeCertificate, splitPemCertificates, type CertificateInfo } from './certinfo';

const MAX_ENTRIES = 256;

/** Bounded memo: the oldest entry goes first once the map is full (as the signer's cache). */
function remember<V>(map: Map<string, V>, key: string, compute: () => V): V {
  const cached = map.get(key);
  if (cached !== undefined) return cached;
  const value = compute();
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
  return value;
}

export interface SignerCertificate {
  x509: X509Certificate;
  publicKey: KeyObject;
  pem: string;
  /** What describeCertificate found, or why it could not read the certificate. */
  info: CertificateInfo | CertificateError;
  /** Outcome of the signature check against each trusted CA (dates excluded: they depend on `now`). */
  issuedBy: WeakMap<TrustedCa, boolean>;
}

export interface TrustedCa {
  x509: X509Certificate;
  publicKey: KeyObject;
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
}

const signers = new Map<string, SignerCertificate>();
const trusted = new Map<string, TrustedCa[]>();

/** The certificate of a KeyInfo (base64 DER, whitespace removed). Throws when it is not X.509. */
export function signerCertificate(base64: string): SignerCertificate {
  return remember(signers, base64, () => {
    const x509 = new X509Certificate(Buffer.from(base64, 'base64'));
    let info: CertificateInfo | CertificateError;
    try {
      info = describeCertificate(x509);
    } catch (err) {
      if (!(err instanceof CertificateError)) throw err;
      info = err;
    }
    return { x509, publicKey: x509.publicKey, pem: x509.toString(), info, issuedBy: new WeakMap() };
  });
}

/** The certificates of one trust-list entry (PEM, bundles allowed). */
export function trustedCas(pem: string): TrustedCa[] {
  return remember(trusted, pem, () =>
    splitPemCertificates(pem).map((certPem) => {
      const x509 = new X509Certificate(certPem);
      return { x509, publicKey: x509.publicKey, isCa: x509.ca, notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) };
    }),
  );
}

/** Whether `ca` issued and signed `leaf`; validity dates are not looked at. */
export function isIssuedBy(leaf: SignerCertificate, ca: TrustedCa): boolean {
  let issued = leaf.issuedBy.get(ca);
  if (issued === undefined) {
    issued = leaf.x509.checkIssued(ca.x509) && leaf.x509.verify(ca.publicKey);
    leaf.issuedBy.set(ca, issued);
  }
  return issued;
}
