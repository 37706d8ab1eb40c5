// The facts the business rules read, taken from a signed NFe's text (the gateway) and tree (the simulator).
import { DOMParser } from '@xmldom/xmldom';
import { nfeRuleFacts, nfeRuleFactsOf } from '../../src/sefaz/nfe-rule-facts';

const NS = 'http://www.portalfiscal.inf.br/nfe';
const XML =
  `<NFe xmlns="${NS}"><infNFe versao="4.00" Id="NFe1"><ide><cUF>43</cUF><mod>55</mod><dhEmi>2026-12-04T10:00:00-03:00</dhEmi>` +
  '<dhSaiEnt>2026-12-04T11:00:00-03:00</dhSaiEnt><cMunFG>4314902</cMunFG><tpEmis>1</tpEmis><finNFe>1</finNFe></ide>' +
  '<emit><CNPJ>11222333000181</CNPJ><enderEmit><cMun>4314902</cMun><UF>RS</UF></enderEmit><IE>0240440013</IE></emit>' +
  '<dest><CPF>52998224725</CPF><enderDest><cMun>3550308</cMun><UF>SP</UF></enderDest><indIEDest>9</indIEDest></dest>' +
  '<retirada><CNPJ>11222333000181</CNPJ><cMun>4314902</cMun><UF>RS</UF></retirada>' +
  '<autXML><CNPJ>11222333000181</CNPJ></autXML><autXML><CPF>52998224725</CPF></autXML>' +
  '<total><ICMSTot><vNF>60.00</vNF></ICMSTot></total>' +
  '<transp><modFrete>0</modFrete><transporta><CNPJ>11222333000181</CNPJ><IE>ISENTO</IE><UF>RS</UF></transporta></transp>' +
  '<pag><detPag><tPag>01</tPag><vPag>50.00</vPag></detPag><detPag><tPag>03</tPag><vPag>20.00</vPag></detPag><vTroco>10.00</vTroco></pag>' +
  '</infNFe></NFe>';

test('every party, address, date and payment the rules need', () => {
  expect(nfeRuleFactsOf(XML)).toEqual({
    mod: '55', cUF: '43', tpEmis: '1', finNFe: '1', dhEmi: '2026-12-04T10:00:00-03:00', dhSaiEnt: '2026-12-04T11:00:00-03:00',
    cMunFG: '4314902',
    emit: { cnpj: '11222333000181', uf: 'RS', cMun: '4314902', ie: '0240440013' },
    dest: { cpf: '52998224725', uf: 'SP', cMun: '3550308', indIEDest: '9' },
    retirada: { cnpj: '11222333000181', uf: 'RS', cMun: '4314902' },
    autXml: [{ cnpj: '11222333000181' }, { cpf: '52998224725' }],
    transporta: { cnpj: '11222333000181', ie: 'ISENTO', uf: 'RS' },
    vPag: ['50.00', '20.00'], vTroco: '10.00', vNF: '60.00',
  });
});

test("the simulator's xmldom tree and the gateway's text give the same facts, also with a prefix, a declaration and escaped text", () => {
  const variants = [
    XML,
    `<?xml version="1.0" encoding="UTF-8"?>${XML}`,
    XML.replace(`<NFe xmlns="${NS}">`, `<n:NFe xmlns:n="${NS}">`).replace('</NFe>', '</n:NFe>').replace(/<(\/?)(?!n:)([A-Za-z])/g, '<$1n:$2'),
    XML.replace('<IE>ISENTO</IE>', '<IE>ISEN&#84;O</IE>'),
  ];
  for (const xml of variants) {
    const fromText = nfeRuleFactsOf(xml);
    expect(nfeRuleFacts(new DOMParser().parseFromString(xml, 'text/xml'))).toEqual(fromText);
    expect(fromText.transporta).toEqual({ cnpj: '11222333000181', ie: 'ISENTO', uf: 'RS' });
  }
  // Not an NFe: no facts, for either reader.
  expect(nfeRuleFactsOf('<CTe/>')).toEqual(nfeRuleFacts(new DOMParser().parseFromString('<CTe/>', 'text/xml')));
});
