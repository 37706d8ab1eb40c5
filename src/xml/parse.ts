// The one place that turns untrusted XML text into data. Any DOCTYPE or entity declaration is refused
// outright (InvoiCy code 145), so no input can make us read files or blow up memory; fast-xml-parser's
// validator then checks well-formedness, and the trees are built here; values stay strings (fiscal
// data must not become numbers: chaves, CNPJs and cNF keep their leading zeros).
import { XMLValidator } from 'fast-xml-parser';
import { localName, tagOf } from './ordered';

export class XmlInputError extends Error {
  constructor(message: string, readonly kind: 'malformed' | 'dtd') {
    super(message);
    this.name = 'XmlInputError';
  }
}

const DTD_RE = /<!DOCTYPE|<!ENTITY/i;

/** Refuses any DOCTYPE or entity declaration (for parsers that check well-formedness themselves). */
export function assertNoDtd(text: string): void {
  if (DTD_RE.test(text)) {
    throw new XmlInputError('XML com declaração DOCTYPE/ENTITY não é aceito', 'dtd');
  }
}

export function assertXmlSafe(text: string): void {
  assertNoDtd(text);
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

export type OrderedNode = Record<string, unknown>;

// Trees are built by one regex pass over text the validator has accepted, in the shapes of
// fast-xml-parser's preserveOrder and object output (values as strings, attributes as "@_" keys; the
// tests hold both equal to fast-xml-parser on every shared XML file and a table of edge cases): in
// the ordered tree elements are { name: children[] } with ':@' attributes, text and CDATA are '#text'
// nodes, comments and PIs are dropped, the five predefined entities are decoded. fast-xml-parser's
// builders took 3.5–5× as long (measured: a one-item NF-e ~160 → ~45 µs, a 10 KB nfeProc ~450 →
// ~100 µs), and every SOAP call and SEFAZ answer is parsed this way.
const TOKEN_RE = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<![^>]*>|<(\/?)([^\s/>]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const ATTR_RE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY_RE = /&(lt|gt|amp|quot|apos);/g;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const decodeEntities = (s: string): string => (s.includes('&') ? s.replace(ENTITY_RE, (_, e: string) => ENTITIES[e]!) : s);

function attributesOf(attrs: string, removeNSPrefix: boolean): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const m of attrs.matchAll(ATTR_RE)) {
    let name = m[1]!;
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
    const children = open[open.length - 1]!;
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
      if (!selfClose) open.push(kids);
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
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}

/** Escapes text for element content only (leaves quotes alone, as SEFAZ samples do). */
export function escapeText(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/[&<>]/g, (c) => ESCAPES[c]!) : text;
}
