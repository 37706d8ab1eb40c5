// XMLDSig exactly as SEFAZ requires (sefaz-nfe.md §8): unprefixed Signature, inclusive C14N 1.0,
// RSA-SHA1, SHA-1 digest, enveloped + C14N transforms, one Reference "#Id", KeyInfo with the leaf
// certificate only, appended as the last child of the signed element's parent. xml-crypto computes
// the signature; we insert it into the original text so the signed bytes are never re-serialised.
import { KeyObject, X509Certificate, createPrivateKey } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { CertificateError, splitPemCertificates } from './certinfo';
import { C14N, ENVELOPED_SIGNATURE, RSA_SHA1, SHA1, XmlSignatureError } from './dsig';
import { locateSignedElement } from './xmlscan';

export { XmlSignatureError } from './dsig';
export { verifyXmlSignature, verifyXmlSignatures, type VerifyOptions, type VerifyResult } from './verify';

export interface SignOptions {
  /** Local name of the element to sign: infNFe, infEvento, infInut, infCte… */
  tag: string;
  keyPem: string;
  /** Leaf certificate; when a bundle is given only its first certificate is published. */
  certPem: string;
}

interface CachedSigner {
  key: KeyObject;
  leafPem: string;
  /** KeyInfo content, built once (xml-crypto would re-read the PEM for every signature). */
  keyInfo: string;
}

// Parsing an RSA private key and the certificate costs more than the rest of a small signature; a
// company signs thousands of documents with the same certificate, so signers are cached by the
// exact key and certificate text (a changed certificate is a new entry).
const MAX_CACHED_SIGNERS = 64;
// Names end up inside an XPath literal: no quotes, no spaces.
const XML_NAME_RE = /^[\p{L}_][\p{L}\p{N}_.-]*$/u;
const signers = new Map<string, CachedSigner>();

function signerFor(keyPem: string, certPem: string): CachedSigner {
  const cacheKey = certPem + keyPem;
  const cached = signers.get(cacheKey);
  if (cached) return cached;
  const leafPem = splitPemCertificates(certPem)[0];
  if (!leafPem) throw new CertificateError('invalid-certificate', 'Certificado digital ausente ou ilegível');
  const leaf = new X509Certificate(leafPem);
  const key = createPrivateKey(keyPem);
  if (!leaf.checkPrivateKey(key)) {
    throw new CertificateError('no-private-key', 'A chave privada não corresponde ao certificado informado');
  }
  if (signers.size >= MAX_CACHED_SIGNERS) signers.delete(signers.keys().next().value!);
  const der = leaf.raw.toString('base64');
  const signer = { key, leafPem, keyInfo: `<X509Data><X509Certificate>${der}</X509Certificate></X509Data>` };
  signers.set(cacheKey, signer);
  return signer;
}

/** Signs the one `tag` element of a minified document and returns the document with its Signature. */
export function signXml(xml: string, options: SignOptions): string {
  const location = locateSignedElement(xml, options.tag);
  const badName = location.path.find((name) => !XML_NAME_RE.test(name));
  if (badName !== undefined) throw new XmlSignatureError(`Nome de elemento inválido: ${badName}`);
  const signer = signerFor(options.keyPem, options.certPem);
  const sig = new SignedXml({
    privateKey: signer.key,
    publicCert: signer.leafPem,
    signatureAlgorithm: RSA_SHA1,
    canonicalizationAlgorithm: C14N,
    getKeyInfoContent: () => signer.keyInfo,
  });
  // An absolute path: xml-crypto evaluates it several times and "//*" walks the whole document.
  const xpath = location.path.map((name) => `/*[local-name(.)='${name}']`).join('');
  sig.addReference({ xpath, digestAlgorithm: SHA1, transforms: [ENVELOPED_SIGNATURE, C14N] });
  sig.computeSignature(xml, { location: { reference: xpath, action: 'after' } });
  const signature = sig.getSignatureXml();
  if (!signature.includes(`URI="#${location.id}"`)) {
    // xml-crypto invents Id="_0" when it does not recognise the element's Id attribute.
    throw new XmlSignatureError(`Referência da assinatura não corresponde ao Id ${location.id}`);
  }
  return xml.slice(0, location.insertAt) + signature + xml.slice(location.insertAt);
}

/** DigestValue of the (first) signature: the NF-e's digVal in protNFe. */
export function digestValueOf(signedXml: string): string | undefined {
  return /<(?:[\w.-]+:)?DigestValue>\s*([^<]*?)\s*<\/(?:[\w.-]+:)?DigestValue>/.exec(signedXml)?.[1];
}
