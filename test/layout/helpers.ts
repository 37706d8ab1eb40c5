// Test-only helpers: official example files, a CNPJ for the placeholder emitter, and a
// structurally valid placeholder Signature (the emission layer signs for real).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';

export const shared = path.resolve(__dirname, '../../../shared');
export const nfeXsd = path.join(shared, 'schemas/nfe/nfe_v4.00.xsd');
export const examplesDir = path.join(shared, 'invoicy/Emissão/Exemplos XML');
export const TEST_CNPJ = withCnpjCheckDigits('112223330001');

/** Every official example under NFe/ and NFCe/ whose root element is <Envio>. */
export function envioExamples(): Array<[string, string]> {
  return ['NFe', 'NFCe'].flatMap((dir) =>
    fs.readdirSync(path.join(examplesDir, dir))
      .filter((f) => f.toLowerCase().endsWith('.xml'))
      .map((f) => [`${dir}/${f}`, fs.readFileSync(path.join(examplesDir, dir, f), 'utf8').replace(/^\uFEFF/, '')] as [string, string])
      .filter(([, xml]) => /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<Envio[\s>]/.test(xml)),
  );
}

/** Replaces the placeholder emitter CNPJ of the official examples by a valid one. */
export function withTestEmitter(xml: string): string {
  return xml.replace(/99999999999999/g, TEST_CNPJ);
}

const B64 = Buffer.from('placeholder').toString('base64');

export function withPlaceholderSignature(nfe: string, chave: string): string {
  const sig =
    '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>' +
    '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
    '<SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/>' +
    `<Reference URI="#NFe${chave}"><Transforms>` +
    '<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>' +
    '<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/></Transforms>' +
    `<DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><DigestValue>${Buffer.alloc(20).toString('base64')}</DigestValue>` +
    `</Reference></SignedInfo><SignatureValue>${B64}</SignatureValue>` +
    `<KeyInfo><X509Data><X509Certificate>${B64}</X509Certificate></X509Data></KeyInfo></Signature>`;
  return nfe.replace(/<\/NFe>$/, `${sig}</NFe>`);
}
