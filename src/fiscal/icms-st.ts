// ICMS-ST retained earlier (grupo "ICMS-ST retido": vBCSTRet, pST, vICMSSubstituto, vICMSSTRet): the
// rate the amounts imply, for a 3.10-era document that sends the amounts without pST (added in 4.00,
// NT 2016.002). pST is the rate the final consumer bore, FCP included (the layout's rule for pST), so
// the ICMS part vICMSSTRet + vICMSSubstituto over vBCSTRet plus pFCPSTRet. Pure.

export interface RetainedSt {
  vBCSTRet: string;
  vICMSSTRet: string;
  vICMSSubstituto?: string;
  pFCPSTRet?: string;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * pST with two decimal places (rates are published with at most two; the amounts were rounded to
 * cents, so further places would be rounding noise), or undefined when the amounts are not plain
 * decimals or the base is zero (no rate follows).
 */
export function retainedStRate(st: RetainedSt): string | undefined {
  const parts = [st.vBCSTRet, st.vICMSSTRet, st.vICMSSubstituto ?? '0', st.pFCPSTRet ?? '0'].map((v) => v.trim());
  if (!parts.every((v) => DECIMAL.test(v))) return undefined;
  const [base, retained, own, fcp] = parts.map(Number);
  if (base === 0) return undefined;
  const rate = ((retained + own) / base) * 100 + fcp;
  return (Math.round(rate * 100) / 100).toFixed(2);
}
