// Verification of SEFAZ-style XMLDSig, answering with the SEFAZ rejection code a real authorizer
// would use. The shape (298/404), the anti-wrapping rules and the certificate (290–293) are checked
// first; then the digest of the referenced element and the signature over SignedInfo (297) are
// computed here, the way the signer (xmldsig.ts) produces them: inclusive C14N 1.0 by xml-crypto's
// C14nCanonicalization over the xmldom tree already parsed for the checks, SHA-1 and Node's RSA-SHA1.
// xml-crypto's SignedXml.checkSignature did the same but re-parsed the document and found every node
// with the `xpath` package, which made it half of the simulator's CPU per NF-e (measured).
//
// | cStat | xMotivo (MOC 7.0)                                              | used when                                   |
// |-------|----------------------------------------------------------------|---------------------------------------------|
// | 290   | Rejeição: Certificado Assinatura inválido                       | unreadable, CA certificate, key usage lacks digitalSignature/nonRepudiation, not RSA |
// | 291   | Rejeição: Certificado Assinatura Data Validade                  | expired or not yet valid at `now`           |
// | 292   | Rejeição: Certificado Assinatura sem CNPJ                       | neither CNPJ nor CPF (otherName or CN)      |
// | 293   | Rejeição: Certificado Assinatura - erro Cadeia de Certificação  | not issued by a valid CA of trustedCaPems   |
// | 294   | Rejeição: Certificado Assinatura revogado                       | not used: no CRL checking                   |
// | 295   | Rejeição: Certificado Assinatura difere ICP-Brasil              | not used: the trust list defines the PKI    |
// | 296   | Rejeição: Certificado Assinatura erro no acesso a LCR           | not used: no CRL checking                   |
// | 297   | Rejeição: Assinatura difere do calculado                        | DigestValue or SignatureValue do not match  |
// | 298   | Rejeição: Assinatura difere do padrão do Sistema                | missing/extra Signature, wrong structure, algorithms, transforms, Reference URI, duplicated Id, ≠ 1 X509Certificate |
// | 404   | Rejeição: Uso de prefixo de namespace não permitido             | prefixed (ds:) signature elements           |
import { createHash, verify } from 'node:crypto';
import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';
import { C14nCanonicalization } from 'xml-crypto';
// Not re-exported by the package index; findAncestorNs would find the element again with XPath.
import { findAncestorNsForElement } from 'xml-crypto/lib/utils';
import { XmlInputError, assertXmlSafe } from '../xml/parse';
import { isIssuedBy, signerCertificate, trustedCas, type SignerCertificate } from './certcache';
import type { CertificateInfo } from './certinfo';
import { C14N, DSIG_NS, ENVELOPED_SIGNATURE, RSA_SHA1, SHA1 } from './dsig';

export const SIGNATURE_REJECTIONS = {
  '290': 'Rejeição: Certificado Assinatura inválido',
  '291': 'Rejeição: Certificado Assinatura Data Validade',
  '292': 'Rejeição: Certificado Assinatura sem CNPJ',
  '293': 'Rejeição: Certificado Assinatura - erro Cadeia de Certificação',
  '297': 'Rejeição: Assinatura difere do calculado',
  '298': 'Rejeição: Assinatura difere do padrão do Sistema',
  '404': 'Rejeição: Uso de prefixo de namespace não permitido',
} as const;

export type SignatureRejection = keyof typeof SIGNATURE_REJECTIONS;

export interface VerifyOptions {
  /** Local name of the signed element: infNFe, infEvento, infInut, infCte… */
  tag: string;
  /** CA certificates (PEM, bundles allowed) the signer's certificate must be issued by; omit to skip the chain check. */
  trustedCaPems?: string[];
  now?: Date;
}

export type VerifyResult =
  | { ok: true; certPem: string; cnpj?: string; cpf?: string; digestValue: string }
  | { ok: false; cStat: SignatureRejection; xMotivo: string; /** Portuguese detail for logs and support. */ detail: string };

type Failure = Extract<VerifyResult, { ok: false }>;

function reject(cStat: SignatureRejection, detail: string): Failure {
  return { ok: false, cStat, xMotivo: SIGNATURE_REJECTIONS[cStat], detail };
}

const ELEMENT_NODE = 1;
const ID_ATTRIBUTES = ['Id', 'ID', 'id'];

function elementChildren(node: Node): Element[] {
  const result: Element[] = [];
  for (let i = 0; i < node.childNodes.length; i++) {
    const child = node.childNodes[i];
    if (child.nodeType === ELEMENT_NODE) result.push(child as Element);
  }
  return result;
}

/** The element children when they are exactly `names`, in order, in the XMLDSig namespace. */
function expectChildren(node: Element, names: string[]): Element[] | Failure {
  const found = elementChildren(node);
  const ok = found.length === names.length && found.every((el, i) => el.localName === names[i] && el.namespaceURI === DSIG_NS);
  if (ok) return found;
  const seen = found.map((el) => el.localName).join(', ') || 'nenhum';
  return reject('298', `${node.localName} deve conter ${names.join(', ')} (encontrado: ${seen})`);
}

function algorithmIs(el: Element, expected: string, what: string): Failure | undefined {
  const algorithm = el.getAttribute('Algorithm');
  return algorithm === expected ? undefined : reject('298', `${what} ${algorithm ?? '(ausente)'} não permitido; use ${expected}`);
}

interface SignatureParts {
  signedInfo: Element;
  digestValue: string;
  signatureValue: string;
  certificateBase64: string;
}

/** Checks the Signature against the restricted SEFAZ schema (sefaz-nfe.md §8.1). */
function checkShape(signature: Element, id: string): SignatureParts | Failure {
  const top = expectChildren(signature, ['SignedInfo', 'SignatureValue', 'KeyInfo']);
  if (!Array.isArray(top)) return top;
  const [signedInfo, signatureValue, keyInfo] = top as [Element, Element, Element];
  const info = expectChildren(signedInfo, ['CanonicalizationMethod', 'SignatureMethod', 'Reference']);
  if (!Array.isArray(info)) return info;
  const [canonicalization, signatureMethod, reference] = info as [Element, Element, Element];
  const refParts = expectChildren(reference, ['Transforms', 'DigestMethod', 'DigestValue']);
  if (!Array.isArray(refParts)) return refParts;
  const [transforms, digestMethod, digestValue] = refParts as [Element, Element, Element];
  const transformList = expectChildren(transforms, ['Transform', 'Transform']);
  if (!Array.isArray(transformList)) return transformList;
  const x509Data = expectChildren(keyInfo, ['X509Data']);
  if (!Array.isArray(x509Data)) return x509Data;
  const certificates = expectChildren(x509Data[0], ['X509Certificate']);
  if (!Array.isArray(certificates)) return certificates;
  const wrongAlgorithm =
    algorithmIs(canonicalization, C14N, 'CanonicalizationMethod') ??
    algorithmIs(signatureMethod, RSA_SHA1, 'SignatureMethod') ??
    algorithmIs(transformList[0], ENVELOPED_SIGNATURE, 'Transform') ??
    algorithmIs(transformList[1], C14N, 'Transform') ??
    algorithmIs(digestMethod, SHA1, 'DigestMethod');
  if (wrongAlgorithm) return wrongAlgorithm;
  const uri = reference.getAttribute('URI');
  if (uri !== `#${id}`) return reject('298', `Reference URI ${uri ?? '(ausente)'} difere do Id do elemento assinado (#${id})`);
  const digest = digestValue.textContent?.trim() ?? '';
  const value = signatureValue.textContent?.trim() ?? '';
  if (!digest || !value) return reject('298', 'DigestValue ou SignatureValue vazio');
  return { signedInfo, digestValue: digest, signatureValue: value, certificateBase64: (certificates[0].textContent ?? '').replace(/\s+/g, '') };
}

function hasPrefixedElement(el: Element): boolean {
  return !!el.prefix || elementChildren(el).some(hasPrefixedElement);
}

function isIssuedByTrustedCa(leaf: SignerCertificate, trustedCaPems: string[], now: Date): boolean {
  return trustedCaPems.some((pem) =>
    trustedCas(pem).some((ca) => ca.isCa && now >= ca.notBefore && now <= ca.notAfter && isIssuedBy(leaf, ca)),
  );
}

/** SEFAZ checks on the signer's certificate (sefaz-nfe.md §8.2). */
function checkCertificate(leaf: SignerCertificate, options: VerifyOptions): CertificateInfo | Failure {
  const { info } = leaf;
  if (info instanceof Error) return reject('290', info.message);
  if (info.isCa) return reject('290', 'Certificado de AC não pode assinar documentos');
  if (!info.keyUsage?.digitalSignature || !info.keyUsage.nonRepudiation) {
    return reject('290', 'Certificado sem uso de chave digitalSignature/nonRepudiation');
  }
  // RSA-SHA1 is the only SignatureMethod accepted; another key type could not have produced it.
  if (leaf.publicKey.asymmetricKeyType !== 'rsa') return reject('290', 'Certificado sem chave RSA');
  const now = options.now ?? new Date();
  if (now < info.notBefore || now > info.notAfter) {
    return reject('291', `Certificado válido de ${info.notBefore.toISOString()} a ${info.notAfter.toISOString()}`);
  }
  if (!info.cnpj && !info.cpf) return reject('292', 'Certificado sem CNPJ/CPF (otherName ICP-Brasil)');
  if (options.trustedCaPems && !isIssuedByTrustedCa(leaf, options.trustedCaPems, now)) {
    return reject('293', `Certificado não emitido por AC confiável (emissor: ${info.issuer})`);
  }
  return info;
}

const canonicalizer = new C14nCanonicalization();

/** Inclusive C14N 1.0 of `el` with the namespaces it inherits from its ancestors. */
function canonical(el: Element): Buffer {
  // xml-crypto types its DOM arguments with the browser DOM; xmldom nodes are what it walks at run time.
  return Buffer.from(canonicalizer.process(el as never, { ancestorNamespaces: findAncestorNsForElement(el as never) }), 'utf8');
}

/** Digest of the referenced element and SignatureValue over the document's own SignedInfo (297). */
function checkValues(target: Element, parts: SignatureParts, leaf: SignerCertificate): Failure | undefined {
  // The enveloped-signature transform removes the Signature from the referenced element; here it
  // removes nothing, because the Signature was checked to be the element's following sibling.
  const digest = createHash('sha1').update(canonical(target)).digest();
  if (!digest.equals(Buffer.from(parts.digestValue, 'base64'))) return reject('297', 'DigestValue não confere com o conteúdo assinado');
  // SignedInfo is canonicalised as found (not rebuilt from our template): other signers' whitespace,
  // attribute order and inherited namespaces are what they signed.
  if (!verify('sha1', canonical(parts.signedInfo), leaf.publicKey, Buffer.from(parts.signatureValue, 'base64'))) {
    return reject('297', 'SignatureValue não confere com o SignedInfo');
  }
  return undefined;
}

/**
 * The DOM verification walks: DOCTYPE/ENTITY refused and well-formedness checked first (as every
 * parse of untrusted XML), then xmldom. Throws XmlInputError. Callers that also read the document
 * parse it once with this and hand the Document to verifyXmlSignature.
 */
export function parseForVerification(xml: string): Document {
  assertXmlSafe(xml);
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new XmlInputError(`XML mal formado: ${message}`, 'malformed');
    },
  });
  return parser.parseFromString(xml, 'text/xml');
}

function countElementsWithId(doc: Document, id: string): number {
  const all = doc.getElementsByTagName('*');
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const el = all.item(i);
    if (el) count += ID_ATTRIBUTES.filter((attr) => el.getAttribute(attr) === id).length;
  }
  return count;
}

function verifyElement(doc: Document, target: Element, options: VerifyOptions): VerifyResult {
  const id = target.getAttribute('Id');
  if (!id) return reject('298', `Elemento ${options.tag} sem atributo Id`);
  // Signature wrapping: the Reference must resolve to this element and to nothing else.
  if (countElementsWithId(doc, id) !== 1) return reject('298', `Id ${id} não é único no documento`);
  const parent = target.parentNode;
  if (!parent) return reject('298', `Elemento ${options.tag} sem elemento pai`);
  const siblings = elementChildren(parent);
  const signatures = siblings.filter((el) => el.localName === 'Signature');
  if (signatures.length === 0) return reject('298', `Assinatura ausente em ${options.tag}`);
  if (signatures.length > 1) return reject('298', `Mais de uma assinatura junto a ${options.tag}`);
  const signature = signatures[0];
  if (signature.namespaceURI !== DSIG_NS) return reject('298', 'Signature fora do namespace XMLDSig');
  if (hasPrefixedElement(signature)) return reject('404', `Assinatura usa prefixo de namespace (${signature.prefix ?? signature.tagName})`);
  if (siblings[siblings.length - 1] !== signature || siblings.indexOf(target) > siblings.indexOf(signature)) {
    return reject('298', `Signature deve ser o último elemento de ${parent.nodeName}, após ${options.tag}`);
  }
  const parts = checkShape(signature, id);
  if ('ok' in parts) return parts;
  let leaf: SignerCertificate;
  try {
    leaf = signerCertificate(parts.certificateBase64);
  } catch {
    return reject('290', 'X509Certificate ilegível');
  }
  const info = checkCertificate(leaf, options);
  if ('ok' in info) return info;
  const wrongValue = checkValues(target, parts, leaf);
  if (wrongValue) return wrongValue;
  return {
    ok: true,
    certPem: leaf.pem,
    ...(info.cnpj ? { cnpj: info.cnpj } : {}),
    ...(info.cpf ? { cpf: info.cpf } : {}),
    digestValue: parts.digestValue,
  };
}

/**
 * Verifies a document holding exactly one `tag` element (NFe, evento, inutNFe…), as text or as
 * parsed by parseForVerification. Throws XmlInputError for malformed XML or a DOCTYPE (not a
 * signature matter).
 */
export function verifyXmlSignature(xml: string | Document, options: VerifyOptions): VerifyResult {
  const doc = typeof xml === 'string' ? parseForVerification(xml) : xml;
  const targets = doc.getElementsByTagNameNS('*', options.tag);
  const target = targets.item(0);
  if (targets.length !== 1 || !target) return reject('298', `O documento deve conter exatamente um elemento ${options.tag} (encontrados: ${targets.length})`);
  return verifyElement(doc, target, options);
}

/** Verifies every `tag` element of a batch (enviNFe, envEvento), in document order. */
export function verifyXmlSignatures(xml: string, options: VerifyOptions): VerifyResult[] {
  const doc = parseForVerification(xml);
  const targets = doc.getElementsByTagNameNS('*', options.tag);
  const results: VerifyResult[] = [];
  for (let i = 0; i < targets.length; i++) {
    const target = targets.item(i);
    if (target) results.push(verifyElement(doc, target, options));
  }
  return results;
}
