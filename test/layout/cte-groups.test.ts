// The other InvoiCy CT-e groups in their SEFAZ shape, validated against cte_v4.00.xsd: infOutros,
// docAnt, ObsCont/ObsFisco (xCampo attribute), autXML, cobr, veicNovos, infCteSub, and the
// complemento (infCteComp instead of infCTeNorm).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCteEnvio, renderCte } from '../../src/layout';
import { createTestCa, issueCompanyCertificate } from '../../src/signing/testca';
import { signXml } from '../../src/signing/xmldsig';
import { loadXsdValidator } from '../../src/xml/xsd';
import { SCHEMAS_DIR } from '../support/harness';
import { examplesDir, TEST_CNPJ, withTestEmitter } from './helpers';

const RODO = withTestEmitter(fs.readFileSync(path.join(examplesDir, 'CTe', 'ExemploLayout_CTeRodoviario.xml'), 'utf8'));
const CTE_KEY = '43171099999999999999570010000001261361744578';
const ca = createTestCa();
const company = issueCompanyCertificate(ca, { name: 'TRANSPORTADORA GRUPOS LTDA', cnpj: TEST_CNPJ });

async function renderValid(xml: string): Promise<string> {
  const parsed = parseCteEnvio(xml);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  const { xml: cte } = renderCte(parsed.draft, { nCT: '14', cCT: '10293847', dhEmi: '2026-12-04T10:00:00-03:00', tpEmis: '1', tpAmb: '2', verProc: 'fiscal-gateway' });
  const signed = await signXml(cte, { tag: 'infCte', keyPem: company.keyPem, certPem: company.certPem });
  const result = (await loadXsdValidator(path.join(SCHEMAS_DIR, 'cte', 'cte_v4.00.xsd'))).validate(signed);
  if (!result.ok) throw new Error(`${result.errors.join('\n')}\n${cte}`);
  return cte;
}

describe('CT-e groups', () => {
  test('infOutros, docAnt, observations, autXML, cobr, veicNovos and infCteSub', async () => {
    const xml = RODO
      .replace('<tpCTe>0</tpCTe>', '<tpCTe>3</tpCTe>')
      .replace(/<infDocItem>[\s\S]*<\/infDocItem>/, '<infDocItem><tipoDocumento>3</tipoDocumento><tpDoc_outros>99</tpDoc_outros>' +
        '<desc_outros>DECLARACAO</desc_outros><nDoc_outros>123</nDoc_outros><dEmi_outros>2026-12-01</dEmi_outros><vDocFisc_outros>10.00</vDocFisc_outros></infDocItem>')
      .replace('</infDoc>', '</infDoc><docAnt><docAntItem><xNome_docAnt>TRANSPORTADORA ANTERIOR</xNome_docAnt><UF_docAnt>RS</UF_docAnt>' +
        `<IE_docAnt>1234567890</IE_docAnt><CNPJ_docAnt>${TEST_CNPJ}</CNPJ_docAnt><idDocAnt><idDocAntItem><idDocAntEle><eleItem>` +
        `<chave_docAnt>${CTE_KEY}</chave_docAnt></eleItem></idDocAntEle></idDocAntItem></idDocAnt></docAntItem></docAnt>`)
      .replace('</infModal>', '</infModal><veicNovos><veicNovosItem><chassi>9BWZZZ377VT004251</chassi><cCor>1</cCor><xCor>PRETO</xCor>' +
        '<cMod>123</cMod><vUnit>50000.00</vUnit><vFrete_vNov>500.00</vFrete_vNov></veicNovosItem></veicNovos>' +
        '<cobr><fat><nFat>F1</nFat><vOrig>100.00</vOrig><vLiq>100.00</vLiq></fat><dup><dupItem><nDup>001</nDup><dVenc>2026-12-30</dVenc><vDup>100.00</vDup></dupItem></dup></cobr>' +
        `<infCteSub><chCTe_sub>${CTE_KEY}</chCTe_sub><indAlteraToma>1</indAlteraToma></infCteSub>`)
      .replace('</fluxo>', '</fluxo><ObsCont><ObsContItem><xCampo_cont>PEDIDO</xCampo_cont><xTexto_cont>123</xTexto_cont></ObsContItem></ObsCont>' +
        '<ObsFisco><ObsFiscoItem><xCampo_fisco>LEI</xCampo_fisco><xTexto_fisco>ART 1</xTexto_fisco></ObsFiscoItem></ObsFisco>')
      .replace('</infCTeNorm>', `</infCTeNorm><AutXml><AutXmlItem><CNPJ_Aut>${TEST_CNPJ}</CNPJ_Aut></AutXmlItem><AutXmlItem><CPF_Aut>12345678909</CPF_Aut></AutXmlItem></AutXml>`);
    const cte = await renderValid(xml);
    expect(cte).toContain('<infDoc><infOutros><tpDoc>99</tpDoc><descOutros>DECLARACAO</descOutros><nDoc>123</nDoc>');
    expect(cte).toContain(`<docAnt><emiDocAnt><CNPJ>${TEST_CNPJ}</CNPJ><IE>1234567890</IE><UF>RS</UF><xNome>TRANSPORTADORA ANTERIOR</xNome><idDocAnt><idDocAntEle><chCTe>${CTE_KEY}</chCTe></idDocAntEle></idDocAnt></emiDocAnt></docAnt>`);
    expect(cte).toContain('<ObsCont xCampo="PEDIDO"><xTexto>123</xTexto></ObsCont><ObsFisco xCampo="LEI"><xTexto>ART 1</xTexto></ObsFisco>');
    expect(cte).toContain(`<infCteSub><chCte>${CTE_KEY}</chCte><indAlteraToma>1</indAlteraToma></infCteSub>`);
    expect(cte).toContain(`<autXML><CNPJ>${TEST_CNPJ}</CNPJ></autXML><autXML><CPF>12345678909</CPF></autXML>`);
  });

  test('a complemento carries infCteComp instead of infCTeNorm', async () => {
    const xml = RODO
      .replace('<tpCTe>0</tpCTe>', '<tpCTe>1</tpCTe>')
      .replace(/<infCTeNorm>[\s\S]*<\/infCTeNorm>/, `<infCteComp><chave_comp>${CTE_KEY}</chave_comp></infCteComp>`);
    const cte = await renderValid(xml);
    expect(cte).toContain(`</imp><infCteComp><chCTe>${CTE_KEY}</chCTe></infCteComp></infCte>`);
  });
});
