// Accessors over fast-xml-parser's order-preserving output (`parseXmlOrdered`): each node is
// `{ tag: children[] }` (plus ':@' attributes), text nodes are `{ '#text': value }`. InvoiCy element
// names are matched case-insensitively by local name, since ERPs copy both the layout and the SEFAZ
// spellings.
/** One node of `parseXmlOrdered`'s output: `{ tag: children[] }` (plus ':@'), or `{ '#text': value }`. */
export type OrderedNode = Record<string, unknown>;

export function tagOf(n: OrderedNode): string | undefined {
  for (const k in n) if (k !== ':@' && k !== '#text') return k;
  return undefined;
}

export function localName(tag: string): string {
  return tag.slice(tag.indexOf(':') + 1);
}

export function kidsOf(n: OrderedNode): OrderedNode[] {
  const tag = tagOf(n);
  return tag === undefined ? [] : ((n[tag] as OrderedNode[]) ?? []);
}

/** Concatenated text children, untrimmed. */
export function textOf(children: OrderedNode[]): string {
  let text = '';
  for (const c of children) if (typeof c['#text'] === 'string') text += c['#text'];
  return text;
}

/** First child element whose local name equals `name`, ignoring case. */
export function childNamed(children: OrderedNode[], name: string): OrderedNode | undefined {
  const lower = name.toLowerCase();
  return children.find((c) => {
    const tag = tagOf(c);
    return tag !== undefined && localName(tag).toLowerCase() === lower;
  });
}

/** Trimmed text at a path of child names (case-insensitive); undefined when absent or blank. */
export function textAt(children: OrderedNode[], path: readonly string[]): string | undefined {
  let cur = children;
  for (const name of path) {
    const hit = childNamed(cur, name);
    if (!hit) return undefined;
    cur = kidsOf(hit);
  }
  return textOf(cur).trim() || undefined;
}
