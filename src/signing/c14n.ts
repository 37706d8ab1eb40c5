// Inclusive C14N 1.0 without comments of one element, with the namespaces it inherits, by libxml2's
// xmlC14NExecute (the canonicaliser behind PHP's DOMNode::C14N, which sped-nfe signs with). It took
// over from xml-crypto's C14N over an xmldom tree in the signer: xmldom's parser alone cost ~0.44 ms
// of a small NF-e; libxml2 parses and canonicalises the same document in ~0.14 ms (measured).
import { loadLibxml2, parseText, type LibxmlDocument } from '../xml/libxml2';
import { XmlSignatureError } from './dsig';

/** Canonical form of the element at `path` (local names from the root) of the document `xml`. */
export async function canonicalElement(xml: string, path: readonly string[]): Promise<string> {
  const lib = await loadLibxml2();
  const { XmlElement, XmlC14NMode } = lib;
  let doc: LibxmlDocument;
  try {
    doc = parseText(lib, xml);
  } catch (err) {
    throw new XmlSignatureError(`XML mal formado: ${err instanceof Error ? err.message.trim() : String(err)}`);
  }
  try {
    let el: InstanceType<typeof XmlElement> | null = doc.root;
    if (el.name !== path[0]) el = null;
    for (const name of path.slice(1)) {
      let next: InstanceType<typeof XmlElement> | null = null;
      for (let c = el?.firstChild ?? null; c && !next; c = c.next) if (c instanceof XmlElement && c.name === name) next = c;
      el = next;
    }
    if (!el) throw new XmlSignatureError(`Elemento ${path.join('/')} não encontrado`);
    // A node set of one element: libxml2 keeps its subtree and renders the inherited namespaces on it.
    return doc.canonicalizeToString({ mode: XmlC14NMode.XML_C14N_1_0, nodeSet: new Set([el]) });
  } finally {
    // Each document lives in the wasm heap until disposed.
    doc.dispose();
  }
}
