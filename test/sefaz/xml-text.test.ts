import { findElements, scanElements, sliceOf, stripXmlDeclaration } from '../../src/sefaz/xml-text';

describe('xml-text', () => {
  const doc =
    '<?xml version="1.0"?><a:root xmlns:a="urn:a"><!-- <protNFe>fake</protNFe> --><x note="1 > 0"><protNFe v="1"><protNFe/></protNFe></x>' +
    '<![CDATA[<protNFe>cdata</protNFe>]]><a:protNFe>second</a:protNFe><empty/></a:root>';

  it('finds the outermost elements by local name, skipping comments and CDATA', () => {
    const spans = scanElements(doc);
    expect(findElements(spans, 'protNFe').map((s) => sliceOf(doc, s))).toEqual(['<protNFe v="1"><protNFe/></protNFe>', '<a:protNFe>second</a:protNFe>']);
    expect(findElements(spans, 'protNFe')[1]!.prefix).toBe('a');
  });

  it('restricts the search to a subtree', () => {
    const spans = scanElements(doc);
    const x = findElements(spans, 'x')[0]!;
    expect(sliceOf(doc, x)).toBe('<x note="1 > 0"><protNFe v="1"><protNFe/></protNFe></x>');
    expect(findElements(spans, 'protNFe', x)).toHaveLength(1);
    expect(sliceOf(doc, findElements(spans, 'empty')[0]!)).toBe('<empty/>');
  });

  it.each([
    ['<?xml version="1.0" encoding="UTF-8"?>\n<NFe/>', '<NFe/>'],
    ['\uFEFF<?xml version="1.0"?><NFe/>', '<NFe/>'],
    ['<NFe/>', '<NFe/>'],
  ])('stripXmlDeclaration(%j)', (input, out) => {
    expect(stripXmlDeclaration(input)).toBe(out);
  });
});
