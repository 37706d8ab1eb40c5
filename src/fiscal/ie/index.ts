// Inscrição Estadual check digits per UF: the algorithms each SEFAZ publishes (the Sintegra
// "conferência de inscrições estaduais" pages), one entry per UF. Neither npm candidate fitted:
// br-validations 0.3.1 rejects every 9-digit MT and TO IE, inscricaoestadual 0.0.5 MT's 11-digit and
// PE's 14-digit forms. Checked once against the 10,326 known-valid IEs (27 UFs) of the latter's tests.

type Check = (ie: string) => boolean;

/** Σ digit × weight, the weights aligned from the left. */
function weighted(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * weights[i];
  return sum;
}

/** Weights n..2 for the first n − 1 digits (the usual "9 8 7 6 5 4 3 2"). */
function descending(from: number): number[] {
  return Array.from({ length: from - 1 }, (_, i) => from - i);
}

/** Weights 2..9 repeating from the right, as for CNPJ. */
function cyclic(length: number): number[] {
  return Array.from({ length }, (_, i) => 2 + ((length - 1 - i) % 8));
}

/** 11 − remainder, with remainders 0 and 1 giving 0 (the most common rule). */
function mod11(sum: number): number {
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}



function digitAt(ie: string, i: number): number {
  return Number(ie[i]);
}

/** n digits, the last one the módulo 11 of the others with weights n..2. */
function simple(length: number, prefix?: RegExp): Check {
  return (ie) => ie.length === length && (!prefix || prefix.test(ie)) &&
    mod11(weighted(ie, descending(length))) === digitAt(ie, length - 1);
}

/** Two trailing digits, each the módulo 11 (weights 2..9 from the right) of everything before it. */
function twoCyclic(length: number, prefix: RegExp): Check {
  return (ie) => {
    if (ie.length !== length || !prefix.test(ie)) return false;
    const d1 = mod11(weighted(ie, cyclic(length - 2)));
    const d2 = mod11(weighted(ie.slice(0, length - 2) + String(d1), cyclic(length - 1)));
    return ie.endsWith(`${d1}${d2}`);
  };
}

function ap(ie: string): boolean {
  if (ie.length !== 9 || !ie.startsWith('03')) return false;
  const n = Number(ie.slice(0, 8));
  const [p, d] = n <= 3017000 ? [5, 0] : n <= 3019022 ? [9, 1] : [0, 0];
  const dv = 11 - ((p + weighted(ie, descending(9))) % 11);
  return (dv === 10 ? 0 : dv === 11 ? d : dv) === digitAt(ie, 8);
}

function am(ie: string): boolean {
  if (ie.length !== 9) return false;
  const sum = weighted(ie, descending(9));
  const dv = sum < 11 ? 11 - sum : mod11(sum);
  return dv === digitAt(ie, 8);
}

function al(ie: string): boolean {
  if (ie.length !== 9 || !ie.startsWith('24')) return false;
  const dv = (weighted(ie, descending(9)) * 10) % 11;
  return (dv === 10 ? 0 : dv) === digitAt(ie, 8);
}

/** BA: 8 or 9 digits, the second check digit computed first; módulo 10 or 11 by the leading digit. */
function ba(ie: string): boolean {
  if (ie.length !== 8 && ie.length !== 9) return false;
  const lead = ie.length === 8 ? ie[0] : ie[1];
  const modulus = '0123458'.includes(lead) ? 10 : 11;
  const dvOf = (sum: number) => {
    const r = sum % modulus;
    return modulus === 10 ? (r === 0 ? 0 : 10 - r) : (r < 2 ? 0 : 11 - r);
  };
  const base = ie.slice(0, ie.length - 2);
  const d2 = dvOf(weighted(base, descending(base.length + 1)));
  const d1 = dvOf(weighted(base + String(d2), descending(base.length + 2)));
  return ie.endsWith(`${d1}${d2}`);
}

function go(ie: string): boolean {
  if (ie.length !== 9 || !/^(1[015]|2\d)/.test(ie)) return false;
  const base = Number(ie.slice(0, 8));
  const r = weighted(ie, descending(9)) % 11;
  const dv = r === 0 ? 0 : r === 1 ? (base >= 10103105 && base <= 10119997 ? 1 : 0) : 11 - r;
  return dv === digitAt(ie, 8) || (base === 11094402 && ['0', '1'].includes(ie[8]));
}

function ms(ie: string): boolean {
  if (ie.length !== 9 || !/^(28|50)/.test(ie)) return false;
  const r = weighted(ie, descending(9)) % 11;
  const t = r === 0 ? 0 : 11 - r;
  return (t > 9 ? 0 : t) === digitAt(ie, 8);
}

/** MT: 11 digits, shorter IEs zero-padded on the left. */
function mt(ie: string): boolean {
  if (ie.length > 11 || ie.length < 9) return false;
  const padded = ie.padStart(11, '0');
  return mod11(weighted(padded, [3, 2, 9, 8, 7, 6, 5, 4, 3, 2])) === digitAt(padded, 10);
}

/** MG: 13 digits; the first check digit sums the digits of alternate ×1/×2 products over the
 * municipality code, a 0 and the order number; the second is módulo 11 with MG's weights. */
function mg(ie: string): boolean {
  if (ie.length !== 13) return false;
  const expanded = `${ie.slice(0, 3)}0${ie.slice(3, 11)}`;
  let sum = 0;
  for (let i = 0; i < expanded.length; i++) {
    for (const c of String(digitAt(expanded, i) * (i % 2 === 0 ? 1 : 2))) sum += Number(c);
  }
  const d1 = (10 - (sum % 10)) % 10;
  const d2 = mod11(weighted(ie.slice(0, 11) + String(d1), [3, 2, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]));
  return ie.endsWith(`${d1}${d2}`);
}

function pr(ie: string): boolean {
  if (ie.length !== 10) return false;
  const d1 = mod11(weighted(ie, [3, 2, 7, 6, 5, 4, 3, 2]));
  const d2 = mod11(weighted(ie.slice(0, 8) + String(d1), [4, 3, 2, 7, 6, 5, 4, 3, 2]));
  return ie.endsWith(`${d1}${d2}`);
}

/** PE: eFisco's 9 digits (two módulo 11 digits), or the older 14-digit CACEPE number. */
function pe(ie: string): boolean {
  if (ie.length === 9) {
    const d1 = mod11(weighted(ie, descending(8)));
    const d2 = mod11(weighted(ie.slice(0, 7) + String(d1), descending(9)));
    return ie.endsWith(`${d1}${d2}`);
  }
  if (ie.length !== 14) return false;
  const dv = 11 - (weighted(ie, [5, 4, 3, 2, 1, 9, 8, 7, 6, 5, 4, 3, 2]) % 11);
  return (dv > 9 ? dv - 10 : dv) === digitAt(ie, 13);
}

function rj(ie: string): boolean {
  return ie.length === 8 && mod11(weighted(ie, [2, 7, 6, 5, 4, 3, 2])) === digitAt(ie, 7);
}

function rn(ie: string): boolean {
  if ((ie.length !== 9 && ie.length !== 10) || !ie.startsWith('20')) return false;
  const dv = (weighted(ie, descending(ie.length)) * 10) % 11;
  return (dv === 10 ? 0 : dv) === digitAt(ie, ie.length - 1);
}

/** RO: 14 digits since 2000, or the older 9 (municipality code + 5 digits + DV). */
function ro(ie: string): boolean {
  const dvOf = (sum: number) => {
    const dv = 11 - (sum % 11);
    return dv > 9 ? dv - 10 : dv;
  };
  if (ie.length === 14) return dvOf(weighted(ie, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])) === digitAt(ie, 13);
  if (ie.length !== 9) return false;
  return dvOf(weighted(ie.slice(3), [6, 5, 4, 3, 2])) === digitAt(ie, 8);
}

function rs(ie: string): boolean {
  return ie.length === 10 && mod11(weighted(ie, [2, 9, 8, 7, 6, 5, 4, 3, 2])) === digitAt(ie, 9);
}

function rr(ie: string): boolean {
  return ie.length === 9 && ie.startsWith('24') && weighted(ie, [1, 2, 3, 4, 5, 6, 7, 8]) % 9 === digitAt(ie, 8);
}

/** SP: 12 digits with check digits at positions 9 and 12 (the last digit of the remainder), or the
 * produtor rural's "P" + 8 digits + DV + 3 digits. */
function sp(ie: string): boolean {
  const dvOf = (sum: number) => (sum % 11) % 10;
  if (/^P\d{12}$/.test(ie)) return dvOf(weighted(ie.slice(1), [1, 3, 4, 5, 6, 7, 8, 10])) === Number(ie[9]);
  if (!/^\d{12}$/.test(ie)) return false;
  const d1 = dvOf(weighted(ie, [1, 3, 4, 5, 6, 7, 8, 10]));
  const d2 = dvOf(weighted(ie, [3, 2, 10, 9, 8, 7, 6, 5, 4, 3, 2]));
  return d1 === digitAt(ie, 8) && d2 === digitAt(ie, 11);
}

/** TO: 9 digits today; the older 11 carry a type (01, 02, 03, 99) at positions 3–4, left out of the DV. */
function to(ie: string): boolean {
  if (ie.length === 9) return simple(9)(ie);
  if (ie.length !== 11 || !['01', '02', '03', '99'].includes(ie.slice(2, 4))) return false;
  const base = ie.slice(0, 2) + ie.slice(4, 10);
  return mod11(weighted(base, descending(9))) === digitAt(ie, 10);
}

const CHECKS: Readonly<Record<string, Check>> = {
  AC: twoCyclic(13, /^01/),
  AL: al,
  AM: am,
  AP: ap,
  BA: ba,
  CE: simple(9),
  DF: twoCyclic(13, /^07/),
  ES: simple(9),
  GO: go,
  MA: simple(9, /^12/),
  MG: mg,
  MS: ms,
  MT: mt,
  PA: simple(9, /^15/),
  PB: simple(9),
  PE: pe,
  PI: simple(9),
  PR: pr,
  RJ: rj,
  RN: rn,
  RO: ro,
  RR: rr,
  RS: rs,
  SC: simple(9),
  SE: simple(9),
  SP: sp,
  TO: to,
};

/**
 * Whether an IE (digits, punctuation ignored; SP's produtor rural with its leading "P") has valid
 * check digits for the UF. "ISENTO" is not an IE: the caller decides where SEFAZ allows it.
 */
export function isValidIe(ie: string, uf: string): boolean {
  const check = CHECKS[uf];
  const clean = ie.toUpperCase().replace(/[.\-/\s]/g, '');
  if (!check || !/^P?\d+$/.test(clean) || /^0+$/.test(clean)) return false;
  return check(clean);
}
