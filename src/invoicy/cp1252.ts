// Windows-1252 (ANSI Delphi/VB6 clients). Node 20's TextDecoder('windows-1252') decodes as plain
// Latin-1 (0x80 → U+0080 instead of €), so both directions use this table for 0x80–0x9F; every
// other byte equals its Latin-1 code point.
const HIGH: readonly (number | undefined)[] = [
  0x20ac, undefined, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, undefined, 0x017d, undefined,
  undefined, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, undefined, 0x017e, 0x0178,
];
const BYTE_OF = new Map<number, number>(HIGH.flatMap((cp, i) => (cp === undefined ? [] : [[cp, 0x80 + i] as [number, number]])));

/** Decodes Windows-1252 bytes (the five unassigned bytes map to U+0081… as WHATWG does). */
export function decodeCp1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b >= 0x80 && b <= 0x9f ? (HIGH[b - 0x80] ?? b) : b);
  return out;
}

/** Windows-1252 bytes of text, or undefined when a character has no Windows-1252 byte. */
export function encodeCp1252(text: string): Buffer | undefined {
  const bytes = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : BYTE_OF.get(c);
    if (b === undefined) return undefined;
    bytes[i] = b;
  }
  return bytes;
}
