// Shared test fixtures for the SEFAZ client tests: official schemas/samples paths and a structurally
// valid (not cryptographically valid) XMLDSig placeholder for messages that need a Signature.
import * as path from 'node:path';
import { readFileSync } from 'node:fs';

export const SHARED = path.resolve(__dirname, '../../../shared');
export const schema = (name: string) => path.join(SHARED, 'schemas/nfe', name);
export const sample = (name: string) => readFileSync(path.join(SHARED, 'samples/sefaz', name), 'utf8');

export function placeholderSignature(id: string): string {
  return (
    '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>' +
    '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
    '<SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/>' +
    `<Reference URI="#${id}"><Transforms>` +
    '<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>' +
    '<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/></Transforms>' +
    '<DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>' +
    '<DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</DigestValue></Reference></SignedInfo>' +
    '<SignatureValue>AAAA</SignatureValue><KeyInfo><X509Data><X509Certificate>AAAA</X509Certificate></X509Data></KeyInfo></Signature>'
  );
}

/** "Signs" an unsigned inutNFe/evento: placeholder Signature as last child of the root. */
export function fakeSign(xml: string, rootName: string): string {
  const id = /Id="([^"]+)"/.exec(xml)![1]!;
  return xml.replace(`</${rootName}>`, `${placeholderSignature(id)}</${rootName}>`);
}
