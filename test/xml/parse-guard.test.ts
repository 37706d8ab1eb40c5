// What untrusted XML may not do: declare a DTD however it is masked, write an invalid character
// reference, or exceed XML_LIMITS (refused by a scan before the validator and the builders run).
import fs from 'node:fs';
import path from 'node:path';
import { MASKED_DTDS } from '../support/masked-dtds';
import { assertSafeMarkup, parseXml, parseXmlOrdered, XML_LIMITS, XmlInputError } from '../../src/xml/parse';

const examples = path.resolve(__dirname, '../../../shared/invoicy/Emissão/Exemplos XML');

function refusal(fn: () => unknown): XmlInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof XmlInputError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('DTDs in a document', () => {
  test.each(MASKED_DTDS)('%s → refused as a DTD by every reader', (_name, prolog) => {
    const xml = `${prolog}<Envio><emit>&e;</emit></Envio>`;
    for (const read of [() => parseXml(xml), () => parseXmlOrdered(xml), () => assertSafeMarkup(xml)]) {
      expect(refusal(read).kind).toBe('dtd');
    }
  });

  test.each([
    ['lower case', '<!doctype Envio><Envio/>'],
    ['an ENTITY in the content', '<Envio><!ENTITY e "x"></Envio>'],
    ['an ELEMENT declaration in the content', '<Envio><!ELEMENT a ANY></Envio>'],
    ['an ATTLIST after the root', '<Envio/><!ATTLIST Envio a CDATA "x">'],
    ['a DOCTYPE in a CDATA section inside a comment', '<Envio><!-- <![CDATA[ <!DOCTYPE x> ]]> --></Envio>'],
    ['a DOCTYPE in a PI', '<?x <!DOCTYPE y> ?><Envio/>'],
  ])('%s → refused as a DTD', (_name, xml) => {
    expect(refusal(() => parseXml(xml)).kind).toBe('dtd');
    expect(refusal(() => assertSafeMarkup(xml)).kind).toBe('dtd');
  });

  test('a CDATA section is text to the markup scan (the envelope judges it as an inner document)', () => {
    expect(() => assertSafeMarkup('<Documento><![CDATA[<!DOCTYPE x><Envio/>]]></Documento>')).not.toThrow();
    expect(refusal(() => parseXml('<Documento><![CDATA[<!DOCTYPE x><Envio/>]]></Documento>')).kind).toBe('dtd');
  });
});

describe('character references (XML 1.0)', () => {
  test('decimal and hexadecimal, in text and attributes, decode to the character', () => {
    expect(parseXml('<a b="S&#195;O">S&#xC3;O &#x1F600;&#9;&#xA;&#13;&#x10FFFF;</a>')).toEqual({
      a: { '#text': 'SÃO 😀\t\n\r\u{10FFFF}', '@_b': 'SÃO' },
    });
  });

  test.each([
    ['&#0;', 'NUL'], ['&#1;', 'a C0 control'], ['&#xD800;', 'a surrogate'], ['&#57343;', 'a surrogate (decimal)'],
    ['&#xFFFE;', 'a non-character'], ['&#xFFFF;', 'a non-character'], ['&#x110000;', 'beyond Unicode'],
    ['&#99999999999999999999999;', 'a huge number'],
  ])('%s (%s) is refused as malformed, in text and in an attribute', (ref) => {
    for (const xml of [`<a>${ref}</a>`, `<a b="${ref}"/>`]) {
      const e = refusal(() => parseXml(xml));
      expect(e.kind).toBe('malformed');
      expect(e.message).toContain('não é um caractere XML válido');
    }
  });

  test.each(['&#X41;', '&#x;', '&#;', '&nbsp;', '&AMP;', 'a & b', '&#65'])('%s is not a reference: refused in an attribute and in text', (text) => {
    for (const xml of [`<a>${text}</a>`, `<a b="${text}"/>`]) expect(refusal(() => parseXmlOrdered(xml)).kind).toBe('malformed');
  });

  test('CDATA is never decoded', () => {
    expect(parseXml('<a><![CDATA[&#195;&amp;]]></a>')).toEqual({ a: '&#195;&amp;' });
  });
});

describe('XML_LIMITS', () => {
  const nested = (depth: number) => `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`;

  test(`depth ${XML_LIMITS.depth} is read; one more is refused naming the limit`, () => {
    expect(() => parseXml(nested(XML_LIMITS.depth))).not.toThrow();
    const e = refusal(() => parseXml(nested(XML_LIMITS.depth + 1)));
    expect(e).toMatchObject({ kind: 'limit', message: `XML recusado: a profundidade de elementos aninhados excede o limite de ${XML_LIMITS.depth}` });
  });

  test('100,000 nested elements: refused, no stack overflow', () => {
    const xml = nested(100_000);
    for (const read of [() => parseXml(xml), () => parseXmlOrdered(xml), () => parseXml(xml, { checked: true })]) {
      expect(refusal(read).kind).toBe('limit');
    }
  });

  test('elements, attributes per element and attributes in all are counted outside comments, CDATA and PIs', () => {
    const many = (n: number, el: string) => `<r>${el.repeat(n)}</r>`;
    expect(refusal(() => parseXml(many(XML_LIMITS.elements, '<b/>'))).message).toContain('número de elementos');
    const attrs = (n: number) => Array.from({ length: n }, (_, i) => ` a${i}="1"`).join('');
    expect(() => parseXml(`<r${attrs(XML_LIMITS.attributesPerElement)}/>`)).not.toThrow();
    expect(refusal(() => parseXml(`<r${attrs(XML_LIMITS.attributesPerElement + 1)}/>`)).message).toContain('atributos de um elemento');
    const perElement = 100;
    expect(refusal(() => parseXml(many(XML_LIMITS.attributes / perElement + 1, `<b${attrs(perElement)}/>`))).message).toContain('o número de atributos excede');
    // Neither '=' in quoted values nor tags inside comments, CDATA or PIs count.
    expect(() => assertSafeMarkup(`<r a="=${'='.repeat(1000)}" b='>'><!-- ${'<x>'.repeat(300)} --><![CDATA[${'<x y="1">'.repeat(300)}]]><?p ${'<x>'.repeat(300)}?></r>`)).not.toThrow();
  });

  test('8 MB with 700,000 attributes is refused quickly', () => {
    const attrs = Array.from({ length: 700_000 }, (_, i) => ` a${i}="1"`).join('');
    for (const xml of [`<Envio${attrs}/>`, `<Envio>${attrs.match(/(?: a\d+="1"){100}/g)!.map((a) => `<x${a}/>`).join('')}</Envio>`]) {
      expect(xml.length).toBeGreaterThan(7_000_000);
      const start = performance.now();
      expect(refusal(() => parseXml(xml)).kind).toBe('limit');
      const ms = performance.now() - start;
      expect(ms).toBeLessThan(2000);
    }
  });

  test('a 990-item NF-e with every item field of the layout catalogue is within the limits', () => {
    const catalogue = fs.readFileSync(path.join(examples, 'NFe/XML_Todos_Campos_40.xml'), 'utf8').replace(/^\uFEFF/, '');
    const item = /<detItem>[\s\S]*?<\/detItem>/.exec(catalogue)![0];
    const xml = catalogue.replace(item, item.repeat(990));
    const det = parseXml(xml, { arrays: ['detItem'] }) as { Envio: { det: { detItem: unknown[] } } };
    expect(det.Envio.det.detItem).toHaveLength(990);
  });
});
