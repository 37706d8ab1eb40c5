// Each modal the InvoiCy CT-e layout covers, written the InvoiCy way, becomes its SEFAZ modal root
// inside infModal: the CT-e validates against cte_v4.00.xsd and the modal against its own schema.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CTE_NS, parseCteEnvio, renderCte } from '../../src/layout';
import { createTestCa, issueCompanyCertificate } from '../../src/signing/testca';
import { signXml } from '../../src/signing/xmldsig';
import { loadXsdValidator } from '../../src/xml/xsd';
import { SCHEMAS_DIR } from '../support/harness';
import { examplesDir, TEST_CNPJ, withTestEmitter } from './helpers';

const RODO = withTestEmitter(fs.readFileSync(path.join(examplesDir, 'CTe', 'ExemploLayout_CTeRodoviario.xml'), 'utf8'));
const NFE_KEY = '43230506354976000149552650000001301000081906';
const ca = createTestCa();
const company = issueCompanyCertificate(ca, { name: 'TRANSPORTADORA MODAIS LTDA', cnpj: TEST_CNPJ });

const MODALS: Array<{ modal: string; root: string; xsd: string; invoicy: string; expected: string }> = [
  {
    modal: '02', root: 'aereo', xsd: 'cteModalAereo_v4.00.xsd',
    invoicy: '<aereo><nMinu>123456789</nMinu><nOCA>12345678901</nOCA><dPrev_aer>2026-12-10</dPrev_aer>' +
      '<tarifa><CL>G</CL><cTar>1234</cTar><vTar>150.00</vTar></tarifa><NatCarga><xDime>1234X1234X1234</xDime>' +
      '<InfManu><InfManuItem><cinfManu>01</cinfManu></InfManuItem><InfManuItem><cinfManu>02</cinfManu></InfManuItem></InfManu></NatCarga>' +
      '<periAereo><periAereoItem><nONUAereo>1234</nONUAereo><qTotEmbAereo>10</qTotEmbAereo>' +
      '<infTotAP><qTotProdAereo>5</qTotProdAereo><uniAPAereo>1</uniAPAereo></infTotAP></periAereoItem></periAereo></aereo>',
    expected: '<natCarga><xDime>1234X1234X1234</xDime><cInfManu>01</cInfManu><cInfManu>02</cInfManu></natCarga><tarifa><CL>G</CL>',
  },
  {
    modal: '03', root: 'aquav', xsd: 'cteModalAquaviario_v4.00.xsd',
    invoicy: '<aquav><vPrestAFRMM>100.00</vPrestAFRMM><vAFRMM>25.00</vAFRMM><xNavio>NAVIO TESTE</xNavio><nViag>123</nViag>' +
      '<direc>N</direc><irin>ABC1234</irin><detCont><detContItem><nCont>CONT123</nCont><Lacre><LacreItem><nLacre>L1</nLacre></LacreItem></Lacre>' +
      `<infDocAquav><infNFe><infNFeItem><chave>${NFE_KEY}</chave></infNFeItem></infNFe></infDocAquav></detContItem></detCont>` +
      '<balsa><balsaItem><xBalsa>BALSA 1</xBalsa></balsaItem></balsa></aquav>',
    expected: `<balsa><xBalsa>BALSA 1</xBalsa></balsa><nViag>123</nViag><direc>N</direc><irin>ABC1234</irin><detCont><nCont>CONT123</nCont><lacre><nLacre>L1</nLacre></lacre><infDoc><infNFe><chave>${NFE_KEY}</chave></infNFe></infDoc></detCont>`,
  },
  {
    modal: '04', root: 'ferrov', xsd: 'cteModalFerroviario_v4.00.xsd',
    invoicy: '<ferrov><tpTraf>1</tpTraf><fluxo_fer>FLUXO1</fluxo_fer><trafMut><respFat_fer>1</respFat_fer><ferrEmi_fer>1</ferrEmi_fer>' +
      `<vFrete_fer>100.00</vFrete_fer></trafMut><FerroEnv><FerroEnvItem><CNPJ_fer>${TEST_CNPJ}</CNPJ_fer><IE_fer>123456789</IE_fer>` +
      '<xNome_fer>FERROVIA TESTE</xNome_fer><xLgr_fer>RUA A</xLgr_fer><nro_fer>1</nro_fer><xBairro_fer>CENTRO</xBairro_fer>' +
      '<cMun_fer>4310405</cMun_fer><xMun_fer>Independencia</xMun_fer><CEP_fer>98915000</CEP_fer><UF_fer>RS</UF_fer></FerroEnvItem></FerroEnv></ferrov>',
    expected: `<vFrete>100.00</vFrete><ferroEnv><CNPJ>${TEST_CNPJ}</CNPJ><IE>123456789</IE><xNome>FERROVIA TESTE</xNome><enderFerro><xLgr>RUA A</xLgr>`,
  },
  {
    modal: '05', root: 'duto', xsd: 'cteModalDutoviario_v4.00.xsd',
    invoicy: '<duto><vTar_duto>1.500000</vTar_duto><dIni_duto>2026-12-01</dIni_duto><dFim_duto>2026-12-02</dFim_duto></duto>',
    expected: '<duto><vTar>1.500000</vTar><dIni>2026-12-01</dIni><dFim>2026-12-02</dFim></duto>',
  },
  {
    modal: '06', root: 'multimodal', xsd: 'cteMultiModal_v4.00.xsd',
    invoicy: `<multimodal><COTM>12345</COTM><indNegociavel>1</indNegociavel><segMulti><xSegMulti>SEGURADORA</xSegMulti><CNPJSegMulti>${TEST_CNPJ}</CNPJSegMulti>` +
      '<nApolSegMulti>AP1</nApolSegMulti><nAverSegMulti>AV1</nAverSegMulti></segMulti></multimodal>',
    expected: `<seg><infSeg><xSeg>SEGURADORA</xSeg><CNPJ>${TEST_CNPJ}</CNPJ></infSeg><nApol>AP1</nApol><nAver>AV1</nAver></seg>`,
  },
];

describe('CT-e modals', () => {
  test.each(MODALS)('modal $modal ($root)', async ({ modal, root, xsd, invoicy, expected }) => {
    const xml = RODO.replace('<modal>01</modal>', `<modal>${modal}</modal>`).replace(/<rodo>[\s\S]*<\/rodo>/, invoicy);
    const parsed = parseCteEnvio(xml);
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
    const { xml: cte, chave } = renderCte(parsed.draft, { nCT: '14', cCT: '10293847', dhEmi: '2026-12-04T10:00:00-03:00', tpEmis: '1', tpAmb: '2', verProc: 'fiscal-gateway' });
    expect(cte).toContain(expected);
    const signed = await signXml(cte, { tag: 'infCte', keyPem: company.keyPem, certPem: company.certPem });
    const whole = (await loadXsdValidator(path.join(SCHEMAS_DIR, 'cte', 'cte_v4.00.xsd'))).validate(signed);
    if (!whole.ok) throw new Error(whole.errors.join('\n'));
    const part = new RegExp(`<infModal versaoModal="4.00">(<${root}>.*</${root}>)</infModal>`).exec(cte)?.[1];
    expect(part).toBeDefined();
    const own = (await loadXsdValidator(path.join(SCHEMAS_DIR, 'cte', xsd))).validate(part!.replace(`<${root}>`, `<${root} xmlns="${CTE_NS}">`));
    if (!own.ok) throw new Error(`${own.errors.join('\n')}\n${part}`);
    expect(chave).toHaveLength(44);
  });
});
