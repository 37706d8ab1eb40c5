// hashEntrega of the comprovante de entrega (cte.md §6.4): Base64(SHA-1(chCTe + Base64(image))). SEFAZ
// checks only its length (20 bytes); the carrier may use it as the index of its delivery proof.
import { createHash } from 'node:crypto';

/** The hash of an image captured at the delivery (signature, photo, fingerprint…) for a CT-e key. */
export function hashEntrega(chCTe: string, image: Uint8Array): string {
  const imageBase64 = Buffer.from(image).toString('base64');
  return createHash('sha1').update(chCTe + imageBase64, 'ascii').digest('base64');
}

// 27 characters and '=': the last one carries 2 padding bits, which must be zero.
const HASH_ENTREGA = /^[A-Za-z0-9+/]{26}[AEIMQUYcgkosw048]=$/;

/** A ready hash as the XSD accepts it: base64 of exactly 20 bytes (28 characters). */
export function isHashEntrega(text: string): boolean {
  return HASH_ENTREGA.test(text);
}
