import { XmlSignatureError } from '../../src/signing/dsig';
import { locateSignedElement } from '../../src/signing/xmlscan';

describe('locateSignedElement', () => {
  test.each([
    ['NF-e', '<NFe xmlns="n"><infNFe Id="NFe1"><a>1</a></infNFe></NFe>', 'infNFe', 'NFe1', ['NFe', 'infNFe']],
    ['NFC-e: after infNFeSupl', '<NFe><infNFe Id="NFe1"/><infNFeSupl><qrCode><![CDATA[a</NFe>b]]></qrCode></infNFeSupl></NFe>', 'infNFe', 'NFe1', ['NFe', 'infNFe']],
    ['quoted > and single quotes in attributes', `<evento versao="1>0"><infEvento x='a>b' Id='ID9'><c/></infEvento></evento>`, 'infEvento', 'ID9', ['evento', 'infEvento']],
    ['comment and declaration', '<?xml version="1.0"?><!-- </inutNFe> --><inutNFe><infInut Id="ID2">x</infInut><!-- c --></inutNFe>', 'infInut', 'ID2', ['inutNFe', 'infInut']],
    ['prefixed names, nested parent', '<lote><n:NFe xmlns:n="n"><n:infNFe Id="NFe3"><n:NFe/></n:infNFe></n:NFe></lote>', 'infNFe', 'NFe3', ['lote', 'NFe', 'infNFe']],
  ])('%s', (_label, xml, tag, id, path) => {
    const location = locateSignedElement(xml, tag);
    expect(location.id).toBe(id);
    expect(location.path).toEqual(path);
    // The insertion point is the parent's closing tag, i.e. the last closing tag of the document here.
    expect(xml.slice(location.insertAt)).toMatch(/^<\/(n:)?(NFe|evento|inutNFe)>(<\/lote>)?$/);
  });

  test.each([
    ['missing element', '<NFe><x Id="1"/></NFe>', /não encontrado/],
    ['two elements', '<l><NFe><infNFe Id="1"/></NFe><NFe><infNFe Id="2"/></NFe></l>', /2 elementos/],
    ['no Id', '<NFe><infNFe id="1"/></NFe>', /atributo Id/],
    ['root element', '<infNFe Id="1"/>', /raiz/],
    ['already signed', '<NFe><infNFe Id="1"/><Signature/></NFe>', /já está assinado/],
  ])('rejects: %s', (_label, xml, message) => {
    expect(() => locateSignedElement(xml, 'infNFe')).toThrow(XmlSignatureError);
    expect(() => locateSignedElement(xml, 'infNFe')).toThrow(message);
  });
});
