import * as fs from 'node:fs';
import * as path from 'node:path';
import { chaveDv } from '../../src/fiscal/chave';
import { epecSummary, HOMOLOGACAO_DEST_XNOME, HOMOLOGACAO_XPROD, parseNfeEnvio, renderNfe, type NfeDraft, type RenderOptions } from '../../src/layout';
import { checkValue, formatDecimal, normalizeValue } from '../../src/layout/format';
import type { SType } from '../../src/layout/definition';
import { loadXsdValidator } from '../../src/xml/xsd';
import { examplesDir, nfeXsd, TEST_CNPJ, withPlaceholderSignature, withTestEmitter } from './helpers';

const base = withTestEmitter(fs.readFileSync(path.join(examplesDir, 'NFe/Exemplo_NFe Simples 4.0.xml'), 'utf8'));
const nfce = withTestEmitter(fs.readFileSync(path.join(examplesDir, 'NFCe/Exemplo_NFCe_Simples.xml'), 'utf8'));
const opts: RenderOptions = { nNF: '794', cNF: '10293847', dhEmi: '2026-01-10T10:00:00-03:00', tpEmis: '1', tpAmb: '1', verProc: 'fg' };

function draftOf(xml: string): NfeDraft {
  const r = parseNfeEnvio(xml);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.draft;
}
async function render(xml: string, o: Partial<RenderOptions> = {}): Promise<string> {
  const { xml: nfe, chave } = renderNfe(draftOf(xml), { ...opts, ...o });
  expect((await loadXsdValidator(nfeXsd)).validate(withPlaceholderSignature(nfe, chave))).toEqual({ ok: true });
  return nfe;
}
const replaceBlock = (xml: string, tag: string, inner: string): string => xml.replace(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`), `<${tag}>${inner}</${tag}>`);
const tags = (fields: Record<string, string>): string => Object.entries(fields).map(([k, v]) => `<${k}>${v}</${k}>`).join('');

describe('formatDecimal', () => {
  // Never rounds: digits beyond the precision stay as sent (checkValue refuses them); only zeros there are dropped.
  test.each([
    ['00.00', [2, 2], '0.00'], ['10', [2, 2], '10.00'], ['1.005', [2, 2], '1.005'], ['3', [1, 4], '3.0000'],
    ['2.5', [1, 10], '2.5'], ['2.123456789012', [1, 10], '2.123456789012'], ['9.999', [2, 2], '9.999'], ['abc', [2, 2], 'abc'],
    ['10.1200', [2, 2], '10.12'], ['010.000', [2, 2], '10.00'], ['1.23450', [0, 4], '1.2345'], ['2.12345678900', [1, 10], '2.1234567890'],
  ] as Array<[string, [number, number], string]>)('%s %j → %s', (v, dec, out) => expect(formatDecimal(v, dec)).toBe(out));
});

describe('decimal places beyond the layout precision', () => {
  const v2: SType = { dec: [2, 2], decLabel: '13.2', patterns: ['0|0\\.[0-9]{2}|[1-9]{1}[0-9]{0,12}(\\.[0-9]{2})?'] };
  const v0a4: SType = { dec: [0, 4], decLabel: '11.4', patterns: ['0|0\\.[0-9]{1,4}|[1-9]{1}[0-9]{0,10}|[1-9]{1}[0-9]{0,10}(\\.[0-9]{1,4})?'] };
  const v0a10: SType = { dec: [1, 10], decLabel: '11.10', patterns: ['0|0\\.[0-9]{1,10}|[1-9]{1}[0-9]{0,10}|[1-9]{1}[0-9]{0,10}(\\.[0-9]{1,10})?'] };
  test.each<[string, SType, string | undefined]>([
    ['10.12', v2, undefined], ['10.1', v2, undefined], ['10.1200', v2, undefined], ['0.000', v2, undefined],
    ['10.123', v2, 'no máximo 2 casas decimais, formato 13.2'], ['1.005', v2, 'no máximo 2 casas decimais, formato 13.2'],
    ['10.1201', v2, 'no máximo 2 casas decimais, formato 13.2'],
    ['1', v0a4, undefined], ['1.1234', v0a4, undefined], ['1.12340', v0a4, undefined], ['1.12345', v0a4, 'no máximo 4 casas decimais, formato 11.4'],
    ['2.1234567890', v0a10, undefined], ['2.12345678901', v0a10, 'no máximo 10 casas decimais, formato 11.10'],
  ])('%s %j → %s', (raw, type, rule) => expect(checkValue(normalizeValue(raw, type), type)).toBe(rule));
});

describe('InvoiCy conventions', () => {
  test('suffixes are stripped, casing is ignored, values normalised, SEFAZ order kept', async () => {
    const xml = base.replace(/<xNome_dest>[^<]*<\/xNome_dest>/, '<XNOME_DEST>  Cliente   de  Teste  </XNOME_DEST>')
      .replace(/<vBC_ttlnfe>[^<]*<\/vBC_ttlnfe>/, '<vBC_ttlnfe>00.00</vBC_ttlnfe>');
    const out = await render(xml);
    expect(out).toContain('<xNome>Cliente de Teste</xNome>');
    expect(out).toContain('<ICMSTot><vBC>0.00</vBC>');
    expect(out).toMatch(/^<NFe xmlns="http:\/\/www.portalfiscal.inf.br\/nfe"><infNFe versao="4.00" Id="NFe\d{44}"><ide><cUF>/);
    expect(out).not.toMatch(/>\s+</);
    expect(out.indexOf('<emit>')).toBeLessThan(out.indexOf('<dest>'));
    expect(out).toContain('<cEAN>SEM GTIN</cEAN>');
  });

  test('list wrappers become repeated elements; det gets nItem in order', async () => {
    const item = base.match(/<detItem>[\s\S]*?<\/detItem>/)![0];
    const out = await render(base.replace(item, item + item.replace(/<cProd>[^<]*<\/cProd>/, '<cProd>SEGUNDO</cProd>')));
    expect(out.match(/<det nItem="\d+">/g)).toEqual(['<det nItem="1">', '<det nItem="2">']);
    expect(out.indexOf('<cProd>SEGUNDO</cProd>')).toBeGreaterThan(out.indexOf('<det nItem="2">'));
    expect(out).toMatch(/<pag><detPag>/);
  });

  test('dhEmi + fusoHorario are merged; the draft keeps local time and offset', () => {
    const d = draftOf(base);
    expect(d.dhEmi).toBe('2018-10-13T17:38:00');
    expect(d.fusoHorario).toBe('-03:00');
    expect(epecSummary(d).dhEmi).toBe('2018-10-13T17:38:00-03:00');
    const withOffset = draftOf(base.replace('<dhEmi>2018-10-13T17:38:00</dhEmi>', '<dhEmi>2018-10-13T17:38:00-02:00</dhEmi>').replace(/<fusoHorario>[^<]*<\/fusoHorario>/, ''));
    expect([withOffset.dhEmi, withOffset.fusoHorario]).toEqual(['2018-10-13T17:38:00', '-02:00']);
  });

  test('chave, cDV and Id are consistent; contingency adds dhCont/xJust after verProc', async () => {
    const d = draftOf(base);
    const { xml, chave } = renderNfe(d, { ...opts, tpEmis: '6', dhCont: '2026-01-10T09:00:00-03:00', xJust: 'SEFAZ fora do ar para testes' });
    expect(chave).toMatch(/^43\d{4}/);
    expect(chave.slice(6, 20)).toBe(TEST_CNPJ);
    expect(chave.slice(34, 35)).toBe('6');
    expect(chave.slice(43)).toBe(chaveDv(chave.slice(0, 43)));
    expect(xml).toContain(`Id="NFe${chave}"`);
    expect(xml).toContain(`<cDV>${chave.slice(43)}</cDV>`);
    expect(xml).toMatch(/<verProc>fg<\/verProc><dhCont>2026-01-10T09:00:00-03:00<\/dhCont><xJust>/);
    expect(renderNfe(d, opts).xml).not.toContain('<dhCont>');
  });

  test('homologação substitutions (NF-e dest/xNome; NFC-e first xProd and tpImp 4)', async () => {
    expect(await render(base, { tpAmb: '2' })).toContain(`<xNome>${HOMOLOGACAO_DEST_XNOME}</xNome>`);
    const out = await render(nfce.replace(/<tpImp>[^<]*<\/tpImp>/, ''), { tpAmb: '2' });
    expect(out).toContain(`<xProd>${HOMOLOGACAO_XPROD}</xProd>`);
    expect(out).toContain('<mod>65</mod>');
    expect(out).toContain('<tpImp>4</tpImp>');
  });

  test('one draft rendered again: the number and dates change, the body follows tpAmb (never a stale copy)', () => {
    const d = draftOf(base.replace(/<xNome_dest>[^<]*<\/xNome_dest>/, '<xNome_dest>Cliente de Teste</xNome_dest>'));
    const first = renderNfe(d, opts);
    const renumbered = renderNfe(d, { ...opts, nNF: '795', cNF: '55667788', dhEmi: '2026-02-11T11:00:00-03:00' });
    expect(renumbered.xml).toContain('<nNF>795</nNF>');
    expect(renumbered.xml).toContain('<dhEmi>2026-02-11T11:00:00-03:00</dhEmi>');
    expect(renumbered.chave).not.toBe(first.chave);
    expect(renumbered.xml.slice(renumbered.xml.indexOf('</ide>'))).toBe(first.xml.slice(first.xml.indexOf('</ide>')));
    const homologacao = renderNfe(d, { ...opts, tpAmb: '2' }).xml;
    expect(homologacao).toContain(`<xNome>${HOMOLOGACAO_DEST_XNOME}</xNome>`);
    expect(renderNfe(d, opts).xml).toBe(first.xml);
    expect(first.xml).toContain('<xNome>Cliente de Teste</xNome>');
  });

  test('all layout errors are reported at once, with path, rule and value in Portuguese', () => {
    const xml = base.replace(/<natOp>[^<]*<\/natOp>/, '').replace(/<vProd>([^<]*)<\/vProd>/, '<vProd>12,50</vProd>')
      .replace('<ide>', '<ide><campoInventado>1</campoInventado>').replace(/<xProd>[^<]*<\/xProd>/, `<xProd>${'x'.repeat(130)}</xProd>`);
    const r = parseNfeEnvio(xml);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(expect.arrayContaining([
      { path: 'Envio/ide/natOp', rule: 'obrigatório', message: 'Envio/ide/natOp: campo obrigatório não informado' },
      expect.objectContaining({ path: 'Envio/det/detItem[1]/prod/vProd', rule: 'formato decimal 13.2', value: '12,50' }),
      expect.objectContaining({ path: 'Envio/ide/campoInventado', rule: 'campo desconhecido' }),
      expect.objectContaining({ path: 'Envio/det/detItem[1]/prod/xProd', rule: 'tamanho máximo 120' }),
    ]));
  });

  test('decimals beyond the field precision are a layout error, never rounded; zeros beyond it are dropped', async () => {
    const r = parseNfeEnvio(base.replace('<vProd>100.00</vProd>', '<vProd>100.005</vProd>').replace('<vUnCom>100.00</vUnCom>', '<vUnCom>100.12345678901</vUnCom>'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(expect.arrayContaining([
      {
        path: 'Envio/det/detItem[1]/prod/vProd', rule: 'no máximo 2 casas decimais, formato 13.2', value: '100.005',
        message: 'Envio/det/detItem[1]/prod/vProd: valor "100.005" inválido (no máximo 2 casas decimais, formato 13.2)',
      },
      expect.objectContaining({ path: 'Envio/det/detItem[1]/prod/vUnCom', rule: 'no máximo 10 casas decimais, formato 11.10', value: '100.12345678901' }),
    ]));
    // The maximum of a variable field (vUnCom 0-10) is allowed; trailing zeros do not change the value.
    const out = await render(base.replace('<vProd>100.00</vProd>', '<vProd>100.0000</vProd>').replace('<vUnCom>100.00</vUnCom>', '<vUnCom>100.1234567890</vUnCom>'));
    expect(out).toContain('<vUnCom>100.1234567890</vUnCom>');
    expect(out).toContain('<vProd>100.00</vProd>');
  });

  test('InvoiCy-only fields are dropped but kept in the draft', async () => {
    const xml = base.replace('<ide>', '<ide><IDUnico>PED-1</IDUnico><EmailArquivos>a@b.com; c@d.com</EmailArquivos><NumeroPedido>77</NumeroPedido>');
    const d = draftOf(xml);
    expect([d.idUnico, d.numeroPedido, d.emailArquivos]).toEqual(['PED-1', '77', ['a@b.com', 'c@d.com']]);
    expect(await render(xml)).not.toMatch(/IDUnico|EmailArquivos|NumeroPedido|fusoHorario|nTipoItem/);
  });

  test('epecSummary carries the 110140 fields', () => {
    const s = epecSummary(draftOf(base));
    expect(s).toMatchObject({ tpNF: '1', vNF: expect.stringMatching(/^\d+\.\d{2}$/), vICMS: expect.any(String), vST: expect.any(String) });
    expect(s.dest?.UF).toMatch(/^[A-Z]{2}$/);
    expect(s.dest?.CNPJ ?? s.dest?.CPF).toBeDefined();
  });
});

const ICMS_ALL = { orig: '0', modBC: '3', vBC: '100.00', pICMS: '18.00', vICMS_icms: '18.00', pRedBC: '10.00', modBCST: '4', pMVAST: '40.00', pRedBCST: '10.00', vBCST: '140.00', pICMSST: '18.00', vICMSST_icms: '7.20', vBCSTRet: '10.00', pST: '18.00', vICMSSubstituto: '1.00', vICMSSTRet: '1.80', pCredSN: '2.00', vCredICMSSN: '2.00', pDif: '10.00', vICMSDif: '1.80', vICMSOp: '18.00' };

describe('tax group choice', () => {
  test.each([
    ['00', 'ICMS00'], ['10', 'ICMS10'], ['20', 'ICMS20'], ['30', 'ICMS30'], ['40', 'ICMS40'], ['41', 'ICMS40'], ['50', 'ICMS40'],
    ['51', 'ICMS51'], ['60', 'ICMS60'], ['70', 'ICMS70'], ['90', 'ICMS90'], ['101', 'ICMSSN101'], ['102', 'ICMSSN102'],
    ['103', 'ICMSSN102'], ['300', 'ICMSSN102'], ['400', 'ICMSSN102'], ['201', 'ICMSSN201'], ['202', 'ICMSSN202'],
    ['203', 'ICMSSN202'], ['500', 'ICMSSN500'], ['900', 'ICMSSN900'],
  ])('ICMS CST/CSOSN %s → %s', async (cst, group) => {
    const out = await render(replaceBlock(base, 'ICMS', tags({ ...ICMS_ALL, CST: cst })));
    expect(out).toContain(`<ICMS><${group}><orig>0</orig><${group.startsWith('ICMSSN') ? 'CSOSN' : 'CST'}>${cst}<`);
  });

  test('ICMSPart and ICMSST are chosen by their distinguishing fields', async () => {
    expect(await render(replaceBlock(base, 'ICMS', tags({ ...ICMS_ALL, CST: '10', pBCOp: '50.00', UFST: 'SP' })))).toContain('<ICMSPart>');
    expect(await render(replaceBlock(base, 'ICMS', tags({ orig: '0', CST: '41', vBCSTRet: '0.00', vICMSSTRet: '0.00', vBCSTDest: '0.00', vICMSSTDest_icms: '0.00' })))).toContain('<ICMSST>');
  });

  test.each([
    ['01', 'Aliq'], ['02', 'Aliq'], ['03', 'Qtde'], ['04', 'NT'], ['06', 'NT'], ['09', 'NT'], ['49', 'Outr'], ['99', 'Outr'],
  ])('PIS/COFINS CST %s → …%s', async (cst, kind) => {
    const pis = tags({ CST_pis: cst, vBC_pis: '100.00', pPIS: '1.65', vPIS: '1.65', qBCprod_pis: '1.0000', vAliqProd_pis: '1.6500' });
    const cofins = tags({ CST_cofins: cst, vBC_cofins: '100.00', pCOFINS: '7.60', vCOFINS: '7.60', qBCProd_cofins: '1.0000', vAliqProd_cofins: '7.6000' });
    const out = await render(replaceBlock(replaceBlock(base, 'PIS', pis), 'COFINS', cofins));
    expect(out).toContain(`<PIS><PIS${kind}><CST>${cst}</CST>`);
    expect(out).toContain(`<COFINS><COFINS${kind}><CST>${cst}</CST>`);
  });

  test.each([['50', 'IPITrib'], ['99', 'IPITrib'], ['53', 'IPINT'], ['02', 'IPINT']])('IPI CST %s → %s', async (cst, group) => {
    const ipi = `<cEnq>999</cEnq><CSTIPI>${tags({ CST_IPI: cst, vBC_IPI: '100.00', pIPI: '5.00', vIPI: '5.00' })}</CSTIPI>`;
    const out = await render(base.replace('</ICMS>', `</ICMS><IPI>${ipi}</IPI>`));
    expect(out).toContain(`<IPI><cEnq>999</cEnq><${group}><CST>${cst}</CST>`);
  });

  test('an unknown CST is a layout error on the CST field', () => {
    const r = parseNfeEnvio(replaceBlock(base, 'ICMS', tags({ orig: '0', CST: '77' })));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toContainEqual(expect.objectContaining({ path: 'Envio/det/detItem[1]/imposto/ICMS/CST', rule: 'valor não permitido', value: '77' }));
  });
});
