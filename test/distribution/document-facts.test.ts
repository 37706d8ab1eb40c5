// What is kept beside each captured document (src/distribution/document-facts.ts), by root element.
import { capturedDocument } from '../../src/distribution/document-facts';
import { fakeChave, nfeProcXml, resNFeXml } from '../support/fake-an';

const NS = 'xmlns="http://www.portalfiscal.inf.br/nfe"';

describe('captured document facts', () => {
  it('resNFe: key, emitter, date, value, situation; a summary ranks below the full document', () => {
    const chave = fakeChave();
    expect(capturedDocument({ NSU: '000000000000007', schema: 'resNFe_v1.01.xsd', root: 'resNFe', xml: resNFeXml(chave) })).toMatchObject({
      nsu: '000000000000007', chave, emitterDoc: '11222333000181', emitterName: 'Emitente Ltda', dhEmi: new Date('2026-06-01T12:00:00Z'),
      totalValue: '150.00', situation: 'authorized', rank: 1, tpEvento: null,
    });
    expect(capturedDocument({ schema: 'resNFe_v1.01.xsd', root: 'resNFe', xml: resNFeXml(chave).replace('<cSitNFe>1', '<cSitNFe>3') }))
      .toMatchObject({ nsu: null, situation: 'cancelled' });
  });

  it('nfeProc: the key from the protocol, recipient, value and the protocol\'s situation', () => {
    const chave = fakeChave();
    expect(capturedDocument({ NSU: '000000000000008', schema: 'procNFe_v4.00.xsd', root: 'nfeProc', xml: nfeProcXml(chave, '99888777000166') })).toMatchObject({
      chave, destDoc: '99888777000166', emitterDoc: '11222333000181', totalValue: '150.00', situation: 'authorized', rank: 2,
    });
    const denied = nfeProcXml(chave, '99888777000166').replace('<cStat>100', '<cStat>302');
    expect(capturedDocument({ schema: 'procNFe_v4.00.xsd', root: 'nfeProc', xml: denied }).situation).toBe('denied');
  });

  it('events (resEvento, procEventoNFe, procEventoCTe): key and tpEvento, no rank', () => {
    const chave = fakeChave();
    const res = `<resEvento ${NS} versao="1.01"><cOrgao>91</cOrgao><CNPJ>11222333000181</CNPJ><chNFe>${chave}</chNFe><dhEvento>2026-06-02T10:00:00-03:00</dhEvento><tpEvento>110111</tpEvento><nSeqEvento>1</nSeqEvento></resEvento>`;
    expect(capturedDocument({ NSU: '000000000000009', schema: 'resEvento_v1.01.xsd', root: 'resEvento', xml: res })).toMatchObject({ chave, tpEvento: '110111', rank: 0 });
    const proc = `<procEventoNFe ${NS} versao="1.00"><evento versao="1.00"><infEvento Id="ID110110${chave}01"><CNPJ>11222333000181</CNPJ><chNFe>${chave}</chNFe><tpEvento>110110</tpEvento></infEvento></evento></procEventoNFe>`;
    expect(capturedDocument({ schema: 'procEventoNFe_v1.00.xsd', root: 'procEventoNFe', xml: proc })).toMatchObject({ chave, tpEvento: '110110', rank: 0 });
    const cteKey = fakeChave('11222333000181', '57');
    const cte = `<procEventoCTe xmlns="http://www.portalfiscal.inf.br/cte" versao="4.00"><eventoCTe versao="4.00"><infEvento Id="ID110111${cteKey}001"><CNPJ>11222333000181</CNPJ><chCTe>${cteKey}</chCTe><tpEvento>110111</tpEvento></infEvento></eventoCTe></procEventoCTe>`;
    expect(capturedDocument({ schema: 'procEventoCTe_v4.00.xsd', root: 'procEventoCTe', xml: cte })).toMatchObject({ chave: cteKey, tpEvento: '110111' });
  });

  it('cteProc: key from infCte Id when the protocol lacks it, vTPrest', () => {
    const key = fakeChave('11222333000181', '57');
    const xml = `<cteProc xmlns="http://www.portalfiscal.inf.br/cte" versao="4.00"><CTe><infCte Id="CTe${key}" versao="4.00"><ide><dhEmi>2026-06-01T08:00:00-03:00</dhEmi></ide>`
      + '<emit><CNPJ>11222333000181</CNPJ><xNome>Transportadora</xNome></emit><dest><CPF>12345678909</CPF></dest><vPrest><vTPrest>980.50</vTPrest></vPrest></infCte></CTe>'
      + '<protCTe versao="4.00"><infProt><cStat>100</cStat></infProt></protCTe></cteProc>';
    expect(capturedDocument({ NSU: '000000000000001', schema: 'procCTe_v4.00.xsd', root: 'cteProc', xml })).toMatchObject({
      chave: key, destDoc: '12345678909', totalValue: '980.50', situation: 'authorized', rank: 2,
    });
  });

  it('keeps an unreadable or unknown document, with its facts null', () => {
    expect(capturedDocument({ NSU: '000000000000002', schema: 'x.xsd', root: 'resNFe', xml: '<resNFe><chNFe>' })).toMatchObject({ nsu: '000000000000002', chave: null, rank: 0, xml: '<resNFe><chNFe>' });
    expect(capturedDocument({ schema: 'x.xsd', root: 'outraCoisa', xml: '<outraCoisa/>' })).toMatchObject({ chave: null, rank: 0 });
  });
});
