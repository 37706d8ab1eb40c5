// The only XMLDSig algorithms SEFAZ accepts (restricted xmldsig-core-schema_v1.01.xsd).
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** Inclusive C14N 1.0 without comments. */
export const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';

/** A document that cannot be signed as asked (message in Portuguese). */
export class XmlSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSignatureError';
  }
}
