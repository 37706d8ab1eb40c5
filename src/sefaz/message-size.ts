// The size of an enviNFe message exactly as the transport writes it (SOAP envelope included), measured
// before the lote is built: the emission layer packs lotes under SEFAZ's limit (fiscal/sefaz-limits.ts).
import { enviNFe } from './messages';
import { NFE_SERVICES } from './services/nfe';
import { soapEnvelope } from './transport';
import { stripXmlDeclaration } from './xml-text';

/**
 * An enviNFe message as the sum of a fixed part (envelope, lote head with a 15-digit idLote) and each
 * NF-e as enviNFe embeds it (the body goes inline, verbatim), so that lotes can be packed before they are built.
 */
export function enviNFeSizes(signedNfeXmls: readonly string[]): { fixedBytes: number; nfeBytes: number[] } {
  return {
    fixedBytes: Buffer.byteLength(soapEnvelope(NFE_SERVICES.NfeAutorizacao, enviNFe('0'.repeat(15), '0', [])), 'utf8'),
    nfeBytes: signedNfeXmls.map((xml) => Buffer.byteLength(stripXmlDeclaration(xml), 'utf8')),
  };
}
