import { SefazTransportError } from '../../src/sefaz/errors';
import { detCancelamento, evento, inutNFe, NFE_NS } from '../../src/sefaz/messages';
import { nfeProc, procEventoNFe, procInutNFe, protMatches } from '../../src/sefaz/proc';
import {
  parseRetConsReciNFe,
  parseRetConsSitNFe,
  parseRetConsStatServ,
  parseRetEnviNFe,
  parseRetEnvEvento,
  parseRetInutNFe,
} from '../../src/sefaz/responses';
import { findElements, scanElements, sliceOf } from '../../src/sefaz/xml-text';
import { loadXsdValidator } from '../../src/xml/xsd';
import { fakeSign, sample, schema } from './fixtures';

function firstRaw(text: string, name: string): string {
  return sliceOf(text, findElements(scanElements(text), name)[0]!);
}

function expectGarbage(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SefazTransportError);
    expect((e as SefazTransportError).kind).toBe('garbage');
    expect((e as SefazTransportError).requestSent).toBe(true);
    return;
  }
  throw new Error('expected a garbage SefazTransportError');
}

async function expectValid(xsd: string, xml: string): Promise<void> {
  expect((await loadXsdValidator(schema(xsd))).validate(xml)).toEqual({ ok: true });
}

describe('parseRetEnviNFe over real samples', () => {
  it.each([
    ['retEnviNFe.xml', '143220000009921', 'aWpBMlDjIlWUn2ALNSdwzLi2ntE=', '2022-01-06T17:07:34-03:00'],
    ['retEnviNFe2.xml', '143220000009921', 'aWpBMlDjIlWUn2ALNSdwzLi2ntE=2', '2022-01-06T17:07:34-03:00'],
    ['exemplo_retorno_sucesso_envia_lote.xml', '143210000624926', 'aWpBMlDjIlWUn2ALNSdwzLi2ntE=', '2021-11-11T19:02:28-03:00'],
  ])('%s', (file, nProt, digVal, dhRecbto) => {
    const text = sample(file);
    const r = parseRetEnviNFe(text);
    expect(r).toMatchObject({ tpAmb: '2', cStat: '104', xMotivo: 'Lote processado', cUF: '43', dhRecbto, nRec: undefined });
    expect(r.prot).toHaveLength(1);
    expect(r.prot[0]).toMatchObject({ chNFe: '43211105730928000145650010000002401717268120', cStat: '100', nProt, digVal, xMotivo: 'Autorizado o uso da NF-e' });
    // raw is the exact substring of the answer, not a re-serialisation
    expect(r.prot[0]!.raw).toBe(firstRaw(text, 'protNFe'));
    expect(text).toContain(r.prot[0]!.raw);
    expect(r.prot[0]!.raw.startsWith('<protNFe versao="4.00"><infProt>')).toBe(true);
  });

  it('asynchronous answer carries infRec', () => {
    const r = parseRetEnviNFe(
      `<retEnviNFe xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><verAplic>SP_NFE_PL009_V4</verAplic><cStat>103</cStat>` +
        '<xMotivo>Lote recebido com sucesso</xMotivo><cUF>35</cUF><dhRecbto>2026-11-23T10:00:00-03:00</dhRecbto>' +
        '<infRec><nRec>351000109901280</nRec><tMed>1</tMed></infRec></retEnviNFe>',
    );
    expect(r).toMatchObject({ cStat: '103', nRec: '351000109901280', tMed: '1', prot: [] });
  });

  it('protMatches: good digest attaches, tampered digVal (retEnviNFe2) does not', () => {
    const chave = '43211105730928000145650010000002401717268120';
    const good = parseRetEnviNFe(sample('retEnviNFe.xml')).prot[0]!;
    const bad = parseRetEnviNFe(sample('retEnviNFe2.xml')).prot[0]!;
    expect(protMatches(good, chave, 'aWpBMlDjIlWUn2ALNSdwzLi2ntE=')).toBe(true);
    expect(protMatches(bad, chave, 'aWpBMlDjIlWUn2ALNSdwzLi2ntE=')).toBe(false);
    expect(protMatches(good, chave.replace(/0$/, '1'), 'aWpBMlDjIlWUn2ALNSdwzLi2ntE=')).toBe(false);
  });

  it.each([
    ['100', true], ['150', true], ['110', true], ['205', true], ['301', true], ['302', true], ['303', true],
    ['204', false], ['539', false], ['217', false],
  ])('protMatches cStat %s → %s', (cStat, ok) => {
    expect(protMatches({ cStat, chNFe: 'K', digVal: 'D' }, 'K', 'D')).toBe(ok);
  });
});

describe('parseRetConsStatServ', () => {
  it('legacy SP sample (3.10 wrapper and header)', () => {
    expect(parseRetConsStatServ(sample('retConsStatServ.xml'))).toEqual({
      tpAmb: '2', verAplic: 'SP_NFE_PL_008f', cStat: '107', xMotivo: 'Serviço em Operação', cUF: '35',
      dhRecbto: '2015-05-31T12:24:12-03:00', tMed: '1', dhRetorno: undefined, xObs: undefined,
    });
  });

  it('prefixed elements are read by local name', () => {
    const r = parseRetConsStatServ(
      '<ns2:retConsStatServ xmlns:ns2="http://www.portalfiscal.inf.br/nfe" versao="4.00"><ns2:tpAmb>1</ns2:tpAmb><ns2:verAplic>MG</ns2:verAplic>' +
        '<ns2:cStat>108</ns2:cStat><ns2:xMotivo>Servico Paralisado Momentaneamente</ns2:xMotivo><ns2:cUF>31</ns2:cUF>' +
        '<ns2:dhRecbto>2026-11-23T10:00:00-03:00</ns2:dhRecbto><ns2:dhRetorno>2026-11-23T10:30:00-03:00</ns2:dhRetorno></ns2:retConsStatServ>',
    );
    expect(r).toMatchObject({ cStat: '108', cUF: '31', dhRetorno: '2026-11-23T10:30:00-03:00' });
  });
});

describe('parseRetInutNFe', () => {
  it('real GO answer (response_inut_cnpj.xml)', () => {
    const text = sample('response_inut_cnpj.xml');
    const r = parseRetInutNFe(text);
    expect(r).toMatchObject({
      tpAmb: '2', verAplic: 'GO4.0', cStat: '102', xMotivo: 'Inutilização de número homologado', cUF: '52', ano: '25',
      CNPJ: '00000000000000', mod: '55', serie: '3', nNFIni: '53', nNFFin: '53', dhRecbto: '2025-02-10T14:31:01-03:00', nProt: '152250025831513',
    });
    expect(r.raw).toBe(firstRaw(text, 'retInutNFe'));
  });

  it('legacy SP answer (res_inut.xml, no nfeResultMsg)', () => {
    const r = parseRetInutNFe(sample('res_inut.xml'));
    expect(r).toMatchObject({ cStat: '102', cUF: '35', ano: '17', CNPJ: '58716523000119', serie: '2', nNFIni: '234', nNFFin: '235', nProt: '135130006498891' });
  });

  it('procInutNFe embeds both documents verbatim and validates', async () => {
    const signed = fakeSign(inutNFe({ tpAmb: '2', cUF: '52', ano: 25, cnpj: '00000000000000', mod: '55', serie: 3, nNFIni: 53, nNFFin: 53, xJust: 'Numeracao pulada por falha' }), 'inutNFe');
    const ret = parseRetInutNFe(sample('response_inut_cnpj.xml'));
    const proc = procInutNFe(signed, ret.raw);
    expect(proc).toBe(`<?xml version="1.0" encoding="UTF-8"?><ProcInutNFe xmlns="${NFE_NS}" versao="4.00">${signed}${ret.raw}</ProcInutNFe>`);
    await expectValid('procInutNFe_v4.00.xsd', proc);
  });
});

describe('nfeProc from a real authorised NF-e', () => {
  const text = sample('nfe_layout4_com_prot.xml');
  const nfe = firstRaw(text, 'NFe');
  const protRaw = firstRaw(text, 'protNFe');
  const chave = /Id="NFe(\d{44})"/.exec(nfe)![1]!;
  const digest = /<DigestValue>([^<]+)<\/DigestValue>/.exec(nfe)![1]!;

  // The protocol as a consulta would return it, plus a cancel event of the same key.
  const signedEvento = fakeSign(
    evento({ cOrgao: '43', tpAmb: '2', cnpj: '06929383000163', chNFe: chave, dhEvento: '2018-09-26T10:00:00-03:00', tpEvento: '110111', nSeqEvento: 1, detEventoInnerXml: detCancelamento({ nProt: '143180006932433', xJust: 'Cancelamento por erro de digitacao' }) }),
    'evento',
  );
  const retEventoRaw =
    '<retEvento versao="1.00"><infEvento Id="ID143180006932999"><tpAmb>2</tpAmb><verAplic>RS20180914</verAplic><cOrgao>43</cOrgao>' +
    `<cStat>135</cStat><xMotivo>Evento registrado e vinculado a NF-e</xMotivo><chNFe>${chave}</chNFe><tpEvento>110111</tpEvento>` +
    '<xEvento>Cancelamento registrado</xEvento><nSeqEvento>1</nSeqEvento><dhRegEvento>2018-09-26T10:00:05-03:00</dhRegEvento>' +
    '<nProt>143180006932999</nProt></infEvento></retEvento>';
  const procEvento = `<procEventoNFe versao="1.00">${signedEvento}${retEventoRaw}</procEventoNFe>`;
  const retConsSit =
    `<retConsSitNFe xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><verAplic>RS20180914</verAplic><cStat>101</cStat>` +
    `<xMotivo>Cancelamento de NF-e homologado</xMotivo><cUF>43</cUF><dhRecbto>2018-09-27T08:00:00-03:00</dhRecbto><chNFe>${chave}</chNFe>` +
    `${protRaw}${procEvento}</retConsSitNFe>`;

  it('parseRetConsSitNFe: protocol and events, raw', () => {
    const r = parseRetConsSitNFe(`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><nfeResultMsg xmlns="http://www.portalfiscal.inf.br/nfe/wsdl/NFeConsultaProtocolo4">${retConsSit}</nfeResultMsg></soap:Body></soap:Envelope>`);
    expect(r).toMatchObject({ cStat: '101', chNFe: chave, cUF: '43' });
    expect(r.prot).toMatchObject({ chNFe: chave, nProt: '143180006932433', digVal: 'Hwr3X8T6PR7EUzdSHZYeHpn14e4=', cStat: '100', raw: protRaw });
    expect(r.eventos).toHaveLength(1);
    expect(r.eventos[0]!.raw).toBe(procEvento);
    expect(r.eventos[0]!.retEvento).toMatchObject({ cStat: '135', tpEvento: '110111', nSeqEvento: '1', nProt: '143180006932999', chNFePend: [], raw: retEventoRaw });
  });

  it('protMatches the NF-e, nfeProc rebuilds the distribution document and validates', async () => {
    const prot = parseRetConsSitNFe(retConsSit).prot!;
    expect(protMatches(prot, chave, digest)).toBe(true);
    const proc = nfeProc(`<?xml version="1.0" encoding="UTF-8"?>\n${nfe}`, prot.raw);
    expect(proc).toBe(`<?xml version="1.0" encoding="UTF-8"?><nfeProc xmlns="${NFE_NS}" versao="4.00">${nfe}${protRaw}</nfeProc>`);
    await expectValid('procNFe_v4.00.xsd', proc);
  });

  it('procEventoNFe validates', async () => {
    const proc = procEventoNFe(signedEvento, retEventoRaw);
    expect(proc).toContain(`${signedEvento}${retEventoRaw}</procEventoNFe>`);
    await expectValid('procEventoNFe_v1.00.xsd', proc);
  });

  it('consulta of an unknown key (217) has no protocol', () => {
    const r = parseRetConsSitNFe(
      `<retConsSitNFe xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><verAplic>SP</verAplic><cStat>217</cStat>` +
        `<xMotivo>Rejeicao: NF-e nao consta na base de dados da SEFAZ</xMotivo><cUF>35</cUF><dhRecbto>2026-11-23T10:00:00-03:00</dhRecbto><chNFe>${chave}</chNFe></retConsSitNFe>`,
    );
    expect(r.prot).toBeUndefined();
    expect(r.eventos).toEqual([]);
    expect(r.cStat).toBe('217');
  });
});

describe('parseRetConsReciNFe', () => {
  it('one protocol per NF-e of the lote, each raw', () => {
    const p1 = '<protNFe versao="4.00"><infProt Id="ID135260000000001"><tpAmb>2</tpAmb><verAplic>SP</verAplic><chNFe>35261158716523000119550010000000011000000010</chNFe><dhRecbto>2026-11-23T10:00:01-03:00</dhRecbto><nProt>135260000000001</nProt><digVal>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</digVal><cStat>100</cStat><xMotivo>Autorizado o uso da NF-e</xMotivo></infProt></protNFe>';
    const p2 = '<protNFe versao="4.00"><infProt><tpAmb>2</tpAmb><verAplic>SP</verAplic><chNFe>35261158716523000119550010000000021000000020</chNFe><dhRecbto>2026-11-23T10:00:01-03:00</dhRecbto><cStat>539</cStat><xMotivo>Rejeicao: Duplicidade de NF-e com diferenca na Chave de Acesso</xMotivo><cMsg>1</cMsg><xMsg>ver</xMsg></infProt></protNFe>';
    const r = parseRetConsReciNFe(
      `<retConsReciNFe xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><verAplic>SP</verAplic><nRec>351000109901280</nRec><cStat>104</cStat>` +
        `<xMotivo>Lote processado</xMotivo><cUF>35</cUF><dhRecbto>2026-11-23T10:00:02-03:00</dhRecbto>${p1}${p2}</retConsReciNFe>`,
    );
    expect(r).toMatchObject({ nRec: '351000109901280', cStat: '104', cUF: '35' });
    expect(r.prot.map((p) => [p.cStat, p.nProt, p.raw])).toEqual([['100', '135260000000001', p1], ['539', undefined, p2]]);
    expect(r.prot[1]).toMatchObject({ cMsg: '1', xMsg: 'ver' });
  });
});

describe('parseRetEnvEvento', () => {
  it('several retEvento, EPEC pending keys', () => {
    const e1 = '<retEvento versao="1.00"><infEvento><tpAmb>2</tpAmb><verAplic>AN</verAplic><cOrgao>91</cOrgao><cStat>142</cStat><xMotivo>Rejeicao: bloqueio de EPEC</xMotivo><chNFe>43261106929383000163550010000000271000010300</chNFe><tpEvento>110140</tpEvento><nSeqEvento>1</nSeqEvento><dhRegEvento>2026-11-23T10:00:00-03:00</dhRegEvento><chNFePend>43261106929383000163550010000000201000010300</chNFePend><chNFePend>43261106929383000163550010000000211000010300</chNFePend></infEvento></retEvento>';
    const e2 = '<retEvento versao="1.00"><infEvento Id="ID891261760045988"><tpAmb>2</tpAmb><verAplic>AN</verAplic><cOrgao>91</cOrgao><cStat>136</cStat><xMotivo>Evento registrado, mas nao vinculado a NF-e</xMotivo><chNFe>43261106929383000163550010000000281000010300</chNFe><tpEvento>110140</tpEvento><xEvento>EPEC</xEvento><nSeqEvento>1</nSeqEvento><dhRegEvento>2026-11-23T10:00:00-03:00</dhRegEvento><nProt>891261760045988</nProt></infEvento></retEvento>';
    const r = parseRetEnvEvento(
      `<retEnvEvento xmlns="${NFE_NS}" versao="1.00"><idLote>42</idLote><tpAmb>2</tpAmb><verAplic>AN</verAplic><cOrgao>91</cOrgao><cStat>128</cStat><xMotivo>Lote de Evento Processado</xMotivo>${e1}${e2}</retEnvEvento>`,
    );
    expect(r).toMatchObject({ idLote: '42', cStat: '128', cOrgao: '91' });
    expect(r.retEventos.map((e) => [e.cStat, e.nProt, e.chNFePend.length, e.raw])).toEqual([['142', undefined, 2, e1], ['136', '891261760045988', 0, e2]]);
    expect(r.retEventos[0]!.chNFePend[1]).toBe('43261106929383000163550010000000211000010300');
  });
});

describe('unexpected answers', () => {
  it.each([
    ['not XML', () => parseRetEnviNFe('<html><body>Erro 503</body>')],
    ['plain text', () => parseRetConsStatServ('Service Unavailable')],
    ['wrong root', () => parseRetEnviNFe(sample('retConsStatServ.xml'))],
    ['DOCTYPE', () => parseRetConsStatServ('<!DOCTYPE x [<!ENTITY a "b">]><retConsStatServ/>')],
    ['missing cStat', () => parseRetConsStatServ(`<retConsStatServ xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><xMotivo>x</xMotivo><cUF>35</cUF></retConsStatServ>`)],
  ])('%s → garbage', (_n, fn) => expectGarbage(fn));
});
