// NFC-e QR code version 2 (CSC), sefaz-nfe.md §10.1. Pure functions: the gateway builds the QR with
// them and the simulator parses/verifies what it receives with the same rules.
import { createHash } from 'node:crypto';

export interface QrOnlineInput {
  baseUrl: string;   // the UF's NfeConsultaQR URL
  chave: string;
  tpAmb: string;     // '1' | '2'
  idCsc: string | number;
  csc: string;
}

export interface QrOfflineInput extends QrOnlineInput {
  dhEmi: string;       // TDateTimeUTC of the NFC-e; only its day goes into the QR
  vNF: string | number;
  digestValue: string; // base64 DigestValue of the NF-e signature
}

/** cIdToken goes without leading zeros (the XSD pattern forbids them). */
function idToken(idCsc: string | number): string {
  return String(Number(idCsc));
}

function vNfText(vNF: string | number): string {
  return Number(vNF).toFixed(2);
}

/** Hex of the ASCII characters of the base64 DigestValue (56 hex chars for SHA-1). */
export function digestValueHex(digestValue: string): string {
  return Buffer.from(digestValue, 'ascii').toString('hex');
}

/** UPPER(HEX(SHA1(params joined by '|' + CSC))). */
export function qrHashV2(params: readonly string[], csc: string): string {
  return createHash('sha1').update(params.join('|') + csc, 'utf8').digest('hex').toUpperCase();
}

function withP(baseUrl: string, p: string): string {
  return `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}p=${p}`;
}

export function qrParamsOnline(i: Omit<QrOnlineInput, 'baseUrl' | 'csc'>): string[] {
  return [i.chave, '2', i.tpAmb, idToken(i.idCsc)];
}

export function qrParamsOffline(i: Omit<QrOfflineInput, 'baseUrl' | 'csc'>): string[] {
  return [i.chave, '2', i.tpAmb, i.dhEmi.slice(8, 10), vNfText(i.vNF), digestValueHex(i.digestValue), idToken(i.idCsc)];
}

export function buildQrCodeV2Online(i: QrOnlineInput): string {
  const params = qrParamsOnline(i);
  return withP(i.baseUrl, [...params, qrHashV2(params, i.csc)].join('|'));
}

export function buildQrCodeV2Offline(i: QrOfflineInput): string {
  const params = qrParamsOffline(i);
  return withP(i.baseUrl, [...params, qrHashV2(params, i.csc)].join('|'));
}

export interface ParsedQrCodeV2 {
  chave: string;
  versao: string;
  tpAmb: string;
  offline: boolean;
  /** Present only in the off-line form. */
  dia?: string;
  vNF?: string;
  digValHex?: string;
  idCsc: string;
  hash: string;
  /** The parameters the hash covers, in order. */
  signedParams: string[];
}

/** Parses the `p=` parameter of a v2 QR code; undefined when it is not one. */
export function parseQrCodeV2(qrCode: string): ParsedQrCodeV2 | undefined {
  const m = /[?&]p=([^&]*)/.exec(qrCode.trim());
  if (!m) return undefined;
  const parts = m[1].split('|');
  if (parts[1] !== '2') return undefined;
  if (parts.length === 5) {
    const [chave, versao, tpAmb, idCsc, hash] = parts as [string, string, string, string, string];
    return { chave, versao, tpAmb, offline: false, idCsc, hash, signedParams: parts.slice(0, 4) };
  }
  if (parts.length === 8) {
    const [chave, versao, tpAmb, dia, vNF, digValHex, idCsc, hash] = parts as [string, string, string, string, string, string, string, string];
    return { chave, versao, tpAmb, offline: true, dia, vNF, digValHex, idCsc, hash, signedParams: parts.slice(0, 7) };
  }
  return undefined;
}

/** True when the QR hash matches the one computed with the given CSC. */
export function verifyQrHashV2(parsed: ParsedQrCodeV2, csc: string): boolean {
  return qrHashV2(parsed.signedParams, csc) === parsed.hash.toUpperCase();
}
