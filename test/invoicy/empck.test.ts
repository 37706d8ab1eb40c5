import crypto from 'node:crypto';
import { decodeCp1252, encodeCp1252 } from '../../src/invoicy/cp1252';
import { computeEmpCK, empCKCandidates, verifyEmpCK } from '../../src/invoicy/empck';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const md5 = (b: string | Buffer) => crypto.createHash('md5').update(b).digest('hex');

// The document as the ERP holds it (indented, CRLF line breaks) and as the server receives it after
// XML parsing (CRLF → LF). Accents exercise the encodings.
const ORIGINAL = '\r\n\t<Envio>\r\n\t\t<ModeloDocumento>NFe</ModeloDocumento>\r\n\t\t<xNome>AÇÃO &amp; CIA</xNome>\r\n\t</Envio>\r\n';
const RECEIVED = ORIGINAL.replace(/\r\n/g, '\n');

/** How each official sample client computes EmpCK (contract §7.2), from the text it holds. */
const clients: [string, string, (key: string, xml: string) => string][] = [
  // C#: key + text.Trim(), UTF-8, lower hex (its "linearise" step is a no-op).
  ['C#', ORIGINAL, (k, x) => md5(Buffer.from(k + x.trim(), 'utf8'))],
  // Java: removes whitespace runs between > and <.
  ['Java', ORIGINAL, (k, x) => md5(Buffer.from(k + x.replace(/>[^a-zA-Z0-9]*</g, '><'), 'utf8'))],
  // PHP: preg_replace('/>\s+</', '><').
  ['PHP', ORIGINAL, (k, x) => md5(Buffer.from(k + x.replace(/>[ \t\n\r\f\v]+</g, '><'), 'utf8'))],
  // Delphi Unicode: TAB and CRLF removed, TStrings.Text re-appends CRLF, UTF-8.
  ['Delphi Unicode', ORIGINAL, (k, x) => md5(Buffer.from(`${k}${x.replace(/\t/g, '').replace(/\r\n/g, '')}\r\n`, 'utf8'))],
  // Delphi ANSI: same text, CP-1252 bytes.
  ['Delphi ANSI', ORIGINAL, (k, x) => md5(Buffer.from(`${k}${x.replace(/\t/g, '').replace(/\r\n/g, '')}\r\n`, 'latin1'))],
  // Delphi with Indy's default text encoding (Migrate's Delphi sample): the same text, each non-ASCII
  // character hashed as '?'.
  ['Delphi Indy ASCII', ORIGINAL, (k, x) => md5(Buffer.from(`${k}${x.replace(/\t/g, '').replace(/\r\n/g, '')}\r\n`.replace(/[^\x00-\x7f]/g, '?'), 'latin1'))],
  // A client that hashes exactly what it sends, with Windows line breaks.
  ['raw CRLF', ORIGINAL, (k, x) => md5(Buffer.from(k + x, 'utf8'))],
  // A client hashing exactly the (LF) text it sends.
  ['raw LF', RECEIVED, (k, x) => md5(Buffer.from(k + x, 'utf8'))],
];

describe('EmpCK tolerant check', () => {
  test.each(clients)('accepts the hash built like the %s client', (_name, held, hash) => {
    const empCK = hash(KEY, held);
    expect(verifyEmpCK(KEY, RECEIVED, empCK)).toEqual(expect.any(String));
    expect(verifyEmpCK(KEY, RECEIVED, empCK.toUpperCase())).toEqual(expect.any(String));
  });

  test.each(clients)('rejects the %s hash with a wrong key', (_name, held, hash) => {
    expect(verifyEmpCK(KEY, RECEIVED, hash('b' + KEY.slice(1), held))).toBeUndefined();
  });

  test.each(clients)('rejects the %s hash over a tampered document', (_name, held, hash) => {
    expect(verifyEmpCK(KEY, RECEIVED, hash(KEY, held.replace('NFe', 'NFCe')))).toBeUndefined();
  });

  test('names the candidate that matched, never the key', () => {
    expect(verifyEmpCK(KEY, RECEIVED, md5(Buffer.from(KEY + RECEIVED.trim(), 'utf8')))).toBe('raw+trim/utf-8');
    const ansi = md5(Buffer.from(`${KEY}${RECEIVED.replace(/[\t\n]/g, '')}\r\n`, 'latin1'));
    expect(verifyEmpCK(KEY, RECEIVED, ansi)).toMatch(/\+crlf-end\/windows-1252$/);
    expect(verifyEmpCK(KEY, RECEIVED, ansi)).not.toContain(KEY);
  });

  test('strict mode accepts only the exact received text', () => {
    expect(verifyEmpCK(KEY, RECEIVED, md5(KEY + RECEIVED), { strict: true })).toBe('raw/utf-8');
    expect(verifyEmpCK(KEY, RECEIVED, md5(KEY + RECEIVED.trim()), { strict: true })).toBeUndefined();
  });

  test('independently computed vectors (printf … | md5sum)', () => {
    // printf '%s' 'KEY123<Envio><a>1</a></Envio>' | md5sum
    expect(computeEmpCK('KEY123', '<Envio><a>1</a></Envio>')).toBe('4cc2bdf754493ddece2f40645f76805e');
    // printf '%s' 'KEY123<Envio><xNome>AÇÃO</xNome></Envio>' | md5sum   (UTF-8 terminal)
    expect(computeEmpCK('KEY123', '<Envio><xNome>AÇÃO</xNome></Envio>')).toBe('850c792b9a15fb94d37e7c8624d06650');
    // printf 'KEY123<Envio><xNome>A\xc7\xc3O</xNome></Envio>\r\n' | md5sum   (CP-1252 bytes + CRLF)
    expect(verifyEmpCK('KEY123', '\t<Envio>\n<xNome>AÇÃO</xNome></Envio>\n', '21275bbabd08807434146d6fee6c0b54')).toMatch(/\/windows-1252$/);
    expect(verifyEmpCK('KEY123', '\t<Envio>\n<xNome>AÇÃO</xNome></Envio>\n', '21275bbabd08807434146d6fee6c0b54', { strict: true })).toBeUndefined();
  });

  test('Delphi with Indy\'s ASCII encoding: each non-ASCII character hashed as "?" (one per UTF-16 unit)', () => {
    // printf 'KEY123<Envio><xNome>A??O</xNome></Envio>\r\n' | md5sum
    expect(verifyEmpCK('KEY123', '\t<Envio>\n<xNome>AÇÃO</xNome></Envio>\n', '0953523e5d7ce69783fcfcae0d729840')).toMatch(/\/ascii-indy$/);
    // printf '%s' 'KEY123<Envio><xNome>A??O ??</xNome></Envio>' | md5sum   (the emoji is two UTF-16 units)
    expect(verifyEmpCK('KEY123', '<Envio><xNome>AÇÃO 😀</xNome></Envio>', '4325eb7b581bed29c44297ed64cce999')).toBe('raw/ascii-indy');
    // Only encodings vary: another character in the same place is still refused.
    expect(verifyEmpCK('KEY123', '<Envio><xNome>AÇÃX 😀</xNome></Envio>', '4325eb7b581bed29c44297ed64cce999')).toBeUndefined();
  });

  test('rejects malformed EmpCK values without throwing', () => {
    for (const bad of ['', 'xyz', 'é'.repeat(32), `${md5(KEY + RECEIVED)}0`]) expect(verifyEmpCK(KEY, RECEIVED, bad)).toBeUndefined();
  });

  test('candidate list has no duplicate texts and keeps the raw text first', () => {
    const list = [...empCKCandidates(RECEIVED)];
    expect(list[0]).toEqual({ name: 'raw', text: RECEIVED });
    expect(new Set(list.map((c) => c.text)).size).toBe(list.length);
    expect(new Set(list.map((c) => c.name)).size).toBe(list.length);
  });
});

describe('Windows-1252', () => {
  test.each([
    ['AÇÃO', [0x41, 0xc7, 0xc3, 0x4f]],
    ['€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ', [0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8e, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9e, 0x9f]],
    ['\u00a0ÿ', [0xa0, 0xff]],
  ])('%s', (text, bytes) => {
    const encoded = encodeCp1252(text)!;
    expect([...encoded]).toEqual(bytes);
    expect(decodeCp1252(encoded)).toBe(text);
  });

  test.each(['\u0081', '日本', '😀'])('refuses %j (no Windows-1252 byte)', (text) => {
    expect(encodeCp1252(text)).toBeUndefined();
    expect(computeEmpCK(KEY, text, 'windows-1252')).toBeUndefined();
  });
});
