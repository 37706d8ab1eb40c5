// Distribution documents (…Proc): the signed message exactly as sent followed by SEFAZ's answer
// exactly as received — both carry signatures/digests, so nothing is re-serialised.
import { CTE_NS } from './cte-messages';
import { NFE_NS } from './messages';
import { stripXmlDeclaration } from './xml-text';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

/** A raw protNFe without xmlns inherits the namespace of nfeProc, which is what it means. */
export function nfeProc(signedNfeXml: string, protNFeRaw: string): string {
  return `${DECL}<nfeProc xmlns="${NFE_NS}" versao="4.00">${stripXmlDeclaration(signedNfeXml)}${protNFeRaw}</nfeProc>`;
}

export function procEventoNFe(signedEventoXml: string, retEventoRaw: string): string {
  return `${DECL}<procEventoNFe xmlns="${NFE_NS}" versao="1.00">${stripXmlDeclaration(signedEventoXml)}${retEventoRaw}</procEventoNFe>`;
}

/** The official XSD (procInutNFe_v4.00.xsd) names the root `ProcInutNFe`, capital P. */
export function procInutNFe(signedInutXml: string, retInutNFeRaw: string): string {
  return `${DECL}<ProcInutNFe xmlns="${NFE_NS}" versao="4.00">${stripXmlDeclaration(signedInutXml)}${retInutNFeRaw}</ProcInutNFe>`;
}

/** CT-e distribution document (procCTe_v4.00.xsd): the signed CTe and its protCTe. */
export function cteProc(signedCteXml: string, protCTeRaw: string): string {
  return `${DECL}<cteProc xmlns="${CTE_NS}" versao="4.00">${stripXmlDeclaration(signedCteXml)}${protCTeRaw}</cteProc>`;
}

/** Event distribution document (procEventoCTe_v4.00.xsd): the signed eventoCTe and its retEventoCTe. */
export function procEventoCTe(signedEventoXml: string, retEventoCTeRaw: string): string {
  return `${DECL}<procEventoCTe xmlns="${CTE_NS}" versao="4.00">${stripXmlDeclaration(signedEventoXml)}${retEventoCTeRaw}</procEventoCTe>`;
}

/** cStat of a protocol that belongs in the nfeProc: authorised (100, 150) or denied (110, 205, 301–303). */
export const ATTACHABLE_CSTAT: ReadonlySet<string> = new Set(['100', '150', '110', '205', '301', '302', '303']);

/** Whether a protocol may be attached to the NF-e with this chave and signature DigestValue (§3.3). */
export function protMatches(prot: { cStat: string; chNFe: string; digVal?: string }, chave: string, digestValue: string): boolean {
  return ATTACHABLE_CSTAT.has(prot.cStat) && prot.chNFe === chave && prot.digVal === digestValue;
}
