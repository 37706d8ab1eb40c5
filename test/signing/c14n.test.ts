// The signer's canonicaliser (libxml2) against xml-crypto's, an independent implementation of the
// same C14N 1.0: both must give the same bytes for every shape an NF-e, evento or inutilização takes.
import { DOMParser } from '@xmldom/xmldom';
import { C14nCanonicalization, findAncestorNs } from 'xml-crypto';
import { canonicalElement } from '../../src/signing/c14n';
import { XmlSignatureError } from '../../src/signing/dsig';
import { locateSignedElement } from '../../src/signing/xmlscan';

function viaXmlCrypto(xml: string, path: string[]): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  let el = doc.documentElement!;
  for (const name of path.slice(1)) {
    el = Array.from({ length: el.childNodes.length }, (_, i) => el.childNodes[i]!).find((n) => n.nodeType === 1 && (n as typeof el).localName === name) as typeof el;
  }
  const xpath = path.map((n) => `/*[local-name(.)='${n}']`).join('');
  return new C14nCanonicalization().process(el as never, { ancestorNamespaces: findAncestorNs(doc as never, xpath) });
}

const NS = 'http://www.portalfiscal.inf.br/nfe';

test.each([
  ['namespace inherited from the parent', `<NFe xmlns="${NS}"><infNFe versao="4.00" Id="NFe1"><ide><cUF>35</cUF></ide></infNFe></NFe>`, ['NFe', 'infNFe']],
  ['attributes sorted, empty elements expanded', `<NFe xmlns="${NS}"><infNFe versao="4.00" Id="NFe1"><a z="1" b="2"/><c></c></infNFe></NFe>`, ['NFe', 'infNFe']],
  ['escaped text and attribute values', `<NFe xmlns="${NS}"><infNFe Id="NFe1" x="a&amp;b&lt;&quot;c&gt;"><t>A &lt;B&gt; &amp; C's "D" &#13;</t></infNFe></NFe>`, ['NFe', 'infNFe']],
  ['prefixed namespace declared on the root and used below', `<r xmlns="${NS}" xmlns:x="urn:x"><infEvento Id="ID1"><x:y x:a="1">v</x:y></infEvento></r>`, ['r', 'infEvento']],
  ['comments dropped, CDATA as text', `<inutNFe xmlns="${NS}"><infInut Id="ID1"><!-- nota --><xJust><![CDATA[a < b & c]]></xJust></infInut></inutNFe>`, ['inutNFe', 'infInut']],
  ['declared ISO-8859-1, accented text', `<?xml version="1.0" encoding="ISO-8859-1"?><NFe xmlns="${NS}"><infNFe Id="NFe1"><xNome>JOÃO AÇÃO</xNome></infNFe></NFe>`, ['NFe', 'infNFe']],
  ['deeper path, sibling after the element', `<enviNFe xmlns="${NS}"><NFe><infNFe Id="NFe1"><v>1</v></infNFe><infNFeSupl><q>x</q></infNFeSupl></NFe></enviNFe>`, ['enviNFe', 'NFe', 'infNFe']],
])('%s: same bytes as xml-crypto', async (_label, xml, path) => {
  const ours = await canonicalElement(xml, path);
  expect(ours).toBe(viaXmlCrypto(xml, path));
  expect(ours.startsWith(`<${path[path.length - 1]} xmlns="${NS}"`)).toBe(true);
});

test.each([
  ['malformed XML', '<NFe><infNFe Id="1"></NFe>', ['NFe', 'infNFe']],
  ['missing element', `<NFe xmlns="${NS}"><infNFe Id="1"/></NFe>`, ['NFe', 'infEvento']],
  ['wrong root', `<NFe xmlns="${NS}"><infNFe Id="1"/></NFe>`, ['evento', 'infNFe']],
])('refuses: %s', async (_label, xml, path) => {
  await expect(canonicalElement(xml, path)).rejects.toThrow(XmlSignatureError);
});

// The signer reads the canonical form straight off text that is already canonical but for its start
// tag (our own messages); everything else must be left to libxml2 (canonical undefined).
describe('canonical form read off the text', () => {
  const nfe = (inner: string, root = `<NFe xmlns="${NS}">`) => `${root}<infNFe versao="4.00" Id="NFe1">${inner}</infNFe></NFe>`;
  test.each([
    ['our NF-e shape: inherited xmlns, apex attributes sorted', nfe('<ide><cUF>35</cUF></ide><det nItem="1"><prod><xProd>A &amp; B &lt;C&gt; "D" \'E\'\tF\nG</xProd></prod></det>')],
    ['evento, deeper path, sibling and declaration around it', `<?xml version="1.0" encoding="UTF-8"?><envEvento xmlns="${NS}"><evento versao="1.00"><infEvento Id="ID1"><detEvento versao="1.00"><xJust>x</xJust></detEvento></infEvento></evento></envEvento>`],
    ['NFC-e: infNFeSupl with CDATA after the element', `${nfe('<v>1</v>').slice(0, -6)}<infNFeSupl><qrCode><![CDATA[a<b]]></qrCode></infNFeSupl></NFe>`],
    ['no namespace at all', '<r><infInut Id="ID1"><a>1</a></infInut></r>'],
    ['accents and other scripts', nfe('<xNome>JOÃO AÇÃO € 漢字</xNome>')],
  ])('%s: same bytes as xml-crypto', (_label, xml) => {
    const location = locateSignedElement(xml, xml.includes('infEvento') ? 'infEvento' : xml.includes('infInut') ? 'infInut' : 'infNFe');
    expect(location.canonical).toBeDefined();
    expect(location.canonical).toBe(viaXmlCrypto(xml, location.path));
  });

  test.each([
    ['raw > in text', nfe('<a>1 > 0</a>')],
    ['carriage return in text', nfe('<a>x\r\ny</a>')],
    ['character reference', nfe('<a>&#233;</a>')],
    ['&quot; in text', nfe('<a>&quot;</a>')],
    ['self-closing element', nfe('<a/>')],
    ['comment inside', nfe('<a>1</a><!-- c -->')],
    ['CDATA inside', nfe('<a><![CDATA[x]]></a>')],
    ['inner attributes out of order', nfe('<a z="1" b="2">x</a>')],
    ['single-quoted attribute', nfe("<a b='2'>x</a>")],
    ['attribute with a reference', nfe('<a b="&amp;">x</a>')],
    ['default namespace redeclared inside', nfe('<a xmlns="urn:x">x</a>')],
    ['prefixed element inside', nfe('<x:a xmlns:x="urn:x">x</x:a>')],
    ['prefixed namespace declared above', nfe('<a>x</a>', `<NFe xmlns="${NS}" xmlns:x="urn:x">`)],
    ['xml:lang above', nfe('<a>x</a>', `<NFe xmlns="${NS}" xml:lang="pt">`)],
    ['space before >', nfe('<a >x</a>')],
    ['end tag with space', nfe('<a>x</a >')],
    ['mismatched end tag', nfe('<a>x</b>')],
    ['DOCTYPE', `<!DOCTYPE NFe>${nfe('<a>x</a>')}`],
  ])('%s: left to libxml2', (_label, xml) => {
    expect(locateSignedElement(xml, 'infNFe').canonical).toBeUndefined();
  });
});
