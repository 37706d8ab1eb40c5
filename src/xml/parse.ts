// The one place that turns untrusted XML text into data. Any DOCTYPE or entity declaration is refused
// outright (InvoiCy code 145), so no input can make us read files or blow up memory; a scan of the
// markup then refuses documents over XML_LIMITS before anything costly runs; fast-xml-parser's
// validator checks well-formedness, and the trees are built here; values stay strings (fiscal data
// must not become numbers: chaves, CNPJs and cNF keep their leading zeros).
import { XMLValidator } from 'fast-xml-parser';
import { localName, tagOf, type OrderedNode } from './ordered';

export class XmlInputError extends Error {
  constructor(message: string, readonly kind: 'malformed' | 'dtd' | 'limit') {
    super(message);
    this.name = 'XmlInputError';
  }
}

const DTD_RE = /<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const DTD_MESSAGE = 'XML com declaração DOCTYPE/ENTITY não é aceito';

/** Refuses any DOCTYPE or markup declaration anywhere in the text, even as comment or CDATA text. */
function assertNoDtd(text: string): void {
  if (DTD_RE.test(text)) throw new XmlInputError(DTD_MESSAGE, 'dtd');
}

/**
 * What one document may hold. Generous for the largest legitimate one (an NF-e of 990 items has
 * ~100 elements and one attribute per item, and is nested ~10 deep), small enough that a document
 * at the limits is parsed in about a second.
 */
export const XML_LIMITS = { depth: 256, elements: 500_000, attributesPerElement: 256, attributes: 100_000 } as const;

const limitError = (what: string, limit: number) =>
  new XmlInputError(`XML recusado: ${what} excede o limite de ${limit}`, 'limit');

const GT = 0x3e, BANG = 0x21, QUESTION = 0x3f, SLASH = 0x2f, EQUALS = 0x3d, QUOTE = 0x22, APOS = 0x27;

/** Index just after the next `terminator` from `from`, or -1. */
function after(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at === -1 ? -1 : at + terminator.length;
}

/**
 * One pass over the markup, read as an XML parser reads it (text is skipped by indexOf): comments,
 * CDATA sections and PIs are stepped over whole, so nothing inside them can be taken for markup nor
 * hide the markup after them. Refuses any other "<!" (a DOCTYPE, ENTITY… where a parser would read
 * it), a declaration in a comment or PI, and a document over XML_LIMITS — before the validator or a
 * parser spends time on it. Unterminated constructs end the scan: the parser refuses them.
 */
export function assertSafeMarkup(text: string): void {
  let depth = 0;
  let elements = 0;
  let attributes = 0;
  for (let i = text.indexOf('<'); i !== -1; ) {
    const c = text.charCodeAt(i + 1);
    let end: number;
    if (c === BANG && text.startsWith('[CDATA[', i + 2)) {
      end = after(text, ']]>', i + 9);
    } else if (c === BANG || c === QUESTION) {
      const comment = c === BANG && text.startsWith('--', i + 2);
      if (c === BANG && !comment) throw new XmlInputError(DTD_MESSAGE, 'dtd');
      end = comment ? after(text, '-->', i + 4) : after(text, '?>', i + 2);
      if (DTD_RE.test(text.slice(i + 2, end === -1 ? undefined : end))) throw new XmlInputError(DTD_MESSAGE, 'dtd');
    } else if (c === SLASH) {
      depth--;
      end = i + 2;
    } else {
      // A start tag, to its '>' outside quoted values; each attribute has one '=' outside them.
      let j = i + 1;
      let attrs = 0;
      for (let ch = text.charCodeAt(j); ch !== GT; ch = text.charCodeAt(j)) {
        if (ch === QUOTE || ch === APOS) {
          j = text.indexOf(ch === QUOTE ? '"' : "'", j + 1);
          if (j === -1) return;
        } else if (ch === EQUALS) {
          if (++attrs > XML_LIMITS.attributesPerElement) throw limitError('o número de atributos de um elemento', XML_LIMITS.attributesPerElement);
          if (++attributes > XML_LIMITS.attributes) throw limitError('o número de atributos', XML_LIMITS.attributes);
        } else if (ch !== ch) return; // NaN: the text ended inside the tag
        j++;
      }
      if (++elements > XML_LIMITS.elements) throw limitError('o número de elementos', XML_LIMITS.elements);
      if (text.charCodeAt(j - 1) !== SLASH && ++depth > XML_LIMITS.depth) throw limitError('a profundidade de elementos aninhados', XML_LIMITS.depth);
      end = j + 1;
    }
    if (end === -1) return;
    i = text.indexOf('<', end);
  }
}

export function assertXmlSafe(text: string): void {
  assertNoDtd(text);
  assertSafeMarkup(text);
  const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (result !== true) {
    const e = result.err;
    throw new XmlInputError(`XML mal formado (linha ${e.line}, coluna ${e.col}): ${e.msg}`, 'malformed');
  }
}

export interface ParseOptions {
  /** Element names (local, as written) that must always come back as arrays. */
  arrays?: readonly string[];
  /** Strip namespace prefixes from element names (attributes keep theirs). */
  removeNSPrefix?: boolean;
  /** The text already passed assertXmlSafe (itself, or the document it was cut from whole). */
  checked?: boolean;
}

export type { OrderedNode } from './ordered';

// Trees are built by one regex pass over text the validator has accepted, in the shapes of
// fast-xml-parser's preserveOrder and object output (values as strings, attributes as "@_" keys; the
// tests hold both equal to fast-xml-parser on every shared XML file and a table of edge cases): in
// the ordered tree elements are { name: children[] } with ':@' attributes, text and CDATA are '#text'
// nodes, comments and PIs are dropped, the five predefined entities and character references are
// decoded. fast-xml-parser's builders took 3.5–5× as long (measured: a one-item NF-e ~160 → ~45 µs,
// a 10 KB nfeProc ~450 → ~100 µs), and every SOAP call and SEFAZ answer is parsed this way.
const TOKEN_RE = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<![^>]*>|<(\/?)([^\s/>]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const ATTR_RE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
// Any '&' must start one of these (the validator lets others through in attribute values).
const REFERENCE_RE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));|&/g;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML 1.0 Char: what a character reference may stand for. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function decodeReference(ref: string, name?: string, dec?: string, hex?: string): string {
  if (name !== undefined) return ENTITIES[name];
  const cp = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : undefined;
  if (cp === undefined) {
    throw new XmlInputError('XML mal formado: "&" que não inicia uma referência válida (escreva &amp;amp;)', 'malformed');
  }
  if (!isXmlChar(cp)) throw new XmlInputError(`XML mal formado: a referência ${ref} não é um caractere XML válido`, 'malformed');
  return String.fromCodePoint(cp);
}

const decodeEntities = (s: string): string => (s.includes('&') ? s.replace(REFERENCE_RE, decodeReference) : s);

function attributesOf(attrs: string, removeNSPrefix: boolean): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const m of attrs.matchAll(ATTR_RE)) {
    let name = m[1];
    if (removeNSPrefix) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      name = localName(name);
    }
    (out ??= {})[`@_${name}`] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  return out;
}

// Element names become object keys: as in fast-xml-parser, those that could reach a prototype are
// refused and those that would shadow Object.prototype methods get a "__" prefix.
const CRITICAL_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const SHADOWING_NAMES = new Set(['hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

function safeName(name: string): string {
  if (CRITICAL_NAMES.has(name)) throw new XmlInputError(`XML recusado: o nome de elemento "${name}" não é aceito`, 'malformed');
  return SHADOWING_NAMES.has(name) ? `__${name}` : name;
}

/** The ordered tree of text the validator has accepted. */
function buildOrdered(text: string, removeNSPrefix: boolean): OrderedNode[] {
  const xml = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  const root: OrderedNode[] = [];
  const open: OrderedNode[][] = [root];
  // Text outside the root element is dropped (fast-xml-parser keeps some of it; nothing reads it).
  let pending = '';
  let textFrom = 0;
  for (const m of xml.matchAll(TOKEN_RE)) {
    const children = open[open.length - 1];
    if (m.index > textFrom) pending += xml.slice(textFrom, m.index);
    textFrom = m.index + m[0].length;
    const [, cdata, slash, qname, attrs = '', selfClose] = m;
    // A comment leaves the text open, a PI closes it (as fast-xml-parser does); neither is kept.
    if (cdata === undefined && qname === undefined && !m[0].startsWith('<?')) continue;
    if (pending !== '') {
      if (open.length > 1) children.push({ '#text': decodeEntities(pending) });
      pending = '';
    }
    if (cdata !== undefined) {
      if (open.length > 1) children.push({ '#text': cdata });
    } else if (qname === undefined) {
      continue;
    } else if (slash) {
      open.pop();
    } else {
      const kids: OrderedNode[] = [];
      const node: OrderedNode = {};
      node[safeName(removeNSPrefix ? localName(qname) : qname)] = kids;
      const attributes = attrs && attributesOf(attrs, removeNSPrefix);
      if (attributes) node[':@'] = attributes;
      children.push(node);
      if (selfClose) continue;
      open.push(kids);
      // Already refused by the markup scan; held here too so that every tree, however its text was
      // checked, is shallow enough for the recursive readers (toObject, the layout parser).
      if (open.length - 1 > XML_LIMITS.depth) throw limitError('a profundidade de elementos aninhados', XML_LIMITS.depth);
    }
  }
  return root;
}

/** Order-preserving parse of untrusted XML (checked by fast-xml-parser's validator first). */
export function parseXmlOrdered(text: string, options: Pick<ParseOptions, 'removeNSPrefix'> = {}): OrderedNode[] {
  assertXmlSafe(text);
  return buildOrdered(text, options.removeNSPrefix ?? false);
}

/**
 * fast-xml-parser's object form of an ordered tree (its `compress`): an element with text only is its
 * text, an empty one is '', attributes are '@_' keys beside the children, a repeated name becomes an
 * array (or always, for the names in `arrays`), text among children is joined under '#text'.
 */
function toObject(nodes: OrderedNode[], arrays: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let text: string | undefined;
  for (const node of nodes) {
    const name = tagOf(node);
    if (name === undefined) {
      if (typeof node['#text'] === 'string') text = (text ?? '') + node['#text'];
      continue;
    }
    const obj = toObject(node[name] as OrderedNode[], arrays);
    const attributes = node[':@'] as Record<string, string> | undefined;
    let value: unknown = obj;
    if (attributes) Object.assign(obj, attributes);
    else {
      const keys = Object.keys(obj);
      if (keys.length === 0) value = '';
      else if (keys.length === 1 && obj['#text'] !== undefined) value = obj['#text'];
    }
    const existing = Object.hasOwn(out, name) ? out[name] : undefined;
    if (existing !== undefined) {
      if (Array.isArray(existing)) existing.push(value);
      else out[name] = [existing, value];
    } else out[name] = arrays.has(name) ? [value] : value;
  }
  if (text) out['#text'] = text;
  return out;
}

/** Object-mode parse of untrusted XML (refuses DTDs, validates well-formedness first). */
export function parseXml(text: string, options: ParseOptions = {}): Record<string, unknown> {
  if (!options.checked) assertXmlSafe(text);
  return toObject(buildOrdered(text, options.removeNSPrefix ?? false), new Set(options.arrays));
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text content for XML (SEFAZ wants &, <, > escaped; quotes are escaped too for attributes). */
export function escapeXml(text: string): string {
  // Most values need no escaping: testing first spares the replace (hot in rendering).
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]) : text;
}

/** Escapes text for element content only (leaves quotes alone, as SEFAZ samples do). */
export function escapeText(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/[&<>]/g, (c) => ESCAPES[c]) : text;
}
