// CNPJ validation, numeric and the alphanumeric format of NT Conjunta 2025.001 (12 characters
// [0-9A-Z] + 2 numeric check digits).

const CNPJ_RE = /^[0-9A-Z]{12}[0-9]{2}$/;

/**
 * Módulo 11 with weights 2..9 repeating from the right, each character valued as its char code
 * minus 48 (digits as themselves, letters of the alphanumeric CNPJ from 17); remainders 0 and 1
 * give 0. The same rule yields the CNPJ check digits and the cDV of the chave de acesso.
 */
export function modulo11(chars: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = chars.length - 1; i >= 0; i--) {
    sum += (chars.charCodeAt(i) - 48) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}

/** Removes the usual punctuation (./-) and upper-cases; does not validate. */
export function normalizeCnpj(input: string): string {
  return input.replace(/[.\-/\s]/g, '').toUpperCase();
}

export function isValidCnpj(input: string): boolean {
  const cnpj = normalizeCnpj(input);
  if (!CNPJ_RE.test(cnpj)) return false;
  if (/^(\d)\1{13}$/.test(cnpj)) return false;
  const d1 = modulo11(cnpj.slice(0, 12));
  const d2 = modulo11(cnpj.slice(0, 12) + d1);
  return cnpj.endsWith(`${d1}${d2}`);
}

/** Completes 12 base characters with their two check digits (used by tests and the simulator). */
export function withCnpjCheckDigits(base12: string): string {
  const d1 = modulo11(base12);
  return `${base12}${d1}${modulo11(base12 + d1)}`;
}

/** CNPJ root (first 8 characters): what SEFAZ compares between certificate and emitter. */
export function cnpjRoot(cnpj: string): string {
  return normalizeCnpj(cnpj).slice(0, 8);
}

export function isValidCpf(input: string): boolean {
  const cpf = input.replace(/\D/g, '');
  if (!/^\d{11}$/.test(cpf) || /^(\d)\1{10}$/.test(cpf)) return false;
  const dv = (len: number) => {
    let sum = 0;
    for (let i = 0; i < len; i++) sum += Number(cpf[i]) * (len + 1 - i);
    const r = (sum * 10) % 11;
    return r === 10 ? 0 : r;
  };
  return dv(9) === Number(cpf[9]) && dv(10) === Number(cpf[10]);
}
