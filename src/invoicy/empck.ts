// EmpCK = lower-case hex MD5 of (company access key + first document text). Each official client
// hashes a slightly different text (trimmed, inter-tag whitespace removed, CRLF line breaks, a trailing
// CRLF from Delphi's TStrings.Text, ANSI bytes on old Delphi) and XML parsing turns CRLF into LF, so
// the check accepts a fixed set of whitespace/encoding variants of the received text (contract §7.3).
// Only whitespace and encoding vary — never content. Delphi clients built on Indy hash with its default
// ASCII encoding, which turns every non-ASCII character (each UTF-16 unit) into '?' before the MD5:
// that is the third encoding.
import crypto from 'node:crypto';
import { encodeCp1252 } from './cp1252';

export type EmpCKEncoding = 'utf-8' | 'windows-1252' | 'ascii-indy';

export interface EmpCKCandidate {
  /** e.g. "trim", "no-tab-cr-lf+crlf-end": safe to log (never the key). */
  name: string;
  text: string;
}

// PCRE's \s (PHP's preg_replace) — JS \s would also swallow NBSP and other Unicode spaces.
const INTER_TAG_WS = />[ \t\n\r\f\v]+</g;

/** Base transformations of the received text D; the single list the tolerant check uses. */
const BASE_FORMS: readonly [string, (d: string) => string][] = [
  ['raw', (d) => d],
  ['lf-to-crlf', (d) => d.replace(/\r?\n/g, '\r\n')],
  ['inter-tag', (d) => d.replace(INTER_TAG_WS, '><')],
  ['lf-to-crlf+inter-tag', (d) => d.replace(/\r?\n/g, '\r\n').replace(INTER_TAG_WS, '><')],
  ['no-tab-cr-lf', (d) => d.replace(/[\t\r\n]/g, '')],
];

/**
 * Each base form as is, trimmed, with a trailing CRLF, and trimmed + trailing CRLF; duplicates dropped.
 * Lazy: the raw text matches for almost every client, and each form costs a pass over the document.
 */
export function* empCKCandidates(documentText: string, options: { strict?: boolean } = {}): Generator<EmpCKCandidate> {
  yield { name: 'raw', text: documentText };
  if (options.strict) return;
  const seen = new Set([documentText]);
  for (const [name, fn] of BASE_FORMS) {
    const base = fn(documentText);
    const trimmed = base.trim();
    for (const candidate of [
      { name, text: base },
      { name: `${name}+trim`, text: trimmed },
      { name: `${name}+crlf-end`, text: `${base}\r\n` },
      { name: `${name}+trim+crlf-end`, text: `${trimmed}\r\n` },
    ]) {
      if (seen.has(candidate.text)) continue;
      seen.add(candidate.text);
      yield candidate;
    }
  }
}

// Per UTF-16 unit (no `u` flag): Indy writes one '?' for each half of a surrogate pair too.
const NON_ASCII = /[\u0080-\uffff]/g;

function encode(text: string, encoding: EmpCKEncoding): Buffer | undefined {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  if (encoding === 'windows-1252') return encodeCp1252(text);
  return Buffer.from(text.replace(NON_ASCII, '?'), 'latin1');
}

/** MD5 hex (lower case) of accessKey + text in the given encoding; undefined if not encodable. */
export function computeEmpCK(accessKey: string, text: string, encoding: EmpCKEncoding = 'utf-8'): string | undefined {
  const bytes = encode(accessKey + text, encoding);
  return bytes && crypto.createHash('md5').update(bytes).digest('hex');
}

const ENCODINGS: readonly EmpCKEncoding[] = ['utf-8', 'windows-1252', 'ascii-indy'];

/**
 * Checks a received EmpCK; returns the name of the matching candidate ("trim/utf-8" …) or undefined.
 * Each comparison is constant-time; the search stops at the first match (the raw text, for almost
 * every client): which form matched is no secret, the access key is.
 */
export function verifyEmpCK(accessKey: string, documentText: string, empCK: string, options: { strict?: boolean } = {}): string | undefined {
  const received = Buffer.from(empCK.trim().toLowerCase(), 'latin1');
  // ASCII-only input has the same bytes in both encodings: one hash per candidate is enough.
  const encodings = /^\p{ASCII}*$/u.test(accessKey + documentText) ? ENCODINGS.slice(0, 1) : ENCODINGS;
  for (const candidate of empCKCandidates(documentText, options)) {
    for (const encoding of encodings) {
      const hex = computeEmpCK(accessKey, candidate.text, encoding);
      if (hex === undefined || hex.length !== received.length) continue;
      if (crypto.timingSafeEqual(Buffer.from(hex, 'latin1'), received)) return `${candidate.name}/${encoding}`;
    }
  }
  return undefined;
}
