// The size of a message exactly as the transport writes it (SOAP envelope included), measured before
// sending: the client refuses a message over SEFAZ's limit and the emission layer packs lotes under it
// (fiscal/sefaz-limits.ts).
import { serviceNamespace } from './endpoints';
import { enviNFe } from './messages';
import { soapEnvelope } from './transport';
import { stripXmlDeclaration } from './xml-text';

/** Bytes of `soapEnvelope(namespace, bodyXml)`, without building it (the body goes in verbatim). */
export function soapMessageBytes(namespace: string, bodyXml: string): number {
  return Buffer.byteLength(soapEnvelope(namespace, ''), 'utf8') + Buffer.byteLength(bodyXml, 'utf8');
}

/**
 * An enviNFe message as the sum of a fixed part (envelope, lote head with a 15-digit idLote) and each
 * NF-e as enviNFe embeds it, so that lotes can be packed before they are built.
 */
export function enviNFeSizes(signedNfeXmls: readonly string[]): { fixedBytes: number; nfeBytes: number[] } {
  return {
    fixedBytes: soapMessageBytes(serviceNamespace('NfeAutorizacao'), enviNFe('0'.repeat(15), '0', [])),
    nfeBytes: signedNfeXmls.map((xml) => Buffer.byteLength(stripXmlDeclaration(xml), 'utf8')),
  };
}
