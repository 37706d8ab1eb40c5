// parseXmlOrdered builds fast-xml-parser's preserveOrder tree itself (faster); this holds the two
// equal on every XML file of the shared InvoiCy material and SEFAZ samples, and on a table of edge cases.
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseXml, parseXmlOrdered, type OrderedNode } from '../../src/xml/parse';

const shared = path.resolve(__dirname, '../../../shared');

// htmlEntities: fast-xml-parser decodes character references only with it; the named HTML entities
// it also brings are not XML (parseXml refuses them) and occur in no shared file.
function reference(xml: string, removeNSPrefix: boolean): OrderedNode[] {
  const parser = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, trimValues: false,
    processEntities: true, htmlEntities: true, ignoreDeclaration: true, ignorePiTags: true, cdataPropName: false, preserveOrder: true, removeNSPrefix,
  });
  // Text beside the root element is not kept by parseXmlOrdered (nothing reads it).
  return (parser.parse(xml) as OrderedNode[]).filter((n) => !('#text' in n));
}

function xmlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? xmlFiles(p) : /\.xml$/i.test(e.name) ? [p] : [];
  });
}

const files = [...xmlFiles(path.join(shared, 'invoicy')), ...xmlFiles(path.join(shared, 'samples'))];

test('the shared material has XML files to compare', () => {
  expect(files.length).toBeGreaterThan(50);
});

test.each(files.map((f) => [path.relative(shared, f), f]))('%s: same tree as fast-xml-parser', (_name, file) => {
  const xml = fs.readFileSync(file, 'utf8');
  let expected: OrderedNode[];
  try {
    expected = reference(xml, true);
  } catch {
    expect(() => parseXmlOrdered(xml, { removeNSPrefix: true })).toThrow();
    return;
  }
  expect(parseXmlOrdered(xml, { removeNSPrefix: true })).toEqual(expected);
  expect(parseXmlOrdered(xml)).toEqual(reference(xml, false));
});

test.each([
  ['text across a comment and a PI', '<a>x <!-- c --> y<?pi z?>w<b/></a>'],
  ['CDATA as its own text, not decoded', '<a>p<![CDATA[<z> &amp;]]>q<![CDATA[]]></a>'],
  ['the five entities and character references, one pass', '<a>&lt;&gt;&amp;&quot;&apos; &amp;lt; &#233; &#xE9; &#x1F600; &#0065;&amp;#66;</a>'],
  ['character references in attributes', '<a x="S&#195;O &#x50;aulo" y=\'&#38;amp;\'/>'],
  ['attributes: entities, quotes, namespaces', `<p:a xmlns:p="u" xmlns="d" x="1 &amp; 2" y='a"b' q:z="v"><b c=""/></p:a>`],
  ['CRLF and CR become LF', '<a>\r\n<b>x\ry</b>\r\n</a>'],
  ['whitespace-only text is kept', '<a> <b>\t</b>\n</a>'],
  ['a declaration and text outside the root', '<?xml version="1.0" encoding="UTF-8"?>\n<a><b>1</b></a>\n'],
  ['a name with two prefixes keeps the second', '<a><c:d:e/></a>'],
  ['a > inside an attribute value and in text', '<a t="x>y">1 > 0</a>'],
])('%s', (_name, xml) => {
  expect(parseXmlOrdered(xml, { removeNSPrefix: true })).toEqual(reference(xml, true));
  expect(parseXmlOrdered(xml)).toEqual(reference(xml, false));
});

test('malformed XML and DTDs are still refused', () => {
  expect(() => parseXmlOrdered('<a><b></a>')).toThrow(/mal formado/);
  expect(() => parseXmlOrdered('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toThrow(/DOCTYPE/);
});

describe('parseXml (object form)', () => {
  const ARRAYS = ['protNFe', 'retEvento', 'det', 'pag'];
  function referenceObject(xml: string, removeNSPrefix: boolean): Record<string, unknown> {
    const parser = new XMLParser({
      ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, trimValues: false,
      processEntities: true, htmlEntities: true, ignoreDeclaration: true, ignorePiTags: true, cdataPropName: false, removeNSPrefix,
      isArray: (name: string) => ARRAYS.includes(name),
    });
    const out = parser.parse(xml) as Record<string, unknown>;
    delete out['#text']; // text beside the root element
    return out;
  }

  test.each(files.map((f) => [path.relative(shared, f), f]))('%s: same object as fast-xml-parser', (_name, file) => {
    const xml = fs.readFileSync(file, 'utf8');
    let expected: Record<string, unknown>;
    try {
      expected = referenceObject(xml, true);
    } catch {
      return;
    }
    expect(parseXml(xml, { removeNSPrefix: true, arrays: ARRAYS })).toEqual(expected);
    expect(parseXml(xml, { arrays: ARRAYS })).toEqual(referenceObject(xml, false));
  });

  test.each([
    ['text only, empty, attributes with and without text', '<r><a>x</a><b/><c></c><d k="1"/><e k="2">t</e><f> </f></r>'],
    ['repeated names become arrays; listed names always are', '<r><x>1</x><x>2</x><protNFe><n>1</n></protNFe><y><z>a</z>mixed</y></r>'],
    ['names of Object.prototype methods get a "__" prefix', '<r><toString>2</toString><hasOwnProperty/><valueOf>v</valueOf></r>'],
    ['other Object.prototype names are plain keys', '<r><isPrototypeOf>1</isPrototypeOf><toLocaleString>2</toLocaleString></r>'],
  ])('%s', (_name, xml) => {
    expect(parseXml(xml, { arrays: ARRAYS })).toEqual(referenceObject(xml, false));
  });

  test.each(['__proto__', 'constructor', 'prototype'])('an element named %s is refused, as fast-xml-parser refuses it', (name) => {
    const xml = `<r><${name}><polluted>sim</polluted></${name}></r>`;
    expect(() => referenceObject(xml, false)).toThrow();
    expect(() => parseXml(xml)).toThrow(/não é aceito/);
    expect(() => parseXmlOrdered(xml)).toThrow(/não é aceito/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
