// CT-e event pieces under src/emission/cte (pure, no gateway): every detEvento writer inside a signed
// eventoCTe validated against eventoCTe_v4.00.xsd and the event's own schema; InvoiCy's CT-e
// EnvioEvento read into typed inputs (the official examples, and each layout error); the CC-e field
// lists read from parsed CT-e XML; the facts and the EPEC summary read from a CT-e.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { diffCorrections } from '../../src/fiscal/cte/cce';
import { CTE_EVENT } from '../../src/fiscal/cte/event-rules';
import { createTestCa, issueCompanyCertificate } from '../../src/signing/testca';
import { signXml, verifyXmlSignature } from '../../src/signing/xmldsig';
import { parseXmlOrdered } from '../../src/xml/parse';
import { loadXsdValidator } from '../../src/xml/xsd';
import { correctionsOf, cteFields } from '../../src/emission/cte/cce-fields';
import { cteDocumentFacts } from '../../src/emission/cte/cte-facts';
import {
  CTE_CCE_XCONDUSO, CTE_NS, detCancCECTe, detCancCTe, detCancPrestDesacordo, detCCeCTe, detCECTe, detEPECCTe, detPrestDesacordo, eventoCTe, eventoCteId,
} from '../../src/sefaz/cte-messages';
import { DEFAULT_DESACORDO_XOBS } from '../../src/emission/cte/events';
import { epecCteSummary, type EpecCteSummary } from '../../src/emission/cte/events/epec';
import { comprovanteHash, readCteEvento, type CteEventoInput } from '../../src/emission/cte/events/input';
import { SCHEMAS_DIR } from '../support/harness';

const CNPJ = '06354976000149';
const CHAVE = '43240206354976000149572720000050261172816385';
const EPEC_CHAVE = '43240206354976000149572720000050264172816380';
const NFE1 = '43221112893382000109553140005514711001214562';
const NFE2 = '43221112893382000109553140005514721001214568';
const NPROT = '143240000000001';
const EXAMPLES = path.join(SCHEMAS_DIR, '..', 'invoicy', 'Eventos', 'Exemplos XML', 'CTe');
const NOW = new Date('2024-02-21T12:00:00Z');
const READ = { defaultOffset: '-03:00', now: NOW };

const ca = createTestCa();
const company = issueCompanyCertificate(ca, { name: 'TRANSPORTADORA TESTE LTDA', cnpj: CNPJ });

async function validate(xsd: string, xml: string): Promise<void> {
  const v = await loadXsdValidator(path.join(SCHEMAS_DIR, 'cte', xsd));
  expect(v.validate(xml)).toEqual({ ok: true });
}

/** The event's own element, standing alone in the CT-e namespace (as its schema declares it). */
function ownElement(det: string): string {
  return det.replace(/^<(\w+)>/, `<$1 xmlns="${CTE_NS}">`);
}

const EPEC_SUMMARY: EpecCteSummary = {
  vICMS: '12.00', vICMSST: '1.50', vTPrest: '100.00', vCarga: '599.65', toma: { toma: '3', UF: 'RS', CNPJ: '11222333000181', IE: '1234567890' },
  modal: '01', UFIni: 'RS', UFFim: 'SC', dhEmi: '2024-02-20T10:00:00-03:00',
};

describe('detEvento writers inside a signed eventoCTe 4.00', () => {
  const cases: [string, string, string, string, number, string, string][] = [
    ['110111 cancelamento', CTE_EVENT.cancelamento, CHAVE, CNPJ, 1, 'evCancCTe_v4.00.xsd',
      detCancCTe({ nProt: NPROT, xJust: 'Cancelamento por erro de digitacao & valor' })],
    ['110110 carta de correção with item numbers', CTE_EVENT.cartaCorrecao, CHAVE, CNPJ, 12, 'evCCeCTe_v4.00.xsd', detCCeCTe([
      { grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Pagar na entrega <sem juros>' },
      { grupoAlterado: 'infNFe', campoAlterado: 'dPrev', valorAlterado: '2024-02-21', nroItemAlterado: 2 },
    ])],
    ['110180 comprovante with coordinates and NF-e', CTE_EVENT.comprovanteEntrega, CHAVE, CNPJ, 1, 'evCECTe_v4.00.xsd', detCECTe({
      nProt: NPROT, dhEntrega: '2024-02-20T11:23:07-03:00', nDoc: '1234567890', xNome: 'Migrate Company', latitude: '-27.868824',
      longitude: '-53.985100', hashEntrega: 'OrikW3hImskYcHzoL6Ir8wJtDvY=', dhHashEntrega: '2024-02-20T11:23:07-03:00', chNFe: [NFE1, NFE2],
    })],
    ['110180 comprovante, minimal', CTE_EVENT.comprovanteEntrega, CHAVE, CNPJ, 999, 'evCECTe_v4.00.xsd', detCECTe({
      nProt: NPROT, dhEntrega: '2024-02-20T11:23:07-03:00', nDoc: '12', xNome: 'Zé', hashEntrega: 'O2qBnkIm/76ef1ryiobcj30sMkE=',
      dhHashEntrega: '2024-02-20T11:23:07-03:00', chNFe: [],
    })],
    ['110181 cancelamento do comprovante', CTE_EVENT.cancComprovanteEntrega, CHAVE, CNPJ, 2, 'evCancCECTe_v4.00.xsd',
      detCancCECTe({ nProt: NPROT, nProtCE: '143240000000002' })],
    ['610110 desacordo with the default xObs, by a CNPJ tomador', CTE_EVENT.prestDesacordo, CHAVE, '11222333000181', 1, 'evPrestDesacordo_v4.00.xsd',
      detPrestDesacordo({ xObs: DEFAULT_DESACORDO_XOBS })],
    ['610110 desacordo with the ERP text, by a CPF tomador', CTE_EVENT.prestDesacordo, CHAVE, '52998224725', 20, 'evPrestDesacordo_v4.00.xsd',
      detPrestDesacordo({ xObs: 'Mercadoria entregue em outro endereço' })],
    ['610111 cancelamento do desacordo', CTE_EVENT.cancPrestDesacordo, CHAVE, '11222333000181', 2, 'evCancPrestDesacordo_v4.00.xsd',
      detCancPrestDesacordo({ nProtEvPrestDes: '143240000000003' })],
    ['110113 EPEC', CTE_EVENT.epec, EPEC_CHAVE, CNPJ, 1, 'evEPECCTe_v4.00.xsd', detEPECCTe({ ...EPEC_SUMMARY, xJust: 'SEFAZ RS fora do ar desde as 10h' })],
    ['110113 EPEC, CPF tomador without IE nor ST', CTE_EVENT.epec, EPEC_CHAVE, CNPJ, 1, 'evEPECCTe_v4.00.xsd', detEPECCTe({
      ...EPEC_SUMMARY, vICMSST: undefined, toma: { toma: '4', UF: 'SC', CPF: '52998224725' }, xJust: 'SEFAZ RS fora do ar desde as 10h',
    })],
  ];

  test.each(cases)('%s', async (_name, tpEvento, chave, author, nSeq, xsd, det) => {
    const unsigned = eventoCTe({
      cOrgao: '43', tpAmb: '2', ...(author.length === 11 ? { cpf: author } : { cnpj: author }), chCTe: chave, dhEvento: '2024-02-20T11:30:00-03:00',
      tpEvento, nSeqEvento: nSeq, detEventoInnerXml: det,
    });
    const id = `ID${tpEvento}${chave}${String(nSeq).padStart(3, '0')}`;
    expect(eventoCteId(tpEvento, chave, nSeq)).toBe(id);
    expect(id).toHaveLength(55);
    expect(unsigned).toContain(`<infEvento Id="${id}">`);
    expect(unsigned).toContain(`<nSeqEvento>${nSeq}</nSeqEvento>`);
    expect(unsigned).toContain(author.length === 11 ? `<CPF>${author}</CPF>` : `<CNPJ>${author}</CNPJ>`);
    const signed = await signXml(unsigned, { tag: 'infEvento', keyPem: company.keyPem, certPem: company.certPem });
    expect(verifyXmlSignature(signed, { tag: 'infEvento', trustedCaPems: [ca.certPem] })).toMatchObject({ ok: true });
    await validate('eventoCTe_v4.00.xsd', signed);
    await validate(xsd, ownElement(det));
  });

  it('writes the cancel minified, in schema order', () => {
    expect(eventoCTe({
      cOrgao: '43', tpAmb: '2', cnpj: CNPJ, chCTe: CHAVE, dhEvento: '2024-02-20T11:30:00-03:00', tpEvento: '110111', nSeqEvento: 1,
      detEventoInnerXml: detCancCTe({ nProt: NPROT, xJust: 'Cancelamento por erro de digitacao' }),
    })).toBe(
      `<eventoCTe xmlns="${CTE_NS}" versao="4.00"><infEvento Id="ID110111${CHAVE}001"><cOrgao>43</cOrgao><tpAmb>2</tpAmb>` +
      `<CNPJ>${CNPJ}</CNPJ><chCTe>${CHAVE}</chCTe><dhEvento>2024-02-20T11:30:00-03:00</dhEvento><tpEvento>110111</tpEvento>` +
      '<nSeqEvento>1</nSeqEvento><detEvento versaoEvento="4.00"><evCancCTe><descEvento>Cancelamento</descEvento>' +
      `<nProt>${NPROT}</nProt><xJust>Cancelamento por erro de digitacao</xJust></evCancCTe></detEvento></infEvento></eventoCTe>`,
    );
  });

  it('the CC-e carries the legal text of the schema and xObs defaults to a valid text', () => {
    expect(detCCeCTe([{ grupoAlterado: 'ide', campoAlterado: 'CFOP', valorAlterado: '6352' }]))
      .toBe(`<evCCeCTe><descEvento>Carta de Correcao</descEvento><infCorrecao><grupoAlterado>ide</grupoAlterado><campoAlterado>CFOP</campoAlterado><valorAlterado>6352</valorAlterado></infCorrecao><xCondUso>${CTE_CCE_XCONDUSO}</xCondUso></evCCeCTe>`);
    expect(DEFAULT_DESACORDO_XOBS.length).toBeGreaterThanOrEqual(15);
  });
});

/** The EnvioEvento of an example file (inside the CDATA of an InvoiCy envelope, or alone). */
function exampleDocument(file: string): string {
  const text = readFileSync(path.join(EXAMPLES, file), 'utf8');
  return /<!\[CDATA\[([\s\S]*?)\]\]>/.exec(text)?.[1] ?? text;
}

function read(xml: string): CteEventoInput {
  const r = readCteEvento(xml, READ);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.input;
}

describe('InvoiCy CT-e EnvioEvento → typed input', () => {
  const requests = readdirSync(EXAMPLES).filter((f) => f.endsWith('.xml') && !/^retorno/i.test(f));

  it('covers every official request example', () => {
    expect(requests.length).toBeGreaterThanOrEqual(5);
  });

  test.each(requests)('official example %s reads without error', (file) => {
    expect(readCteEvento(exampleDocument(file), READ)).toMatchObject({ ok: true });
  });

  it('110180 example: dates with their offsets, coordinates rounded to 6 decimals, the NF-e list', () => {
    expect(read(exampleDocument('envio cancelamento CTE com envelope.xml'))).toEqual({
      cnpj: CNPJ, numero: 5026, serie: 272, tpAmb: '2', chave: CHAVE, tpEmis: '1', nSeq: 1,
      dhEvento: '2024-02-20T11:23:07-03:00', at: new Date('2024-02-20T11:23:07-03:00'), tpEvento: '110180',
      comprovante: {
        dhEntrega: '2024-02-20T11:23:07-03:00', dhHashEntrega: '2024-02-20T11:23:07-03:00', nDoc: '1234567890', xNome: 'Migrate Company',
        latitude: '-27.868824', longitude: '-53.985100', hashEntrega: 'OrikW3hImskYcHzoL6Ir8wJtDvY=', chNFe: [NFE1],
      },
    });
  });

  it('610110 example: the observation becomes xObs, the emitter CNPJ is padded', () => {
    expect(read(exampleDocument('Exemplo Prestação de serviço em desacordo.xml'))).toMatchObject({
      tpEvento: '610110', cnpj: '09999999999999', numero: 17, serie: 770, xObs: 'Teste de envio de Desacordo', dhEvento: '2025-06-12T14:13:13-03:00',
    });
  });

  it('110111 example: justification and protocol', () => {
    expect(read(exampleDocument('Exemplo_CancelamentoCTe.xml'))).toMatchObject({
      tpEvento: '110111', xJust: 'Justificativa para cancelamento', nProt: '999999999999999', nSeq: 1, chave: '9'.repeat(44),
    });
  });

  it('CC-e example: the whole CT-e layout, identified by ide and emit', () => {
    const input = read(exampleDocument('Exemplo_Envio_CCe.xml'));
    expect(input).toMatchObject({ tpEvento: '110110', cnpj: '99999999999999', numero: 44, serie: 50, tpAmb: '2', tpEmis: '1', dhEvento: '2019-02-20T10:05:01-03:00' });
    expect(input.tpEvento === '110110' && input.layout.length).toBeGreaterThan(5);
  });

  const event = (tp: string, det: string, extra = '') =>
    '<EnvioEvento><ModeloDocumento>CTe</ModeloDocumento><Versao>4.00</Versao><Evento>' +
    `<CteCnpjEmissor>${CNPJ}</CteCnpjEmissor><CteNumero>5026</CteNumero><CteSerie>272</CteSerie><tpAmb>2</tpAmb>${extra}` +
    `<EveInf><EveDh>2024-02-20T11:23:07</EveDh><EveFusoHorario>-03:00</EveFusoHorario><EveTp>${tp}</EveTp><EvenSeq>2</EvenSeq><Evedet>${det}</Evedet></EveInf>` +
    '</Evento></EnvioEvento>';
  const entrega = (inner: string) =>
    `<CompEntrega><dhEntrega>2024-02-20T11:23:07</dhEntrega><nDoc>123</nDoc><xNome>Maria</xNome><dhHashEntrega>2024-02-20T11:23:07</dhHashEntrega>${inner}</CompEntrega>`;
  const image = Buffer.from(Uint8Array.from({ length: 16 }, (_, i) => i)).toString('base64');

  test.each<[string, string, Record<string, unknown>]>([
    ['110181 with the comprovante protocol in nProtCE', event('110181', '<nProtCE>143240000000002</nProtCE>'), { tpEvento: '110181', nProtCE: '143240000000002' }],
    ['110181 with it in EvenProt', event('110181', '<EvenProt>143240000000002</EvenProt>'), { tpEvento: '110181', nProtCE: '143240000000002' }],
    ['110181 without it', event('110181', ''), { tpEvento: '110181' }],
    ['610111 with the desacordo protocol', event('610111', '<EvenProt>143240000000003</EvenProt>', `<ChaAcesso>${CHAVE}</ChaAcesso>`), { tpEvento: '610111', nProtEvPrestDes: '143240000000003' }],
    ['610110 without Observacao (the writer supplies xObs)', event('610110', '<PrestDesacordo><indDesacordo>1</indDesacordo></PrestDesacordo>', `<ChaAcesso>${CHAVE}</ChaAcesso>`), { tpEvento: '610110', chave: CHAVE }],
    ['110180 with the image instead of the hash, and its dates at the company offset', event('110180', entrega(`<imagemEntrega>${image}</imagemEntrega>`)), {
      tpEvento: '110180', comprovante: expect.objectContaining({ imagem: Buffer.from(image, 'base64'), dhEntrega: '2024-02-20T11:23:07-03:00', chNFe: [] }),
    }],
    ['110180 with the NF-e keys without the Item wrapper', event('110180', entrega(`<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega><InfEntrega><chNFe>${NFE1}</chNFe><chNFe>${NFE2}</chNFe></InfEntrega>`)), {
      comprovante: expect.objectContaining({ chNFe: [NFE1, NFE2] }),
    }],
    ['case-insensitive names, EvenSeq and EvecOrgao', event('110111', '<evexjust>Cancelamento por erro de digitacao</evexjust>').replace('<Evedet>', '<EvecOrgao>43</EvecOrgao><Evedet>'), { nSeq: 2, cOrgao: '43' }],
  ])('%s', (_name, xml, expected) => {
    expect(read(xml)).toMatchObject(expected);
  });

  test.each<[string, string, RegExp[]]>([
    ['another model', event('110111', '<EvexJust>Cancelamento por erro de digitacao</EvexJust>').replace('>CTe<', '>NFe<'), [/ModeloDocumento "NFe" inválido/]],
    ['no Evento and no CT-e', '<EnvioEvento><ModeloDocumento>CTe</ModeloDocumento><Versao>4.00</Versao></EnvioEvento>', [/informe o grupo Evento/]],
    ['another root', '<Envio><ModeloDocumento>CTe</ModeloDocumento></Envio>', [/raiz EnvioEvento/]],
    ['unknown EveTp', event('110112', ''), [/EveTp "110112" inválido para CT-e/]],
    ['cancel without justification', event('110111', ''), [/EvexJust: campo obrigatório/]],
    ['short justification and a bad protocol, together', event('110111', '<EvexJust>curta</EvexJust><EvenProt>12</EvenProt>'), [/EvexJust deve ter de 15 a 255/, /EvenProt inválido "12"/]],
    ['header fields', event('110111', '<EvexJust>Cancelamento por erro de digitacao</EvexJust>').replace('<tpAmb>2</tpAmb>', '<tpAmb>3</tpAmb>').replace('<CteNumero>5026', '<CteNumero>A1').replace('2024-02-20T11:23:07<', '20/02/2024<'),
      [/CteNumero: valor inválido "A1"/, /tpAmb inválido "3"/, /EveDh inválida "20\/02\/2024"/]],
    ['comprovante without its group', event('110180', ''), [/CompEntrega: grupo obrigatório/]],
    ['comprovante without hash nor image', event('110180', entrega('')), [/informe hashEntrega ou a imagem/]],
    ['comprovante with a bad hash, image and coordinates', event('110180', entrega('<hashEntrega>abc</hashEntrega><imagemEntrega>***</imagemEntrega><latitude>-91.5</latitude><longitude>abc</longitude>')),
      [/latitude inválida "-91.5"/, /longitude inválida "abc"/, /hashEntrega inválido "abc"/, /imagemEntrega inválida/]],
    ['comprovante with a bad delivery date and offset', event('110180', entrega('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega><FusoEntrega>-3</FusoEntrega>').replace('<nDoc>123</nDoc>', '<nDoc>1</nDoc>')),
      [/CompEntrega\/FusoEntrega inválido "-3"/, /CompEntrega\/nDoc deve ter de 2 a 20/]],
    ['comprovante without the delivery date', event('110180', entrega('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega>').replace('<dhEntrega>2024-02-20T11:23:07</dhEntrega>', '')), [/^CompEntrega\/dhEntrega: campo obrigatório não informado$/]],
    ['desacordo without the key, with a short observation and indDesacordo 2', event('610110', '<PrestDesacordo><indDesacordo>2</indDesacordo><Observacao>curta</Observacao></PrestDesacordo>'),
      [/ChaAcesso: obrigatória/, /indDesacordo inválido "2"/, /Observacao deve ter de 15 a 255/]],
    ['cancel of the desacordo without the key', event('610111', ''), [/ChaAcesso: obrigatória no cancelamento/]],
  ])('%s → 145 with every problem', (_name, xml, problems) => {
    const r = readCteEvento(xml, READ);
    expect(r).toEqual({ ok: false, code: 145, errors: problems.map((p) => expect.stringMatching(p)) });
  });
});

describe('comprovanteHash', () => {
  const image = Buffer.from(Uint8Array.from({ length: 16 }, (_, i) => i));
  const key = '43171099999999999999570010000001261361744578';
  const base = { dhEntrega: '', dhHashEntrega: '', nDoc: '12', xNome: 'Zé', chNFe: [] };
  test.each<[string, object, object]>([
    ['computed from the image with the key', { imagem: image }, { hashEntrega: 'O2qBnkIm/76ef1ryiobcj30sMkE=' }],
    ['the ready hash', { hashEntrega: 'OrikW3hImskYcHzoL6Ir8wJtDvY=' }, { hashEntrega: 'OrikW3hImskYcHzoL6Ir8wJtDvY=' }],
    ['both, agreeing', { imagem: image, hashEntrega: 'O2qBnkIm/76ef1ryiobcj30sMkE=' }, { hashEntrega: 'O2qBnkIm/76ef1ryiobcj30sMkE=' }],
    ['both, differing', { imagem: image, hashEntrega: 'OrikW3hImskYcHzoL6Ir8wJtDvY=' }, { problem: expect.stringMatching(/difere do hash da imagem/) }],
  ])('%s', (_name, given, expected) => {
    expect(comprovanteHash({ ...base, ...given }, key)).toEqual(expected);
  });
});

/** A CT-e 4.00 trimmed to what these readers look at (not schema-complete). */
function cteXml(o: { xObs?: string; nfe2Prev?: string; toma?: string; icms?: string } = {}): string {
  const toma = o.toma ?? '<toma3><toma>3</toma></toma3>';
  return (
    `<cteProc xmlns="${CTE_NS}" versao="4.00"><CTe><infCte versao="4.00" Id="CTe${CHAVE}"><ide><cUF>43</cUF><cCT>17281638</cCT><CFOP>5352</CFOP>` +
    '<natOp>Frete</natOp><mod>57</mod><serie>272</serie><nCT>5026</nCT><dhEmi>2024-02-20T10:00:00-03:00</dhEmi><tpEmis>1</tpEmis>' +
    '<tpCTe>0</tpCTe><modal>01</modal><tpServ>0</tpServ><UFIni>RS</UFIni><UFFim>SC</UFFim>' + `${toma}</ide>` +
    `<compl><xObs>${o.xObs ?? 'Pagar em qualquer lugar'}</xObs><ObsCont xCampo="a"><xTexto>um</xTexto></ObsCont><ObsCont xCampo="b"><xTexto>dois</xTexto></ObsCont></compl>` +
    `<emit><CNPJ>${CNPJ}</CNPJ><IE>1234567891</IE><xNome>Transportadora</xNome></emit>` +
    '<rem><CNPJ>99999999000191</CNPJ><xNome>Remetente</xNome><enderReme><xLgr>Rua A</xLgr><UF>RS</UF></enderReme></rem>' +
    '<dest><CNPJ>11222333000181</CNPJ><IE>1234567890</IE><xNome>Destino</xNome><enderDest><xLgr>Rua B</xLgr><UF>SC</UF></enderDest></dest>' +
    '<vPrest><vTPrest>100.00</vTPrest><vRec>100.00</vRec><Comp><xNome>Frete</xNome><vComp>80.00</vComp></Comp><Comp><xNome>Pedagio</xNome><vComp>20.00</vComp></Comp></vPrest>' +
    `<imp><ICMS>${o.icms ?? '<ICMS00><CST>00</CST><vBC>100.00</vBC><pICMS>12.00</pICMS><vICMS>12.00</vICMS></ICMS00>'}</ICMS></imp>` +
    '<infCTeNorm><infCarga><vCarga>599.65</vCarga><proPred>Pepitas</proPred></infCarga><infDoc>' +
    `<infNFe><chave>${NFE1}</chave></infNFe><infNFe><chave>${NFE2}</chave><dPrev>${o.nfe2Prev ?? '2024-02-21'}</dPrev></infNFe></infDoc>` +
    '<infModal versaoModal="4.00"><rodo><RNTRC>89173646</RNTRC></rodo></infModal></infCTeNorm></infCte>' +
    '<infCTeSupl><qrCodCTe>https://example/qr?chCTe=1</qrCodCTe></infCTeSupl>' +
    '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignatureValue>AAAA</SignatureValue></Signature></CTe></cteProc>'
  );
}

const parsed = (xml: string) => parseXmlOrdered(xml, { removeNSPrefix: true });

describe('CC-e field lists from parsed CT-e XML', () => {
  it('flattens infCte by SEFAZ group and field, items for repeated groups, without the supplement and signature', () => {
    const fields = cteFields(parsed(cteXml()));
    expect(fields).toEqual(expect.arrayContaining([
      { group: 'ide', field: 'CFOP', value: '5352' },
      { group: 'toma3', field: 'toma', value: '3' },
      { group: 'ObsCont', field: 'xTexto', value: 'dois', item: 2 },
      { group: 'enderReme', field: 'xLgr', value: 'Rua A' },
      { group: 'Comp', field: 'xNome', value: 'Pedagio', item: 2 },
      { group: 'infNFe', field: 'chave', value: NFE2, item: 2 },
      { group: 'rodo', field: 'RNTRC', value: '89173646' },
    ]));
    expect(fields.some((f) => ['qrCodCTe', 'SignatureValue'].includes(f.field))).toBe(false);
  });

  it('the authorised and the corrected CT-e give the corrections; a forbidden change is refused', () => {
    const authorised = cteFields(parsed(cteXml()));
    expect(diffCorrections(authorised, cteFields(parsed(cteXml({ xObs: 'Pagar na entrega', nfe2Prev: '2024-02-22' }))))).toEqual({ corrections: [
      { grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Pagar na entrega' },
      { grupoAlterado: 'infNFe', campoAlterado: 'dPrev', valorAlterado: '2024-02-22', nroItemAlterado: 2 },
    ] });
    expect(diffCorrections(authorised, cteFields(parsed(cteXml({ toma: '<toma3><toma>0</toma></toma3>' }))))).toEqual({
      refusals: [{ code: 681, text: expect.stringContaining('toma3/toma') }],
    });
  });

  it('no infCte: no fields', () => {
    expect(cteFields(parsed('<CTe/>'))).toEqual([]);
  });

  it('an earlier CC-e gives back its infCorrecao list', async () => {
    const list = [
      { grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Pagar na entrega & depois' },
      { grupoAlterado: 'infNFe', campoAlterado: 'dPrev', valorAlterado: '2024-02-21', nroItemAlterado: 2 },
    ];
    const signed = await signXml(eventoCTe({
      cOrgao: '43', tpAmb: '2', cnpj: CNPJ, chCTe: CHAVE, dhEvento: '2024-02-20T11:30:00-03:00', tpEvento: '110110', nSeqEvento: 1, detEventoInnerXml: detCCeCTe(list),
    }), { tag: 'infEvento', keyPem: company.keyPem, certPem: company.certPem });
    expect(correctionsOf(parsed(signed))).toEqual(list);
    expect(correctionsOf(parsed(cteXml()))).toEqual([]);
  });
});

describe('facts and EPEC summary from a parsed CT-e', () => {
  test.each([
    ['toma3 names the destinatário', '<toma3><toma>3</toma></toma3>', '11222333000181'],
    ['toma3 names the remetente', '<toma3><toma>0</toma></toma3>', '99999999000191'],
    ['toma4 with a CPF', '<toma4><toma>4</toma><CPF>52998224725</CPF><xNome>Zé</xNome><enderToma><UF>PR</UF></enderToma></toma4>', '52998224725'],
    ['toma3 names an absent party', '<toma3><toma>1</toma></toma3>', null],
  ])('%s', (_name, toma, tomador) => {
    expect(cteDocumentFacts(parsed(cteXml({ toma })))).toEqual({ tpCTe: '0', tpServ: '0', tomador, nfeKeys: [NFE1, NFE2] });
  });

  it('no CT-e, no facts', () => {
    expect(cteDocumentFacts(parsed('<retCTe/>'))).toBeUndefined();
  });

  test.each<[string, { toma?: string; icms?: string }, object]>([
    ['toma3 → the destinatário with its UF and IE', {}, { vICMS: '12.00', vTPrest: '100.00', vCarga: '599.65', toma: { toma: '3', UF: 'SC', CNPJ: '11222333000181', IE: '1234567890' }, modal: '01', UFIni: 'RS', UFFim: 'SC', dhEmi: '2024-02-20T10:00:00-03:00' }],
    ['toma4 with a CPF', { toma: '<toma4><toma>4</toma><CPF>52998224725</CPF><enderToma><UF>PR</UF></enderToma></toma4>' }, { toma: { toma: '4', UF: 'PR', CPF: '52998224725' } }],
    ['Simples Nacional: no ICMS value', { icms: '<ICMSSN><CST>90</CST><indSN>1</indSN></ICMSSN>' }, { vICMS: '0.00' }],
    ['retained ST', { icms: '<ICMS60><CST>60</CST><vBCSTRet>10.00</vBCSTRet><vICMSSTRet>1.20</vICMSSTRet><pICMSSTRet>12.00</pICMSSTRet></ICMS60>' }, { vICMS: '0.00', vICMSST: '1.20' }],
  ])('%s', (_name, o, expected) => {
    expect(epecCteSummary(parsed(cteXml(o)))).toMatchObject(expected);
  });

  it('a summary written from a CT-e validates', async () => {
    const s = epecCteSummary(parsed(cteXml()));
    if ('missing' in s) throw new Error(s.missing);
    await validate('evEPECCTe_v4.00.xsd', ownElement(detEPECCTe({ ...s, xJust: 'SEFAZ RS fora do ar desde as 10h' })));
  });

  test.each([
    ['no infCte', '<CTe/>', 'infCte'],
    ['tomador absent', cteXml({ toma: '<toma3><toma>1</toma></toma3>' }), 'tomador (toma3/toma4 com a UF do endereço)'],
    ['no vTPrest', cteXml().replace('<vTPrest>100.00</vTPrest>', ''), 'vPrest/vTPrest'],
    ['no UFFim', cteXml().replace('<UFFim>SC</UFFim>', ''), 'ide/UFFim'],
  ])('%s → missing', (_name, xml, missing) => {
    expect(epecCteSummary(parsed(xml))).toEqual({ missing });
  });
});
