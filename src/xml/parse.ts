// The one place that turns untrusted XML text into data. fast-xml-parser never expands external
// entities, but we refuse any DOCTYPE or entity declaration outright (InvoiCy code 145) so that no
// input can make us read files or blow up memory; values stay strings (fiscal data must not become
// numbers: chaves, CNPJs and cNF keep their leading zeros).
import { XMLParser, XMLValidator } from 'fast-xml-parser';

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

const baseOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: false as const,
  // true (the default) builds each element's path string for callbacks we never read (measured: a
  // quarter of the parse time); false hands them a matcher instead.
  jPath: false,
};

/** Object-mode parse of untrusted XML (refuses DTDs, validates well-formedness first). */
export function parseXml(text: string, options: ParseOptions = {}): Record<string, unknown> {
  if (!options.checked) assertXmlSafe(text);
  const arrays = new Set(options.arrays ?? []);
  const parser = new XMLParser({
    ...baseOptions,
    removeNSPrefix: options.removeNSPrefix ?? false,
    isArray: (name: string) => arrays.has(name),
  });
  return parser.parse(text) as Record<string, unknown>;
}

export type OrderedNode = Record<string, unknown>;

// The order-preserving tree is built by one regex pass over text the validator has accepted, in the
// shape of fast-xml-parser's preserveOrder output with the options above (held equal to it on every
// official example and a table of edge cases by the tests): elements as { name: children[] } with
// ':@' attributes, text and CDATA as '#text' nodes, comments and PIs dropped, the five predefined
// entities decoded. fast-xml-parser's builder took ~3.5× as long (measured on a one-item NF-e,
// validation aside: ~160 → ~45 µs), and every SOAP call parses its documents this way.
const TOKEN_RE = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<![^>]*>|<(\/?)([^\s/>]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const ATTR_RE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY_RE = /&(lt|gt|amp|quot|apos);/g;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const decodeEntities = (s: string): string => (s.includes('&') ? s.replace(ENTITY_RE, (_, e: string) => ENTITIES[e]!) : s);
const withoutPrefix = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

function attributesOf(attrs: string, removeNSPrefix: boolean): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const m of attrs.matchAll(ATTR_RE)) {
    let name = m[1]!;
    if (removeNSPrefix) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      name = withoutPrefix(name);
    }
    (out ??= {})[`@_${name}`] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  return out;
}

/** Order-preserving parse of untrusted XML (checked by fast-xml-parser's validator first). */
export function parseXmlOrdered(text: string, options: Pick<ParseOptions, 'removeNSPrefix'> = {}): OrderedNode[] {
  assertXmlSafe(text);
  const removeNSPrefix = options.removeNSPrefix ?? false;
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
      node[removeNSPrefix ? withoutPrefix(qname) : qname] = kids;
      const attributes = attrs && attributesOf(attrs, removeNSPrefix);
      if (attributes) node[':@'] = attributes;
      children.push(node);
      if (!selfClose) open.push(kids);
    }
  }
  return root;
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
