// Text is taken exactly as sent, however it is written: every official InvoiCy <Envio> example with
// its accents (and some ASCII letters and digits) written as character references, decimal and
// hexadecimal, renders the same SEFAZ XML byte for byte as the plain example.
import { parseNfeEnvio, renderNfe } from '../../src/layout';
import { envioExamples, withTestEmitter } from './helpers';

/**
 * The document with every non-ASCII character and every "a", "E" and "0" of its text and attribute
 * values written as a character reference, alternately hexadecimal (upper or lower case) and decimal. Names, comments,
 * CDATA and PIs are left alone (a reference means nothing there), and so are existing references.
 */
function withReferences(xml: string): string {
  let n = 0;
  const ref = (ch: string) => {
    const cp = ch.codePointAt(0)!;
    const i = n++;
    return i % 2 ? `&#${cp};` : `&#x${i % 4 ? cp.toString(16) : cp.toString(16).toUpperCase()};`;
  };
  const rewrite = (text: string) => text.replace(/&[^;]*;|([^\x00-\x7F]|[aE0])/gu, (m, ch: string | undefined) => (ch ? ref(ch) : m));
  return xml.replace(/(<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>)|(<[^>]*>)|([^<]+)/g, (m, skip?: string, tag?: string) => {
    if (skip) return m;
    if (tag) return tag.replace(/(=\s*)(["'])([\s\S]*?)\2/g, (_a, eq: string, q: string, v: string) => `${eq}${q}${rewrite(v)}${q}`);
    return rewrite(m);
  });
}

const now = new Date();
const dhEmi = `${now.toISOString().slice(0, 19)}-03:00`;

test('the rewriting writes references and nothing else', () => {
  expect(withReferences('<?xml version="1.0"?><!-- ação --><a b="Ça">AÇÃO &amp; 0</a>')).toBe(
    '<?xml version="1.0"?><!-- ação --><a b="&#xC7;&#97;">A&#xc7;&#195;O &amp; &#x30;</a>',
  );
});

describe('official InvoiCy examples written with character references', () => {
  const examples = envioExamples();
  test('the example folders are found, hold accents, and only the empty field catalogue is left as it was', () => {
    expect(examples.length).toBeGreaterThan(50);
    expect(examples.filter(([, xml]) => /[^\x00-\x7F]/.test(xml)).length).toBeGreaterThan(10);
    expect(examples.filter(([, xml]) => withReferences(xml) === xml).map(([name]) => name)).toEqual(['NFe/XML_Todos_Campos_40.xml']);
  });

  test.each(examples)('%s: the same SEFAZ XML as the plain text', (_name, xml) => {
    const plain = withTestEmitter(xml);
    const referenced = withReferences(plain);
    const a = parseNfeEnvio(plain);
    const b = parseNfeEnvio(referenced);
    expect(b.ok).toBe(a.ok);
    if (!a.ok || !b.ok) {
      // The defective examples: the same layout errors.
      expect(!b.ok && b.errors).toEqual(!a.ok && a.errors);
      return;
    }
    const options = { nNF: a.draft.nNF ?? '1', cNF: '10293847', dhEmi, tpEmis: '1', tpAmb: '2', verProc: 'fiscal-gateway 0.1' };
    expect(renderNfe(b.draft, options).xml).toBe(renderNfe(a.draft, options).xml);
  });
});
