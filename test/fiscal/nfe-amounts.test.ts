// ICMSTot computed from the items and the first divergent total (src/fiscal/nfe-amounts.ts), table-driven.
import {
  computeIcmsTot, divergenceText, fromCents, toCents, totalsDivergence, type IcmsTot, type ItemAmounts, type NfeAmounts,
} from '../../src/fiscal/nfe-amounts';

const item = (o: ItemAmounts = {}): ItemAmounts => ({ indTot: '1', cfop: '5102', vProd: '100.00', ...o });
const doc = (items: ItemAmounts[], o: Partial<NfeAmounts> = {}): NfeAmounts => ({ mod: '55', items, ...o });

describe('cents', () => {
  test.each([
    ['0', 0n], ['0.1', 10n], ['12.30', 1230n], ['.5', 50n], ['1234567890123.45', 123456789012345n], ['-1.05', -105n],
    ['', 0n], [undefined, 0n], ['abc', 0n], ['.', 0n],
  ])('%p → %p', (v, c) => expect(toCents(v)).toBe(c));

  test.each([[0n, '0.00'], [5n, '0.05'], [1230n, '12.30'], [-105n, '-1.05'], [123456789012345n, '1234567890123.45']])('%p → %s', (c, v) => {
    expect(fromCents(c)).toBe(v);
  });

  test('a sum of many amounts with no exact binary form stays exact (0.10 × 3 + 0.20 × 7)', () => {
    const items = [...Array<string>(3).fill('0.10'), ...Array<string>(7).fill('0.20')].map((v) => item({ vProd: v }));
    expect(computeIcmsTot(doc(items)).vProd).toBe('1.70');
  });
});

describe('computeIcmsTot', () => {
  const zero: IcmsTot = {
    vBC: '0.00', vICMS: '0.00', vICMSDeson: '0.00', vFCP: '0.00', vBCST: '0.00', vST: '0.00', vFCPST: '0.00', vFCPSTRet: '0.00',
    vProd: '0.00', vFrete: '0.00', vSeg: '0.00', vDesc: '0.00', vII: '0.00', vIPI: '0.00', vIPIDevol: '0.00', vPIS: '0.00',
    vCOFINS: '0.00', vOutro: '0.00', vNF: '0.00', vTotTrib: '0.00',
  };
  test.each<[string, NfeAmounts, Partial<IcmsTot>]>([
    ['no items', doc([]), {}],
    ['one plain item', doc([item()]), { vProd: '100.00', vNF: '100.00' }],
    ['ICMS, ST and FCP summed per field', doc([
      item({ vBC: '100.00', vICMS: '18.00', vFCP: '2.00', vBCST: '150.00', vICMSST: '9.00', vFCPST: '1.50', vFCPSTRet: '0.70' }),
      item({ vProd: '50.00', vBC: '50.00', vICMS: '9.00' }),
    ]), { vBC: '150.00', vICMS: '27.00', vFCP: '2.00', vBCST: '150.00', vST: '9.00', vFCPST: '1.50', vFCPSTRet: '0.70', vProd: '150.00', vNF: '160.50' }],
    ['frete, seguro, outras, desconto, II, IPI, IPI devolvido into vNF', doc([
      item({ vFrete: '10.00', vSeg: '2.00', vOutro: '3.00', vDesc: '5.00', vII: '7.00', vIPI: '4.00', vIPIDevol: '1.00' }),
    ]), { vProd: '100.00', vFrete: '10.00', vSeg: '2.00', vOutro: '3.00', vDesc: '5.00', vII: '7.00', vIPI: '4.00', vIPIDevol: '1.00', vNF: '122.00' }],
    ['indTot 0: vProd out of vProd and vNF, its ICMS and frete still counted', doc([
      item(), item({ indTot: '0', vProd: '40.00', vBC: '40.00', vICMS: '4.80', vFrete: '1.00' }),
    ]), { vProd: '100.00', vBC: '40.00', vICMS: '4.80', vFrete: '1.00', vNF: '101.00' }],
    ['ICMS desonerado: in vICMSDeson, deducted from vNF only where indDeduzDeson is 1', doc([
      item({ vICMSDeson: '12.00', indDeduzDeson: '1' }), item({ vICMSDeson: '3.00' }),
    ]), { vICMSDeson: '15.00', vProd: '200.00', vNF: '188.00' }],
    ['PIS/COFINS, and PIS-ST/COFINS-ST into vNF only with indSoma 1', doc([
      item({ vPIS: '1.65', vCOFINS: '7.60', vPISST: '0.50', indSomaPISST: '1', vCOFINSST: '2.00', indSomaCOFINSST: '0' }),
    ]), { vPIS: '1.65', vCOFINS: '7.60', vProd: '100.00', vNF: '100.50' }],
    ['a service item: not in vProd, vPIS or vCOFINS; vServ into vNF', doc([
      item(), item({ service: true, vProd: '30.00', vPIS: '0.20', vCOFINS: '0.90' }),
    ], { vServ: '30.00' }), { vProd: '100.00', vNF: '130.00' }],
    ['ICMS monofásico retido into vNF', doc([item({ vICMSMonoReten: '8.25' })]), { vProd: '100.00', vNF: '108.25' }],
    ['faturamento direto de veículos (tpOp 2): ST out of vNF', doc([
      item({ tpOp: '2', vBCST: '100.00', vICMSST: '12.00', vFCPST: '2.00' }),
    ]), { vBCST: '100.00', vST: '12.00', vFCPST: '2.00', vProd: '100.00', vNF: '100.00' }],
    ['vTotTrib', doc([item({ vTotTrib: '13.45' }), item({ vTotTrib: '1.00' })]), { vProd: '200.00', vNF: '200.00', vTotTrib: '14.45' }],
  ])('%s', (_name, amounts, expected) => {
    expect(computeIcmsTot(amounts)).toEqual({ ...zero, ...expected });
  });
});

describe('totalsDivergence', () => {
  const items = [item({ vBC: '100.00', vICMS: '18.00', vFrete: '10.00', vICMSDeson: '5.00', indDeduzDeson: '1' })];
  const right = computeIcmsTot(doc(items));

  test('the computed totals, all given, pass', () => {
    expect(right.vNF).toBe('105.00');
    expect(totalsDivergence(doc(items), right)).toBeUndefined();
  });

  test('totals not given are not checked', () => {
    expect(totalsDivergence(doc(items), {})).toBeUndefined();
    expect(totalsDivergence(doc(items), { vNF: '105.00', vICMSDeson: '' })).toBeUndefined();
  });

  test.each<[string, Partial<IcmsTot>, [string, string, string, string]]>([
    ['vBC', { vBC: '99.99' }, ['531', 'vBC', '100.00', '99.99']],
    ['vICMS', { vICMS: '18.01' }, ['532', 'vICMS', '18.00', '18.01']],
    ['vICMSDeson', { vICMSDeson: '0.00' }, ['795', 'vICMSDeson', '5.00', '0.00']],
    ['vFCP', { vFCP: '1.00' }, ['861', 'vFCP', '0.00', '1.00']],
    ['vBCST', { vBCST: '1.00' }, ['533', 'vBCST', '0.00', '1.00']],
    ['vST', { vST: '1.00' }, ['534', 'vST', '0.00', '1.00']],
    ['vFCPST', { vFCPST: '1.00' }, ['862', 'vFCPST', '0.00', '1.00']],
    ['vFCPSTRet', { vFCPSTRet: '1.00' }, ['859', 'vFCPSTRet', '0.00', '1.00']],
    ['vProd', { vProd: '90.00' }, ['564', 'vProd', '100.00', '90.00']],
    ['vFrete', { vFrete: '0' }, ['535', 'vFrete', '10.00', '0.00']],
    ['vSeg', { vSeg: '1.00' }, ['536', 'vSeg', '0.00', '1.00']],
    ['vDesc', { vDesc: '1.00' }, ['537', 'vDesc', '0.00', '1.00']],
    ['vII', { vII: '1.00' }, ['601', 'vII', '0.00', '1.00']],
    ['vIPI', { vIPI: '1.00' }, ['538', 'vIPI', '0.00', '1.00']],
    ['vIPIDevol', { vIPIDevol: '1.00' }, ['863', 'vIPIDevol', '0.00', '1.00']],
    ['vPIS', { vPIS: '1.00' }, ['602', 'vPIS', '0.00', '1.00']],
    ['vCOFINS', { vCOFINS: '1.00' }, ['603', 'vCOFINS', '0.00', '1.00']],
    ['vOutro', { vOutro: '1.00' }, ['604', 'vOutro', '0.00', '1.00']],
    ['vNF', { vNF: '100.00' }, ['610', 'vNF', '105.00', '100.00']],
    ['vTotTrib', { vTotTrib: '1.00' }, ['685', 'vTotTrib', '0.00', '1.00']],
  ])('%s differs → its cStat, expected and given', (_f, wrong, [cStat, field, expected, given]) => {
    expect(totalsDivergence(doc(items), { ...right, ...wrong })).toMatchObject({ cStat, field, expected, given });
  });

  test('the first divergence in SEFAZ order wins (vBC before vProd before vNF)', () => {
    const d = totalsDivergence(doc(items), { ...right, vNF: '1.00', vProd: '1.00', vBC: '1.00' });
    expect(d).toEqual({ cStat: '531', xMotivo: 'Rejeição: Total da BC ICMS difere do somatório dos itens', field: 'vBC', expected: '100.00', given: '1.00' });
  });

  test.each([
    ['desonerado deducted as indDeduzDeson says', '105.00'],
    ['no desonerado deducted (NT 2013/005 exceção 3)', '110.00'],
    ['all desonerado deducted (the MOC formula)', '105.00'],
  ])('vNF accepted with %s', (_n, vNF) => {
    expect(totalsDivergence(doc(items), { ...right, vNF })).toBeUndefined();
  });

  test('vNF with all desonerado deducted when the items do not say indDeduzDeson', () => {
    const plain = [item({ vICMSDeson: '5.00' })];
    expect(computeIcmsTot(doc(plain)).vNF).toBe('100.00');
    expect(totalsDivergence(doc(plain), { vNF: '95.00' })).toBeUndefined();
    expect(totalsDivergence(doc(plain), { vNF: '96.00' })).toMatchObject({ cStat: '610', expected: '100.00' });
  });

  test('an import (CFOP 3xxx) is not checked on vNF, its other totals are', () => {
    const imported = [item({ cfop: '3102', vII: '10.00' })];
    expect(totalsDivergence(doc(imported), { vNF: '1.00', vII: '10.00' })).toBeUndefined();
    expect(totalsDivergence(doc(imported), { vII: '1.00' })).toMatchObject({ cStat: '601' });
  });

  test('862, 859 and 863 bind the NF-e only (NT 2016.002: modelo 55)', () => {
    expect(totalsDivergence(doc([item()], { mod: '65' }), { vFCPST: '1.00', vFCPSTRet: '1.00', vIPIDevol: '1.00' })).toBeUndefined();
  });

  test('amounts equal as numbers, written differently, are equal', () => {
    expect(totalsDivergence(doc([item({ vProd: '100.5' })]), { vProd: '100.50', vNF: '100.500' })).toBeUndefined();
  });

  test('the gateway text names the field, the given and the expected value', () => {
    const d = totalsDivergence(doc(items), { ...right, vNF: '100.00' })!;
    expect(divergenceText(d)).toBe(
      'Rejeição: Total da NF difere do somatório dos Valores compõe o valor Total da NF. [vNF informado 100.00, calculado a partir dos itens 105.00]',
    );
  });
});
