// The signer's canonicaliser (libxml2) against xml-crypto's, an independent implementation of the
// same C14N 1.0: both must give the same bytes for every shape an NF-e, evento or inutilização takes.
import { DOMParser } from '@xmldom/xmldom';
import { C14nCanonicalization, findAncestorNs } from 'xml-crypto';
import { canonicalElement } from '../../src/signing/c14n';
import { XmlSignatureError } from '../../src/signing/dsig';

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
