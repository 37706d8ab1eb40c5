// The NFC-e supplement (QR code and consultation URL): outside the signature, so it is added to
// the signed text.
import { escapeText } from '../../xml/parse';

/** `infNFeSupl` goes between `</infNFe>` and `<Signature`: outside the signed part, by string insertion. */
export function insertInfNFeSupl(signedXml: string, qrCode: string, urlChave: string): string {
  const at = signedXml.indexOf('</infNFe>') + '</infNFe>'.length;
  const supl = `<infNFeSupl><qrCode>${escapeText(qrCode)}</qrCode><urlChave>${escapeText(urlChave)}</urlChave></infNFeSupl>`;
  return signedXml.slice(0, at) + supl + signedXml.slice(at);
}
