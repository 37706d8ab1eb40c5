import { retainedStRate } from '../../src/fiscal/icms-st';

describe('retainedStRate (pST of an ICMS-ST retido group sent without it)', () => {
  test.each([
    ['the ICMS part', { vBCSTRet: '100.00', vICMSSTRet: '17.00' }, '17.00'],
    ['own ICMS of the substitute added back', { vBCSTRet: '100.00', vICMSSTRet: '11.00', vICMSSubstituto: '7.00' }, '18.00'],
    ['FCP included', { vBCSTRet: '200.00', vICMSSTRet: '36.00', pFCPSTRet: '2.0000' }, '20.00'],
    ['cents rounding noise dropped', { vBCSTRet: '33.33', vICMSSTRet: '6.00' }, '18.00'],
    ['a zero base: no rate', { vBCSTRet: '0.00', vICMSSTRet: '0.00' }, undefined],
    ['an amount that is not a decimal', { vBCSTRet: '1,00', vICMSSTRet: '0.17' }, undefined],
  ])('%s', (_name, st, pST) => {
    expect(retainedStRate(st)).toBe(pST);
  });
});
