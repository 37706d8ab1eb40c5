// Finds, in the raw text, where the Signature of an enveloped XMLDSig goes: just before the closing
// tag of the signed element's parent. Working on the text (instead of a DOM) is what lets us append
// the Signature without re-serialising the signed part, whose bytes must not change.
import { XmlSignatureError } from './dsig';

// Comments, CDATA, PIs/declarations, then tags (quoted attribute values may contain '>').
const TOKEN_RE = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<(\/?)([^\s/>]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const ID_RE = /(?:^|\s)Id\s*=\s*(?:"([^"]*)"|'([^']*)')/;

export interface SignedElementLocation {
  /** Value of the signed element's Id attribute. */
  id: string;
  /** Offset of the parent's closing tag: where the Signature is inserted. */
  insertAt: number;
  /** Local names from the root down to the signed element. */
  path: string[];
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

export function locateSignedElement(xml: string, tag: string): SignedElementLocation {
  const stack: string[] = [];
  let found: { id: string | undefined; parentDepth: number; path: string[] } | undefined;
  let insertAt: number | undefined;
  let count = 0;
  for (const m of xml.matchAll(TOKEN_RE)) {
    const [, slash, qname, attrs = '', selfClose] = m;
    if (qname === undefined) continue;
    if (slash) {
      if (found && insertAt === undefined && stack.length === found.parentDepth) insertAt = m.index;
      stack.pop();
      continue;
    }
    if (localName(qname) === tag) {
      count++;
      if (stack.length === 0) throw new XmlSignatureError(`O elemento ${tag} não pode ser a raiz do documento assinado`);
      const idMatch = ID_RE.exec(attrs);
      found ??= { id: idMatch?.[1] ?? idMatch?.[2], parentDepth: stack.length, path: [...stack, qname].map(localName) };
    } else if (found && insertAt === undefined && stack.length === found.parentDepth && localName(qname) === 'Signature') {
      throw new XmlSignatureError(`O documento já está assinado (Signature presente após ${tag})`);
    }
    if (!selfClose) stack.push(qname);
  }
  if (count === 0) throw new XmlSignatureError(`Elemento ${tag} não encontrado no XML a assinar`);
  if (count > 1) throw new XmlSignatureError(`O XML contém ${count} elementos ${tag}; assine um documento por vez`);
  if (!found?.id) throw new XmlSignatureError(`O elemento ${tag} não possui o atributo Id`);
  if (insertAt === undefined) throw new XmlSignatureError('XML mal formado: elemento pai sem fechamento');
  return { id: found.id, insertAt, path: found.path };
}
