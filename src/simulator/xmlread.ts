// Tiny accessors over fast-xml-parser object output (values stay strings; attributes as "@_name"),
// and over an xmldom tree where one is parsed anyway (the NF-e, whose signature is verified on it).
import type { Element } from '@xmldom/xmldom';
import { parseXml } from '../xml/parse';

export type XmlNode = Record<string, unknown>;

export function node(v: unknown): XmlNode {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as XmlNode) : {};
}

/** Text content of an element (with or without attributes); undefined when absent. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as XmlNode)['#text'] === 'string') return (v as XmlNode)['#text'] as string;
  return undefined;
}

/** The root element `root` of an already well-formed business message. */
export function readRoot(xml: string, root: string, arrays: readonly string[] = []): XmlNode {
  return node(parseXml(xml, { arrays })[root]);
}

/** First child element named `name` (local name); undefined when `el` is. */
export function child(el: Element | undefined, name: string): Element | undefined {
  for (let c = el?.firstChild; c; c = c.nextSibling) if (c.nodeType === c.ELEMENT_NODE && (c as Element).localName === name) return c as Element;
  return undefined;
}

/** Text of the first child element named `name`; undefined when absent. */
export function childText(el: Element | undefined, name: string): string | undefined {
  return child(el, name)?.textContent ?? undefined;
}
