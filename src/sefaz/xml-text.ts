// Locating elements in XML text by position. SEFAZ answers must be stored and embedded (nfeProc,
// procEventoNFe, procInutNFe) exactly as received — their signatures cover those bytes — so we cut
// fragments out of the original string instead of re-serialising a parsed tree. Input must already
// have passed assertXmlSafe (well-formed, no DTD).

export interface ElementSpan {
  /** Position in the scan result (what `within` and `parent` refer to). */
  index: number;
  prefix: string;
  localName: string;
  /** Offset of '<' of the start tag. */
  start: number;
  /** Offset just after the end tag (or after '/>'). */
  end: number;
  /** Index of the parent span in the scan result, -1 for the root. */
  parent: number;
}

// Comments, CDATA and PIs are matched so that tags inside them are skipped; attribute values are
// matched whole because '>' is legal inside them.
const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(\/?)>/g;

/** All elements of the document, in document order. */
export function scanElements(xml: string): ElementSpan[] {
  const spans: ElementSpan[] = [];
  const open: number[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(xml); m; m = TOKEN.exec(xml)) {
    const localName = m[3];
    if (localName === undefined) continue;
    if (m[1] === '/') {
      const idx = open.pop();
      if (idx !== undefined) spans[idx].end = TOKEN.lastIndex;
      continue;
    }
    const span: ElementSpan = { index: spans.length, prefix: m[2] ?? '', localName, start: m.index, end: -1, parent: open.at(-1) ?? -1 };
    spans.push(span);
    if (m[4] === '/') span.end = TOKEN.lastIndex;
    else open.push(spans.length - 1);
  }
  return spans;
}

function isInside(spans: ElementSpan[], index: number, ancestor: number): boolean {
  for (let p = spans[index].parent; p >= 0; p = spans[p].parent) if (p === ancestor) return true;
  return false;
}

/**
 * Spans of the outermost elements named `localName` (any prefix), optionally only those inside
 * `within`.
 */
export function findElements(spans: ElementSpan[], localName: string, within?: ElementSpan): ElementSpan[] {
  const found: ElementSpan[] = [];
  for (const s of spans) {
    if (s.localName !== localName) continue;
    if (within && !isInside(spans, s.index, within.index)) continue;
    if (found.some((f) => isInside(spans, s.index, f.index))) continue;
    found.push(s);
  }
  return found;
}

export function sliceOf(xml: string, span: ElementSpan): string {
  return xml.slice(span.start, span.end);
}

/** Removes a leading XML declaration (and BOM/whitespace before the root element). */
export function stripXmlDeclaration(xml: string): string {
  return xml.replace(/^\uFEFF?\s*(<\?xml[^?]*\?>)?\s*/, '');
}
