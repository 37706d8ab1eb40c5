// XMLDSig exactly as SEFAZ requires (sefaz-nfe.md §8): unprefixed Signature, inclusive C14N 1.0,
// RSA-SHA1, SHA-1 digest, enveloped + C14N transforms, one Reference "#Id", KeyInfo with the leaf
// certificate only, appended as the last child of the signed element's parent.
//
// The SignedInfo is fixed by the SEFAZ profile, so it is written directly in its canonical form; the
// signed element is canonicalised (C14N 1.0 with the namespaces it inherits, by libxml2: c14n.ts)
// and hashed, and SignedInfo is signed with Node's RSA-SHA1. xml-crypto's SignedXml.computeSignature
// gives the same bytes but re-parses, XPath-walks and re-serialises the whole document (measured:
// 3.9 ms of a small NF-e, against 0.4 ms now). Our verifier, xml-crypto's and xmlsec1 check the result.
// The Signature is inserted into the original text, so the signed bytes are never re-serialised.
import { KeyObject, X509Certificate, createHash, createPrivateKey, sign } from 'node:crypto';
import { canonicalElement } from './c14n';
import { CertificateError, splitPemCertificates } from './certinfo';
import { C14N, DSIG_NS, ENVELOPED_SIGNATURE, RSA_SHA1, SHA1, XmlSignatureError } from './dsig';
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
  /** KeyInfo content, built once (xml-crypto would re-read the PEM for every signature). */
  keyInfo: string;
}

// Parsing an RSA private key and the certificate costs more than the rest of a small signature; a
// company signs thousands of documents with the same certificate, so signers are cached by the
// exact key and certificate text (a changed certificate is a new entry).
const MAX_CACHED_SIGNERS = 64;
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
  if (signers.size >= MAX_CACHED_SIGNERS) {
    const oldest = signers.keys().next();
    if (!oldest.done) signers.delete(oldest.value);
  }
  const der = leaf.raw.toString('base64');
  const signer = { key, keyInfo: `<X509Data><X509Certificate>${der}</X509Certificate></X509Data>` };
  signers.set(cacheKey, signer);
  return signer;
}

/** SignedInfo of the SEFAZ profile, already canonical once `xmlns` is on it (inclusive C14N 1.0). */
function signedInfo(id: string, digestValue: string, xmlns: boolean): string {
  return `<SignedInfo${xmlns ? ` xmlns="${DSIG_NS}"` : ''}><CanonicalizationMethod Algorithm="${C14N}"${xmlns ? '></CanonicalizationMethod>' : '/>'}` +
    `<SignatureMethod Algorithm="${RSA_SHA1}"${xmlns ? '></SignatureMethod>' : '/>'}<Reference URI="#${id}"><Transforms>` +
    `<Transform Algorithm="${ENVELOPED_SIGNATURE}"${xmlns ? '></Transform>' : '/>'}<Transform Algorithm="${C14N}"${xmlns ? '></Transform>' : '/>'}</Transforms>` +
    `<DigestMethod Algorithm="${SHA1}"${xmlns ? '></DigestMethod>' : '/>'}<DigestValue>${digestValue}</DigestValue></Reference></SignedInfo>`;
}

/** Signs the one `tag` element of a minified document and returns the document with its Signature. */
export async function signXml(xml: string, options: SignOptions): Promise<string> {
  const location = locateSignedElement(xml, options.tag);
  if (!location.id) throw new XmlSignatureError(`O elemento ${options.tag} não tem o atributo Id exigido pela assinatura`);
  const signer = signerFor(options.keyPem, options.certPem);
  // The enveloped-signature transform removes nothing here: the Signature goes after the element.
  const canonical = location.canonical ?? (await canonicalElement(xml, location.path));
  const digestValue = createHash('sha1').update(canonical, 'utf8').digest('base64');
  const signatureValue = sign('sha1', Buffer.from(signedInfo(location.id, digestValue, true), 'utf8'), signer.key).toString('base64');
  const signature = `<Signature xmlns="${DSIG_NS}">${signedInfo(location.id, digestValue, false)}<SignatureValue>${signatureValue}</SignatureValue>` +
    `<KeyInfo>${signer.keyInfo}</KeyInfo></Signature>`;
  return xml.slice(0, location.insertAt) + signature + xml.slice(location.insertAt);
}

/** DigestValue of the (first) signature: the NF-e's digVal in protNFe. */
export function digestValueOf(signedXml: string): string | undefined {
  return /<(?:[\w.-]+:)?DigestValue>\s*([^<]*?)\s*<\/(?:[\w.-]+:)?DigestValue>/.exec(signedXml)?.[1];
}
