// infCTeSupl/qrCodCTe (cte.md §10; MOC CT-e 4.00 §9.2): "<URL>?chCTe=<44>&tpAmb=<1|2>", plus
// "&sign=" (Base64 RSA-SHA1 signature of the key with the emitter's certificate) when the CT-e is
// issued in contingency before any authoriser has seen it. Pure functions: the gateway builds the
// QR code with them and the simulator can read it back with the same rules.

export interface CteQrInput {
  /** The authoriser's QR code consultation URL (no query string). */
  baseUrl: string;
  chave: string;
  tpAmb: string;
  tpEmis: string;
  /** Base64 signature of the key; required when cteQrNeedsSign(tpEmis). */
  sign?: string;
}

/**
 * EPEC (4) and FS-DA (5) CT-e are printed before any authorisation, so their QR code carries the
 * emitter's signature of the key; SVC (7, 8) and normal CT-e are authorised on line [I: the MOC says
 * "contingência" for the off-line forms].
 */
export function cteQrNeedsSign(tpEmis: string): boolean {
  return tpEmis === '4' || tpEmis === '5';
}

export function buildCteQrCode(i: CteQrInput): string {
  if (!/^\d{44}$/.test(i.chave)) throw new Error(`chave de acesso inválida para o QR Code do CT-e: ${i.chave}`);
  if (i.tpAmb !== '1' && i.tpAmb !== '2') throw new Error(`tpAmb inválido para o QR Code do CT-e: ${i.tpAmb}`);
  const url = `${i.baseUrl}?chCTe=${i.chave}&tpAmb=${i.tpAmb}`;
  if (!cteQrNeedsSign(i.tpEmis)) return url;
  if (!i.sign) throw new Error(`CT-e em contingência (tpEmis ${i.tpEmis}) exige a assinatura da chave no QR Code`);
  return `${url}&sign=${i.sign}`;
}

export interface ParsedCteQrCode { baseUrl: string; chave: string; tpAmb: string; sign?: string }

/** Reads a qrCodCTe back (undefined when it is not one). */
export function parseCteQrCode(qr: string): ParsedCteQrCode | undefined {
  const m = /^(https?:\/\/[^?]+)\?chCTe=(\d{44})&tpAmb=([12])(?:&sign=(.+))?$/i.exec(qr);
  if (!m) return undefined;
  const out: ParsedCteQrCode = { baseUrl: m[1], chave: m[2], tpAmb: m[3] };
  if (m[4] !== undefined) out.sign = m[4];
  return out;
}
