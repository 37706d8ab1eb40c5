// Every official InvoiCy <Envio> example becomes an NF-e/NFC-e that validates against the SEFAZ XSD,
// and whose infNFe the signer can canonicalise straight from the text.
import { parseNfeEnvio, renderNfe } from '../../src/layout';
import { canonicalElement } from '../../src/signing/c14n';
import { locateSignedElement } from '../../src/signing/xmlscan';
import { loadXsdValidator } from '../../src/xml/xsd';
import { envioExamples, nfeXsd, withPlaceholderSignature, withTestEmitter } from './helpers';

// Official examples SEFAZ itself would reject: the parser must say why, as layout errors.
const DEFECTIVE: Record<string, { path: string; rule: string; why: string }> = {
  'NFe/NFe Conjugada 4.0.xml': {
    path: 'Envio/det/detItem[1]/prod/nRECOPI', rule: 'formato inválido', why: 'nRECOPI "123456" is not the 20-digit RECOPI number',
  },
  'NFe/XML_Todos_Campos_40.xml': { path: 'Envio/ide/natOp', rule: 'obrigatório', why: 'field catalogue with every element empty' },
};

const now = new Date();
const dhEmi = `${now.toISOString().slice(0, 19)}-03:00`;

describe('official InvoiCy examples', () => {
  const examples = envioExamples();
  test('the example folders are found', () => expect(examples.length).toBeGreaterThan(50));

  test.each(examples)('%s', async (name, xml) => {
    const parsed = parseNfeEnvio(withTestEmitter(xml));
    const defect = DEFECTIVE[name];
    if (defect) {
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: defect.path, rule: defect.rule })]));
      return;
    }
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
    const d = parsed.draft;
    for (const tpAmb of ['1', '2']) {
      const { xml: nfe, chave } = renderNfe(d, { nNF: d.nNF ?? '1', cNF: '10293847', dhEmi, tpEmis: '1', tpAmb, verProc: 'fiscal-gateway 0.1' });
      const result = (await loadXsdValidator(nfeXsd)).validate(withPlaceholderSignature(nfe, chave));
      expect(result).toEqual({ ok: true });
      // The signer reads the canonical infNFe off our rendering: it must be libxml2's C14N, byte for byte.
      const location = locateSignedElement(nfe, 'infNFe');
      expect(location.canonical).toBe(await canonicalElement(nfe, location.path));
    }
  });
});
