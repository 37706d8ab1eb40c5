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

/** Order-preserving parse (fast-xml-parser preserveOrder mode) of untrusted XML. */
export function parseXmlOrdered(text: string, options: Pick<ParseOptions, 'removeNSPrefix'> = {}): OrderedNode[] {
  assertXmlSafe(text);
  const parser = new XMLParser({ ...baseOptions, preserveOrder: true, removeNSPrefix: options.removeNSPrefix ?? false });
  return parser.parse(text) as OrderedNode[];
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
