import { loadXsdValidator } from '../../src/xml/xsd';
import {
  CCE_XCONDUSO,
  consReciNFe,
  consSitNFe,
  consStatServ,
  detCancelamento,
  detCancelamentoSubstituicao,
  detCartaCorrecao,
  detEpec,
  enviNFe,
  envEvento,
  evento,
  eventoId,
  inutId,
  inutNFe,
  NFE_NS,
  TP_EVENTO,
  type InutParams,
} from '../../src/sefaz/messages';
import { findElements, scanElements, sliceOf } from '../../src/sefaz/xml-text';
import { fakeSign, sample, schema } from './fixtures';

const CHAVE = '43180906929383000163550010000000261000010301';
const CHAVE_NFCE = '43211105730928000145650010000002401717268120';

async function expectValid(xsd: string, xml: string): Promise<void> {
  const v = await loadXsdValidator(schema(xsd));
  expect(v.validate(xml)).toEqual({ ok: true });
}

describe('consultas', () => {
  it('consStatServ is minified, in XSD order and valid', async () => {
    const xml = consStatServ('2', '35');
    expect(xml).toBe(`<consStatServ xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><cUF>35</cUF><xServ>STATUS</xServ></consStatServ>`);
    await expectValid('consStatServ_v4.00.xsd', xml);
  });

  it('consSitNFe', async () => {
    const xml = consSitNFe('1', CHAVE);
    expect(xml).toBe(`<consSitNFe xmlns="${NFE_NS}" versao="4.00"><tpAmb>1</tpAmb><xServ>CONSULTAR</xServ><chNFe>${CHAVE}</chNFe></consSitNFe>`);
    await expectValid('consSitNFe_v4.00.xsd', xml);
  });

  it('consReciNFe', async () => {
    const xml = consReciNFe('2', '351000109901280');
    expect(xml).toBe(`<consReciNFe xmlns="${NFE_NS}" versao="4.00"><tpAmb>2</tpAmb><nRec>351000109901280</nRec></consReciNFe>`);
    await expectValid('consReciNFe_v4.00.xsd', xml);
  });

  it('the XSD catches a wrong message (the validation is real)', async () => {
    const v = await loadXsdValidator(schema('consSitNFe_v4.00.xsd'));
    expect(v.validate(consSitNFe('3', CHAVE)).ok).toBe(false);
  });
});

describe('enviNFe', () => {
  // A real signed NF-e 4.00 (from an nfeProc sample), with its declaration-free text kept as is.
  const text = sample('nfe_layout4_com_prot.xml');
  const nfe = sliceOf(text, findElements(scanElements(text), 'NFe')[0]!);

  it('wraps signed NF-e unchanged after idLote/indSinc and validates', async () => {
    const xml = enviNFe('123', '1', [`<?xml version="1.0" encoding="UTF-8"?>\n${nfe}`]);
    expect(xml.startsWith(`<enviNFe xmlns="${NFE_NS}" versao="4.00"><idLote>123</idLote><indSinc>1</indSinc><NFe`)).toBe(true);
    expect(xml).toContain(nfe);
    expect(xml).not.toContain('<?xml');
    await expectValid('enviNFe_v4.00.xsd', xml);
  });
});

describe('inutNFe', () => {
  const p: InutParams = { tpAmb: '2', cUF: '35', ano: '25', cnpj: '58716523000119', mod: '55', serie: 2, nNFIni: '234', nNFFin: 235, xJust: 'Falha no sistema & numeracao <pulada>' };

  it('pads série/numbers inside the Id only', () => {
    expect(inutId(p)).toBe('ID35255871652300011955002000000234000000235');
    const xml = inutNFe(p);
    expect(xml).toContain('<serie>2</serie><nNFIni>234</nNFIni><nNFFin>235</nNFFin>');
    expect(xml).toContain('<xJust>Falha no sistema &amp; numeracao &lt;pulada&gt;</xJust>');
    expect(xml).not.toContain('Signature');
  });

  it('is valid once signed', async () => {
    await expectValid('inutNFe_v4.00.xsd', fakeSign(inutNFe(p), 'inutNFe'));
  });

  it('extremes: série 0, numbers 1..999999999', () => {
    expect(inutId({ ...p, serie: '0', nNFIni: 1, nNFFin: 999999999 })).toBe('ID' + '35' + '25' + '58716523000119' + '55' + '000' + '000000001' + '999999999');
  });
});

describe('eventos', () => {
  const base = { cOrgao: '43', tpAmb: '2', cnpj: '06929383000163', chNFe: CHAVE, dhEvento: '2026-11-23T10:00:00-03:00' };

  it('Id and header', () => {
    expect(eventoId('110111', CHAVE, 1)).toBe(`ID110111${CHAVE}01`);
    const xml = evento({ ...base, tpEvento: '110111', nSeqEvento: 1, detEventoInnerXml: detCancelamento({ nProt: '143180006932433', xJust: 'Cancelamento por erro de digitacao' }) });
    expect(xml).toBe(
      `<evento xmlns="${NFE_NS}" versao="1.00"><infEvento Id="ID110111${CHAVE}01"><cOrgao>43</cOrgao><tpAmb>2</tpAmb>` +
        `<CNPJ>06929383000163</CNPJ><chNFe>${CHAVE}</chNFe><dhEvento>2026-11-23T10:00:00-03:00</dhEvento><tpEvento>110111</tpEvento>` +
        '<nSeqEvento>1</nSeqEvento><verEvento>1.00</verEvento><detEvento versao="1.00"><descEvento>Cancelamento</descEvento>' +
        '<nProt>143180006932433</nProt><xJust>Cancelamento por erro de digitacao</xJust></detEvento></infEvento></evento>',
    );
  });

  it.each([
    ['cancelamento', 'envEventoCancNFe_v1.00.xsd', { ...base, tpEvento: TP_EVENTO.cancelamento, nSeqEvento: 1, detEventoInnerXml: detCancelamento({ nProt: '143180006932433', xJust: 'Cancelamento por erro de digitacao' }) }],
    ['CC-e seq 12', 'envCCe_v1.00.xsd', { ...base, tpEvento: TP_EVENTO.cartaCorrecao, nSeqEvento: 12, detEventoInnerXml: detCartaCorrecao({ xCorrecao: 'Correcao do endereco: Rua A & B' }) }],
    [
      'cancelamento por substituição (CPF author)',
      'envEventoCancSubst_v1.00.xsd',
      {
        cOrgao: '43', tpAmb: '2', cpf: '12345678909', chNFe: CHAVE_NFCE, dhEvento: '2026-11-23T10:00:00-03:00', tpEvento: TP_EVENTO.cancelamentoSubstituicao, nSeqEvento: 1,
        detEventoInnerXml: detCancelamentoSubstituicao({ cOrgaoAutor: '43', verAplic: 'fiscal-gateway 0.1', nProt: '143210000624926', xJust: 'Emitida em contingencia e substituida', chNFeRef: CHAVE }),
      },
    ],
    [
      'EPEC NF-e',
      'envEPEC_v1.00.xsd',
      {
        ...base, cOrgao: '91', tpEvento: TP_EVENTO.epec, nSeqEvento: 1,
        detEventoInnerXml: detEpec({ model: '55', cOrgaoAutor: '43', verAplic: 'fiscal-gateway 0.1', dhEmi: '2026-11-23T09:58:00-03:00', tpNF: '1', IE: '0960011111', dest: { UF: 'SP', CNPJ: '58716523000119', IE: '123456789012' }, vNF: '100.00', vICMS: '18.00', vST: '0.00' }),
      },
    ],
  ] as const)('%s: signed evento inside envEvento validates against %s', async (_name, xsd, params) => {
    const signed = fakeSign(evento(params), 'evento');
    const lote = envEvento('42', [signed]);
    expect(lote.startsWith(`<envEvento xmlns="${NFE_NS}" versao="1.00"><idLote>42</idLote><evento`)).toBe(true);
    await expectValid(xsd, lote);
    await expectValid('envEvento_v1.00.xsd', lote);
  });

  it('nSeqEvento is padded in the Id only', () => {
    const xml = evento({ ...base, tpEvento: '110110', nSeqEvento: '3', detEventoInnerXml: detCartaCorrecao({ xCorrecao: 'Correcao da quantidade' }) });
    expect(xml).toContain(`Id="ID110110${CHAVE}03"`);
    expect(xml).toContain('<nSeqEvento>3</nSeqEvento>');
  });

  it('CC-e carries the fixed xCondUso text', async () => {
    const det = `<detEvento xmlns="${NFE_NS}" versao="1.00">${detCartaCorrecao({ xCorrecao: 'Correcao do CFOP informado' })}</detEvento>`;
    expect(det).toContain(`<xCondUso>${CCE_XCONDUSO}</xCondUso>`);
    await expectValid('e110110_v1.00.xsd', det);
  });

  it.each([
    ['with dest', { UF: 'SP', CPF: '12345678909' }],
    ['without dest', undefined],
  ])('EPEC NFC-e %s validates (no vST, values after dest)', async (_n, dest) => {
    const inner = detEpec({ model: '65', cOrgaoAutor: '35', verAplic: 'fg', dhEmi: '2026-11-23T09:58:00-03:00', tpNF: '1', IE: '123456789012', dest, vNF: '10.00', vICMS: '0.00' });
    expect(inner).not.toContain('vST');
    expect(inner.endsWith('<vNF>10.00</vNF><vICMS>0.00</vICMS>')).toBe(true);
    if (dest) await expectValid('e110140NFCe_v1.00.xsd', `<detEvento xmlns="${NFE_NS}" versao="1.00">${inner}</detEvento>`);
  });

  it('EPEC NF-e requires dest', () => {
    expect(() => detEpec({ model: '55', cOrgaoAutor: '43', verAplic: 'fg', dhEmi: '2026-11-23T09:58:00-03:00', tpNF: '1', IE: '0960011111', vNF: '1.00', vICMS: '0.00' })).toThrow(/destinatário/);
  });
});
