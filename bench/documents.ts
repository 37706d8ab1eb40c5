// Bench documents: an NF-e in the InvoiCy layout, shaped like the official "Exemplo NFe 4.0.xml"
// (ide, emit, dest, det, total, transp, pag, infAdic) but self-contained and valid for the
// sandbox company: UF SP, homologação, nNF and dhEmi left to the gateway. Items are ordinary goods
// (no veicProd) so that 1 and 50 items differ only in item count.
import { buildChave } from '../src/fiscal/chave';
import { escapeText } from '../src/xml/parse';

export interface BenchDocumentOptions {
  /** Emitter: the sandbox company's CNPJ. */
  cnpj: string;
  items: number;
  /** Distinguishes documents of one run, as an ERP's order number would (goes to infCpl). */
  sequence: number;
}

const UNIT_CENTS = 1999; // R$ 19,99 per unit keeps the totals exact in integer cents

function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

function item(n: number): string {
  return (
    '<detItem><prod>' +
    `<cProd>${String(n).padStart(6, '0')}</cProd><cEAN>SEM GTIN</cEAN><xProd>PRODUTO DE TESTE ${n}</xProd>` +
    '<NCM>84713012</NCM><CFOP>5102</CFOP><uCOM>UN</uCOM><qCOM>1.0000</qCOM>' +
    `<vUnCom>${money(UNIT_CENTS)}</vUnCom><vProd>${money(UNIT_CENTS)}</vProd><cEANTrib>SEM GTIN</cEANTrib>` +
    `<uTrib>UN</uTrib><qTrib>1.0000</qTrib><vUnTrib>${money(UNIT_CENTS)}</vUnTrib><indTot>1</indTot>` +
    '</prod><imposto>' +
    '<ICMS><orig>0</orig><CST>40</CST></ICMS>' +
    '<PIS><CST_pis>07</CST_pis></PIS><COFINS><CST_cofins>07</CST_cofins></COFINS>' +
    '</imposto></detItem>'
  );
}

/** The `Envio` text (the XML that goes, escaped, into `Documento` and into the EmpCK hash). */
export function benchNfe(o: BenchDocumentOptions): string {
  const total = money(UNIT_CENTS * o.items);
  const items = Array.from({ length: o.items }, (_, i) => item(i + 1)).join('');
  return (
    '<Envio><ModeloDocumento>NFe</ModeloDocumento><Versao>4.00</Versao>' +
    '<ide><cUF>35</cUF><natOp>VENDA DE MERCADORIA</natOp><mod>55</mod><serie>1</serie>' +
    '<tpNf>1</tpNf><idDest>1</idDest><indFinal>0</indFinal><indPres>0</indPres><cMunFg>3550308</cMunFg>' +
    '<tpImp>1</tpImp><tpEmis>1</tpEmis><tpAmb>2</tpAmb><finNFe>1</finNFe></ide>' +
    `<emit><CNPJ_emit>${o.cnpj}</CNPJ_emit><xNome>EMPRESA SANDBOX LTDA</xNome><xFant>SANDBOX</xFant>` +
    '<IE>110042490114</IE><CRT>3</CRT><enderEmit><xLgr>AVENIDA PAULISTA</xLgr><nro>1000</nro>' +
    '<xBairro>BELA VISTA</xBairro><cMun>3550308</cMun><xMun>SAO PAULO</xMun><UF>SP</UF><CEP>01310100</CEP>' +
    '<cPais>1058</cPais><xPais>BRASIL</xPais><fone>1133334444</fone></enderEmit></emit>' +
    '<dest><CNPJ_dest>11444777000161</CNPJ_dest>' +
    '<xNome_dest>NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL</xNome_dest><indIEDest>9</indIEDest>' +
    '<enderDest><xLgr_dest>RUA DA CONSOLACAO</xLgr_dest><nro_dest>67</nro_dest><xBairro_dest>CENTRO</xBairro_dest>' +
    '<cMun_dest>3550308</cMun_dest><xMun_dest>SAO PAULO</xMun_dest><UF_dest>SP</UF_dest><CEP_dest>01301000</CEP_dest>' +
    '<cPais_dest>1058</cPais_dest><xPais_dest>BRASIL</xPais_dest></enderDest></dest>' +
    `<det>${items}</det>` +
    '<total><ICMStot><vBC_ttlnfe>0.00</vBC_ttlnfe><vICMS_ttlnfe>0.00</vICMS_ttlnfe><vICMSDeson_ttlnfe>0.00</vICMSDeson_ttlnfe>' +
    '<vFCP_ttlnfe>0.00</vFCP_ttlnfe><vBCST_ttlnfe>0.00</vBCST_ttlnfe><vST_ttlnfe>0.00</vST_ttlnfe>' +
    '<vFCPST_ttlnfe>0.00</vFCPST_ttlnfe><vFCPSTRet_ttlnfe>0.00</vFCPSTRet_ttlnfe>' +
    `<vProd_ttlnfe>${total}</vProd_ttlnfe><vFrete_ttlnfe>0.00</vFrete_ttlnfe><vSeg_ttlnfe>0.00</vSeg_ttlnfe>` +
    '<vDesc_ttlnfe>0.00</vDesc_ttlnfe><vII_ttlnfe>0.00</vII_ttlnfe><vIPI_ttlnfe>0.00</vIPI_ttlnfe>' +
    '<vIPIDevol_ttlnfe>0.00</vIPIDevol_ttlnfe><vPIS_ttlnfe>0.00</vPIS_ttlnfe><vCOFINS_ttlnfe>0.00</vCOFINS_ttlnfe>' +
    `<vOutro>0.00</vOutro><vNF>${total}</vNF></ICMStot></total>` +
    '<transp><modFrete>9</modFrete></transp>' +
    `<pag><pagItem><tPag>01</tPag><vPag>${total}</vPag></pagItem></pag>` +
    `<infAdic><infCpl>${escapeText(`PEDIDO ${o.sequence}`)}</infCpl></infAdic>` +
    '</Envio>'
  );
}

/**
 * A rodoviário CT-e (model 57) in the InvoiCy CT-e 4.00 layout, shaped like the official
 * "ExemploLayout_CTeRodoviario.xml" but self-contained and valid for the sandbox company (UF SP,
 * homologação): one NF-e referenced (its key distinct per document, as each freight carries another
 * sale), nCT, cCT and dhEmi left to the gateway.
 */
export function benchCte(o: Omit<BenchDocumentOptions, 'items'>): string {
  const nfe = buildChave({ cUF: '35', aamm: '2601', cnpj: '11444777000161', mod: '55', serie: 1, nNF: o.sequence, tpEmis: 1, cNF: '10293847' });
  const party = (suffix: string, group: string) =>
    `<CNPJ_${suffix}>11444777000161</CNPJ_${suffix}><IE_${suffix}>111111111111</IE_${suffix}>` +
    `<xNome_${suffix}>CT-E EMITIDO EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL</xNome_${suffix}>` +
    `<${group}><xLgr_${suffix}>RUA DA CONSOLACAO</xLgr_${suffix}><nro_${suffix}>67</nro_${suffix}><xBairro_${suffix}>CENTRO</xBairro_${suffix}>` +
    `<cMun_${suffix}>3509502</cMun_${suffix}><xMun_${suffix}>CAMPINAS</xMun_${suffix}><CEP_${suffix}>13010000</CEP_${suffix}>` +
    `<UF_${suffix}>SP</UF_${suffix}><cPais_${suffix}>1058</cPais_${suffix}><xPais_${suffix}>BRASIL</xPais_${suffix}></${group}>`;
  return (
    '<Envio><ModeloDocumento>CTe</ModeloDocumento><Versao>4.00</Versao>' +
    '<ide><cUF>35</cUF><CFOP>5352</CFOP><natOp>PRESTACAO DE SERVICO DE TRANSPORTE</natOp><mod>57</mod><serie>1</serie>' +
    '<tpImp>1</tpImp><tpEmis>1</tpEmis><tpAmb>2</tpAmb><tpCTe>0</tpCTe><procEmi>0</procEmi>' +
    '<cMunEnv>3550308</cMunEnv><xMunEnv>SAO PAULO</xMunEnv><UFEnv>SP</UFEnv><modal>01</modal><tpServ>0</tpServ>' +
    '<cMunIni>3550308</cMunIni><xMunIni>SAO PAULO</xMunIni><UFIni>SP</UFIni>' +
    '<cMunFim>3509502</cMunFim><xMunFim>CAMPINAS</xMunFim><UFFim>SP</UFFim><retira>1</retira><indIEToma>1</indIEToma>' +
    '<tomador><toma>0</toma></tomador></ide>' +
    `<compl><xObs>${escapeText(`PEDIDO ${o.sequence}`)}</xObs></compl>` +
    `<emit><CNPJ_emit>${o.cnpj}</CNPJ_emit><IE>111111111111</IE><xNome>EMPRESA SANDBOX LTDA</xNome><xFant>SANDBOX</xFant><CRT>3</CRT>` +
    '<enderEmit><xLgr>AVENIDA PAULISTA</xLgr><nro>1000</nro><xBairro>BELA VISTA</xBairro><cMun>3550308</cMun><xMun>SAO PAULO</xMun>' +
    '<CEP>01310100</CEP><UF>SP</UF><fone>1133334444</fone></enderEmit></emit>' +
    `<rem>${party('rem', 'enderRem')}</rem>` +
    `<dest>${party('dest', 'enderDest')}</dest>` +
    '<vPrest><vTPrest>150.00</vTPrest><vRec>150.00</vRec><Comp><compItem><xNome_comp>FRETE PESO</xNome_comp><vComp>150.00</vComp></compItem></Comp></vPrest>' +
    '<imp><ICMS><CST>00</CST><vBC>150.00</vBC><pICMS>12.00</pICMS><vICMS>18.00</vICMS></ICMS></imp>' +
    '<infCTeNorm><infCarga><vMerc>1999.00</vMerc><proPred>PRODUTOS DE INFORMATICA</proPred>' +
    '<infQ><infQItem><cUnid>01</cUnid><tpMed>PESO BRUTO</tpMed><qCarga>12.5000</qCarga></infQItem></infQ></infCarga>' +
    `<infDoc><infDocItem><tipoDocumento>2</tipoDocumento><chave_nfe>${nfe}</chave_nfe></infDocItem></infDoc>` +
    '<infModal><versaoModal>4.00</versaoModal><rodo><RNTRC>12345678</RNTRC></rodo></infModal></infCTeNorm>' +
    '</Envio>'
  );
}
