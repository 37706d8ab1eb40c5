// Every official InvoiCy CT-e example (a new file joins by itself; a SOAP envelope gives its inner
// document) becomes a CT-e that is signed with the test certificate and validates against
// cte_v4.00.xsd, its modal part against the modal's own schema.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseExecuteEnvelope } from '../../src/invoicy/envelope';
import { MODAL_ROOTS, parseCteEnvio, renderCte, CTE_NS } from '../../src/layout';
import { createTestCa, issueCompanyCertificate } from '../../src/signing/testca';
import { signXml, verifyXmlSignature } from '../../src/signing/xmldsig';
import { loadXsdValidator } from '../../src/xml/xsd';
import { SCHEMAS_DIR } from '../support/harness';
import { examplesDir, TEST_CNPJ, withTestEmitter } from './helpers';

const CTE_DIR = path.join(examplesDir, 'CTe');
const CTE_XSD = path.join(SCHEMAS_DIR, 'cte', 'cte_v4.00.xsd');
const MODAL_XSD: Record<string, string> = {
  rodo: 'cteModalRodoviario_v4.00.xsd', aereo: 'cteModalAereo_v4.00.xsd', aquav: 'cteModalAquaviario_v4.00.xsd',
  ferrov: 'cteModalFerroviario_v4.00.xsd', duto: 'cteModalDutoviario_v4.00.xsd', multimodal: 'cteMultiModal_v4.00.xsd',
};

const ca = createTestCa();
const company = issueCompanyCertificate(ca, { name: 'TRANSPORTADORA TESTE LTDA', cnpj: TEST_CNPJ });
const now = new Date();
const dhEmi = `${new Date(now.getTime() - 3 * 3600_000).toISOString().slice(0, 19)}-03:00`;

/** The <Envio> of each example file: the file itself, or the first Documento of a SOAP envelope. */
async function examples(): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const f of fs.readdirSync(CTE_DIR).filter((n) => n.toLowerCase().endsWith('.xml')).sort()) {
    const text = fs.readFileSync(path.join(CTE_DIR, f), 'utf8').replace(/^\uFEFF/, '');
    if (/^\s*(<\?xml[^>]*\?>\s*)?<Envio[\s>]/.test(text)) out.push([f, text]);
    else {
      const env = await parseExecuteEnvelope(text);
      if (!env.ok) throw new Error(`${f}: envelope ilegível`);
      out.push([f, env.request.items[0]!.documento]);
    }
  }
  return out;
}

describe('official InvoiCy CT-e examples', () => {
  let all: Array<[string, string]> = [];
  beforeAll(async () => {
    all = await examples();
  });

  test('the example folder is found, the SOAP one included', () => {
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all.map(([f]) => f)).toContain('Exemplo_EnvioSOAP_CTe.xml');
  });

  test('each parses, renders, is signed and validates (CT-e and modal schemas)', async () => {
    const cte = await loadXsdValidator(CTE_XSD);
    for (const [name, xml] of all) {
      const parsed = parseCteEnvio(withTestEmitter(xml));
      if (!parsed.ok) throw new Error(`${name}:\n${parsed.errors.map((e) => e.message).join('\n')}`);
      const d = parsed.draft;
      for (const tpAmb of ['1', '2']) {
        const { xml: rendered, chave } = renderCte(d, { nCT: d.nCT ?? '1', cCT: '10293847', dhEmi, tpEmis: '1', tpAmb, verProc: 'fiscal-gateway 0.1' });
        expect(rendered.startsWith(`<CTe xmlns="${CTE_NS}"><infCte versao="4.00" Id="CTe${chave}">`)).toBe(true);
        const signed = await signXml(rendered, { tag: 'infCte', keyPem: company.keyPem, certPem: company.certPem });
        expect(signed).toContain(`<Reference URI="#CTe${chave}">`);
        expect(verifyXmlSignature(signed, { tag: 'infCte', trustedCaPems: [ca.certPem] })).toMatchObject({ ok: true });
        const result = cte.validate(signed);
        if (!result.ok) throw new Error(`${name} tpAmb ${tpAmb}:\n${result.errors.join('\n')}\n${rendered}`);

        const root = MODAL_ROOTS[d.modal]!;
        const modal = new RegExp(`<infModal versaoModal="4.00">(<${root}>.*</${root}>)</infModal>`).exec(rendered)?.[1];
        expect(modal).toBeDefined();
        const modalResult = (await loadXsdValidator(path.join(SCHEMAS_DIR, 'cte', MODAL_XSD[root]!))).validate(modal!.replace(`<${root}>`, `<${root} xmlns="${CTE_NS}">`));
        if (!modalResult.ok) throw new Error(`${name} modal:\n${modalResult.errors.join('\n')}\n${modal}`);
      }
    }
  });
});
