// What the automatic ciência reads of a captured resNFe (src/distribution/ciencia.ts).
import { resNFeSummary } from '../../src/distribution/ciencia';

const CHAVE = '35260611222333000181550010000001231000001234';
const res = (body: string) => ({
  NSU: '000000000000007', schema: 'resNFe_v1.01.xsd', root: 'resNFe',
  xml: `<resNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="1.01">${body}</resNFe>`,
});
const FULL = `<chNFe>${CHAVE}</chNFe><CNPJ>11222333000181</CNPJ><xNome>EMITENTE</xNome><IE>ISENTO</IE><dhEmi>2026-06-01T09:00:00-03:00</dhEmi>` +
  '<tpNF>1</tpNF><vNF>10.00</vNF><dhRecbto>2026-06-01T09:00:05-03:00</dhRecbto><nProt>135260000000001</nProt><cSitNFe>1</cSitNFe>';

describe('resNFeSummary', () => {
  it('reads the key (all 44 digits), the situation, the authorisation instant and the protocol', () => {
    expect(resNFeSummary(res(FULL))).toEqual({ chNFe: CHAVE, cSitNFe: '1', dhRecbto: new Date('2026-06-01T12:00:05Z'), nProt: '135260000000001' });
  });

  test.each([
    ['no dhRecbto', FULL.replace(/<dhRecbto>.*<\/dhRecbto>/, '')],
    ['an unreadable dhRecbto', FULL.replace(/<dhRecbto>.*<\/dhRecbto>/, '<dhRecbto>ontem</dhRecbto>')],
    ['no cSitNFe', FULL.replace('<cSitNFe>1</cSitNFe>', '')],
    ['no chNFe', FULL.replace(/<chNFe>\d+<\/chNFe>/, '')],
  ])('undefined for %s', (_what, body) => {
    expect(resNFeSummary(res(body))).toBeUndefined();
  });

  it('undefined for another root or broken XML', () => {
    expect(resNFeSummary({ ...res(FULL), root: 'nfeProc' })).toBeUndefined();
    expect(resNFeSummary({ ...res(FULL), xml: '<resNFe><chNFe>' })).toBeUndefined();
  });
});
