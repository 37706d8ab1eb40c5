// Test helpers: real HTTPS SOAP calls with a client certificate, and minimal XSD-valid NF-e/NFC-e,
// events and inutilização built from the structure of samples/sefaz/nfe_layout4_com_prot.xml.
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { buildChave } from '../../src/fiscal/chave';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { formatDateTime } from '../../src/fiscal/datetime';
import { buildQrCodeV2Online } from '../../src/fiscal/qrcode';
import { signXml } from '../../src/signing/xmldsig';
import { issueCompanyCertificate, type IssuedCertificate, type TestCa } from '../../src/signing/testca';
import type { SefazOperation as Operation } from '../../src/fiscal/sefaz-limits';
import { capitalCMun, validIe } from '../support/fiscal-ids';

export const SCHEMAS_DIR = path.resolve(__dirname, '../../../shared/schemas');
export const EMIT_CNPJ = withCnpjCheckDigits('123456780001');
export const OTHER_CNPJ = withCnpjCheckDigits('555666770001');
export const DEST_CNPJ = withCnpjCheckDigits('987654320001');
export const EMIT_IE = validIe('SP');
export const CSC = 'SEU-CODIGO-CSC-CONTRIBUINTE-36-CARACTERES';
const NS = 'http://www.portalfiscal.inf.br/nfe';
// Written here, not taken from the simulator's descriptors: these helpers are an independent client.
const WSDL_NS_BASE = 'http://www.portalfiscal.inf.br/nfe/wsdl/';

export function companyCert(ca: TestCa, cnpj = EMIT_CNPJ): IssuedCertificate {
  return issueCompanyCertificate(ca, { name: `EMPRESA TESTE ${cnpj}`, cnpj });
}

export interface SoapResult {
  status: number;
  body: string;
  /** cStat of the first ret…/infProt level found, in document order. */
  cStats: string[];
}

export interface CallOptions {
  cert?: IssuedCertificate;
  soap11?: boolean;
  timeoutMs?: number;
  /** Plain-HTTP base URL instead of HTTPS. */
  httpUrl?: string;
  rawBody?: string;
}

export function envelope(operation: Operation, businessXml: string, soap11 = false): string {
  const ns = soap11 ? 'http://schemas.xmlsoap.org/soap/envelope/' : 'http://www.w3.org/2003/05/soap-envelope';
  return `<soap:Envelope xmlns:soap="${ns}"><soap:Body><nfeDadosMsg xmlns="${WSDL_NS_BASE}${operation}">${businessXml}</nfeDadosMsg></soap:Body></soap:Envelope>`;
}

export function call(baseUrl: string, ca: TestCa, urlPath: string, operation: Operation, businessXml: string, o: CallOptions = {}): Promise<SoapResult> {
  const body = o.rawBody ?? envelope(operation, businessXml, o.soap11);
  const url = new URL(urlPath, o.httpUrl ?? baseUrl);
  const headers = o.soap11
    ? { 'content-type': 'text/xml; charset=utf-8', soapaction: `${WSDL_NS_BASE}${operation}` }
    : { 'content-type': `application/soap+xml; charset=utf-8; action="${WSDL_NS_BASE}${operation}"` };
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, ca: ca.certPem, key: o.cert?.keyPem, cert: o.cert?.certPem, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, cStats: [...text.matchAll(/<cStat>(\d+)<\/cStat>/g)].map((m) => m[1]!) }));
      res.on('error', reject);
    });
    if (o.timeoutMs) req.setTimeout(o.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export function adminCall(baseUrl: string, ca: TestCa, method: string, urlPath: string, body?: unknown): Promise<{ status: number; json: any }> {
  const url = new URL(urlPath, baseUrl);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: ca.certPem, headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export function tagValue(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

export interface NfeParams {
  mod?: '55' | '65';
  cUF?: string;
  uf?: string;
  cMun?: string;
  cnpj?: string;
  serie?: number;
  nNF: number;
  cNF?: string;
  tpEmis?: string;
  tpAmb?: string;
  dhEmi?: Date;
  destCnpj?: string;
  destName?: string;
  vNF?: string;
  idCsc?: number;
  csc?: string;
  /** dhCont/xJust present (default: only when tpEmis ≠ 1). */
  cont?: boolean;
  /** dhCont (default dhEmi). */
  dhCont?: Date;
}

export interface BuiltNfe {
  chave: string;
  xml: string;
  dhEmi: string;
}

/** Unsigned, minified NF-e (55, with dest) or NFC-e (65, no dest, with QR v2). */
export function buildNfe(p: NfeParams): BuiltNfe {
  const mod = p.mod ?? '55';
  const cUF = p.cUF ?? '35';
  const uf = p.uf ?? 'SP';
  const cMun = p.cMun ?? capitalCMun(uf);
  const cnpj = p.cnpj ?? EMIT_CNPJ;
  const serie = p.serie ?? 1;
  const tpEmis = p.tpEmis ?? '1';
  const tpAmb = p.tpAmb ?? '2';
  const cNF = p.cNF ?? '10293847';
  const dhEmi = formatDateTime(p.dhEmi ?? new Date(Date.now() - 60_000), '-03:00');
  const chave = buildChave({ cUF, aamm: dhEmi.slice(2, 4) + dhEmi.slice(5, 7), cnpj, mod, serie, nNF: p.nNF, tpEmis, cNF });
  const vNF = p.vNF ?? '500.00';
  const nfce = mod === '65';
  const dhCont = p.dhCont ? formatDateTime(p.dhCont, '-03:00') : dhEmi;
  const cont = (p.cont ?? tpEmis !== '1') ? `<dhCont>${dhCont}</dhCont><xJust>Falha de comunicacao com a SEFAZ autorizadora</xJust>` : '';
  const ide = `<ide><cUF>${cUF}</cUF><cNF>${cNF}</cNF><natOp>Venda de mercadoria</natOp><mod>${mod}</mod><serie>${serie}</serie>` +
    `<nNF>${p.nNF}</nNF><dhEmi>${dhEmi}</dhEmi><tpNF>1</tpNF><idDest>1</idDest><cMunFG>${cMun}</cMunFG><tpImp>${nfce ? 4 : 1}</tpImp>` +
    `<tpEmis>${tpEmis}</tpEmis><cDV>${chave[43]}</cDV><tpAmb>${tpAmb}</tpAmb><finNFe>1</finNFe><indFinal>${nfce ? 1 : 0}</indFinal>` +
    `<indPres>1</indPres><procEmi>0</procEmi><verProc>fiscal-gateway-test</verProc>${cont}</ide>`;
  const emit = `<emit><CNPJ>${cnpj}</CNPJ><xNome>EMPRESA TESTE LTDA</xNome><enderEmit><xLgr>Rua dos Testes</xLgr><nro>100</nro>` +
    `<xBairro>Centro</xBairro><cMun>${cMun}</cMun><xMun>SAO PAULO</xMun><UF>${uf}</UF><CEP>01001000</CEP><cPais>1058</cPais>` +
    `<xPais>BRASIL</xPais></enderEmit><IE>${validIe(uf)}</IE><CRT>1</CRT></emit>`;
  const dest = nfce ? '' : `<dest><CNPJ>${p.destCnpj ?? DEST_CNPJ}</CNPJ><xNome>${p.destName ?? 'NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL'}</xNome>` +
    `<enderDest><xLgr>Av. Teste</xLgr><nro>2040</nro><xBairro>Centro</xBairro><cMun>3550308</cMun><xMun>SAO PAULO</xMun><UF>SP</UF>` +
    `<CEP>04207040</CEP><cPais>1058</cPais><xPais>BRASIL</xPais></enderDest><indIEDest>1</indIEDest><IE>112006603110</IE></dest>`;
  const xProd = nfce ? 'NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL' : 'UM PRODUTO TESTE QUALQUER';
  const det = `<det nItem="1"><prod><cProd>11007</cProd><cEAN>SEM GTIN</cEAN><xProd>${xProd}</xProd><NCM>64011000</NCM>` +
    `<CFOP>5102</CFOP><uCom>UN</uCom><qCom>10.0000</qCom><vUnCom>50</vUnCom><vProd>${vNF}</vProd><cEANTrib>SEM GTIN</cEANTrib>` +
    `<uTrib>UN</uTrib><qTrib>10.0000</qTrib><vUnTrib>50.0000</vUnTrib><indTot>1</indTot></prod><imposto><vTotTrib>0.00</vTotTrib>` +
    `<ICMS><ICMSSN102><orig>0</orig><CSOSN>102</CSOSN></ICMSSN102></ICMS><PIS><PISOutr><CST>49</CST><vBC>0.00</vBC><pPIS>0.0000</pPIS>` +
    `<vPIS>0.00</vPIS></PISOutr></PIS><COFINS><COFINSOutr><CST>49</CST><vBC>0.00</vBC><pCOFINS>0.0000</pCOFINS><vCOFINS>0.00</vCOFINS>` +
    `</COFINSOutr></COFINS></imposto></det>`;
  const total = `<total><ICMSTot><vBC>0.00</vBC><vICMS>0.00</vICMS><vICMSDeson>0.00</vICMSDeson><vFCP>0.00</vFCP><vBCST>0.00</vBCST>` +
    `<vST>0.00</vST><vFCPST>0.00</vFCPST><vFCPSTRet>0.00</vFCPSTRet><vProd>${vNF}</vProd><vFrete>0.00</vFrete><vSeg>0.00</vSeg>` +
    `<vDesc>0.00</vDesc><vII>0.00</vII><vIPI>0.00</vIPI><vIPIDevol>0.00</vIPIDevol><vPIS>0.00</vPIS><vCOFINS>0.00</vCOFINS>` +
    `<vOutro>0.00</vOutro><vNF>${vNF}</vNF><vTotTrib>0.00</vTotTrib></ICMSTot></total>`;
  const tail = `<transp><modFrete>9</modFrete></transp><pag><detPag><tPag>01</tPag><vPag>${vNF}</vPag></detPag></pag>`;
  const supl = nfce
    ? `<infNFeSupl><qrCode>${buildQrCodeV2Online({ baseUrl: 'https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode', chave, tpAmb, idCsc: p.idCsc ?? 1, csc: p.csc ?? CSC })}</qrCode>` +
      `<urlChave>https://www.homologacao.nfce.fazenda.sp.gov.br/consulta</urlChave></infNFeSupl>`
    : '';
  const xml = `<NFe xmlns="${NS}"><infNFe versao="4.00" Id="NFe${chave}">${ide}${emit}${dest}${det}${total}${tail}</infNFe>${supl}</NFe>`;
  return { chave, xml, dhEmi };
}

export function sign(xml: string, tag: string, cert: IssuedCertificate): Promise<string> {
  return signXml(xml, { tag, keyPem: cert.keyPem, certPem: cert.certPem });
}

export function enviNFe(signedNfes: string[], indSinc: '0' | '1', idLote = '1'): string {
  return `<enviNFe xmlns="${NS}" versao="4.00"><idLote>${idLote}</idLote><indSinc>${indSinc}</indSinc>${signedNfes.join('')}</enviNFe>`;
}

export function consSitNFe(chave: string, tpAmb = '2'): string {
  return `<consSitNFe xmlns="${NS}" versao="4.00"><tpAmb>${tpAmb}</tpAmb><xServ>CONSULTAR</xServ><chNFe>${chave}</chNFe></consSitNFe>`;
}

export function consStatServ(cUF: string, tpAmb = '2'): string {
  return `<consStatServ xmlns="${NS}" versao="4.00"><tpAmb>${tpAmb}</tpAmb><cUF>${cUF}</cUF><xServ>STATUS</xServ></consStatServ>`;
}

export function consReciNFe(nRec: string, tpAmb = '2'): string {
  return `<consReciNFe xmlns="${NS}" versao="4.00"><tpAmb>${tpAmb}</tpAmb><nRec>${nRec}</nRec></consReciNFe>`;
}

export interface EventoParams {
  chave: string;
  tpEvento: string;
  nSeq?: number;
  cOrgao?: string;
  cnpj?: string;
  det: string;
  dhEvento?: Date;
}

export function evento(p: EventoParams, cert: IssuedCertificate): Promise<string> {
  const nSeq = p.nSeq ?? 1;
  const dh = formatDateTime(p.dhEvento ?? new Date(), '-03:00');
  const xml = `<evento xmlns="${NS}" versao="1.00"><infEvento Id="ID${p.tpEvento}${p.chave}${String(nSeq).padStart(2, '0')}">` +
    `<cOrgao>${p.cOrgao ?? p.chave.slice(0, 2)}</cOrgao><tpAmb>2</tpAmb><CNPJ>${p.cnpj ?? EMIT_CNPJ}</CNPJ><chNFe>${p.chave}</chNFe>` +
    `<dhEvento>${dh}</dhEvento><tpEvento>${p.tpEvento}</tpEvento><nSeqEvento>${nSeq}</nSeqEvento><verEvento>1.00</verEvento>` +
    `<detEvento versao="1.00">${p.det}</detEvento></infEvento></evento>`;
  return sign(xml, 'infEvento', cert);
}

export function envEvento(eventos: string[], idLote = '1'): string {
  return `<envEvento xmlns="${NS}" versao="1.00"><idLote>${idLote}</idLote>${eventos.join('')}</envEvento>`;
}

export const detCancel = (nProt: string) =>
  `<descEvento>Cancelamento</descEvento><nProt>${nProt}</nProt><xJust>Cancelamento solicitado pelo cliente</xJust>`;

export const detCancSubst = (nProt: string, chNFeRef: string) =>
  `<descEvento>Cancelamento por substituicao</descEvento><cOrgaoAutor>35</cOrgaoAutor><tpAutor>1</tpAutor><verAplic>TESTE1.0</verAplic>` +
  `<nProt>${nProt}</nProt><xJust>Venda substituida por outra NFC-e</xJust><chNFeRef>${chNFeRef}</chNFeRef>`;

export const detCce = (text: string) =>
  `<descEvento>Carta de Correcao</descEvento><xCorrecao>${text}</xCorrecao><xCondUso>A Carta de Correcao e disciplinada pelo paragrafo 1o-A do art. 7o do Convenio S/N, de 15 de dezembro de 1970 e pode ser utilizada para regularizacao de erro ocorrido na emissao de documento fiscal, desde que o erro nao esteja relacionado com: I - as variaveis que determinam o valor do imposto tais como: base de calculo, aliquota, diferenca de preco, quantidade, valor da operacao ou da prestacao; II - a correcao de dados cadastrais que implique mudanca do remetente ou do destinatario; III - a data de emissao ou de saida.</xCondUso>`;

// leiauteEPEC_v1.00.xsd puts vNF/vICMS/vST inside dest (sefaz-nfe.md §3.8 shows them after it).
export const detEpec = (dhEmi: string, vNF = '500.00') =>
  `<descEvento>EPEC</descEvento><cOrgaoAutor>35</cOrgaoAutor><tpAutor>1</tpAutor><verAplic>TESTE1.0</verAplic><dhEmi>${dhEmi}</dhEmi>` +
  `<tpNF>1</tpNF><IE>${EMIT_IE}</IE><dest><UF>SP</UF><CNPJ>${DEST_CNPJ}</CNPJ><IE>112006603110</IE><vNF>${vNF}</vNF>` +
  `<vICMS>0.00</vICMS><vST>0.00</vST></dest>`;

export function inutNFe(p: { nIni: number; nFin: number; serie?: number; cnpj?: string; ano?: string }, cert: IssuedCertificate): Promise<string> {
  const serie = p.serie ?? 1;
  const cnpj = p.cnpj ?? EMIT_CNPJ;
  const ano = p.ano ?? String(new Date().getUTCFullYear() % 100).padStart(2, '0');
  const id = `ID35${ano}${cnpj}55${String(serie).padStart(3, '0')}${String(p.nIni).padStart(9, '0')}${String(p.nFin).padStart(9, '0')}`;
  const xml = `<inutNFe xmlns="${NS}" versao="4.00"><infInut Id="${id}"><tpAmb>2</tpAmb><xServ>INUTILIZAR</xServ><cUF>35</cUF>` +
    `<ano>${ano}</ano><CNPJ>${cnpj}</CNPJ><mod>55</mod><serie>${serie}</serie><nNFIni>${p.nIni}</nNFIni><nNFFin>${p.nFin}</nNFFin>` +
    `<xJust>Numeracao pulada por falha no sistema</xJust></infInut></inutNFe>`;
  return sign(xml, 'infInut', cert);
}
