// The "sign" parameter of the CT-e QR code in contingency (fiscal/cte-qrcode.ts): Base64 of the
// RSA-SHA1 signature of the 44-digit key with the emitter's certificate key (MOC CT-e 4.00 §9.2).
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

export function signChaveForQr(chave: string, keyPem: string): string {
  return sign('sha1', Buffer.from(chave, 'ascii'), createPrivateKey(keyPem)).toString('base64');
}

/** Whether `signature` is the key signed by the holder of the certificate `certPem`. */
export function verifyQrSign(chave: string, signature: string, certPem: string): boolean {
  return verify('sha1', Buffer.from(chave, 'ascii'), createPublicKey(certPem), Buffer.from(signature, 'base64'));
}
