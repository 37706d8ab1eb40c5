// Tiny accessors over fast-xml-parser object output (values stay strings; attributes as "@_name").
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
