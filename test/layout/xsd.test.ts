import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadXsdValidator } from '../../src/xml/xsd';

const shared = path.resolve(__dirname, '../../../shared');
const nfeXsd = path.join(shared, 'schemas/nfe/nfe_v4.00.xsd');
const sample = fs.readFileSync(path.join(shared, 'samples/sefaz/nfce_com_qrcode.xml'), 'utf8');

describe('loadXsdValidator', () => {
  test('accepts an official signed NFC-e (includes and the xmldsig import resolve)', async () => {
    const v = await loadXsdValidator(nfeXsd);
    expect(v.validate(sample)).toEqual({ ok: true });
  });

  test('reports schema errors as "linha N: message"', async () => {
    const v = await loadXsdValidator(nfeXsd);
    const broken = sample.replace(/<natOp>[^<]*<\/natOp>/, '');
    const r = v.validate(broken);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors[0]).toMatch(/^linha \d+: .*natOp|^linha \d+: .*mod/);
    }
  });

  test('validates the text as given: a declared ISO-8859-1 is not applied to it a second time', async () => {
    const v = await loadXsdValidator(nfeXsd);
    // "€" is outside the schema's Latin-1 string pattern; read again as ISO-8859-1 its three UTF-8
    // bytes would become three Latin-1 characters and pass.
    const declaredLatin1 = sample.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('<xNome>PMZ CENTRO NORTE S/A</xNome>', '<xNome>PMZ € S/A</xNome>');
    const r = v.validate(declaredLatin1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join(' ')).toMatch(/xNome/);
    expect(v.validate(sample.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('PMZ CENTRO NORTE S/A', 'PMZ AÇÃO S/A')).ok).toBe(true);
  });

  test('reports malformed XML instead of throwing', async () => {
    const v = await loadXsdValidator(nfeXsd);
    const r = v.validate('<NFe><infNFe></NFe>');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^linha \d+: /);
  });

  test('compiles once per path and stays usable across many documents', async () => {
    const [a, b] = await Promise.all([loadXsdValidator(nfeXsd), loadXsdValidator(path.join(shared, 'schemas/nfe/../nfe/nfe_v4.00.xsd'))]);
    expect(a).toBe(b);
    for (let i = 0; i < 50; i++) expect(a.validate(sample).ok).toBe(true);
  });

  test('rejects a missing schema file', async () => {
    await expect(loadXsdValidator(path.join(shared, 'schemas/nfe/nao-existe.xsd'))).rejects.toThrow();
  });
});
