// Chave de acesso (44 characters) and cNF rules (sefaz-nfe.md §4).
import { randomInt } from 'node:crypto';
import { modulo11 } from './cnpj';

export interface ChaveParts {
  cUF: string;    // 2 digits
  aamm: string;   // 4 digits, from dhEmi
  cnpj: string;   // 14 characters (CPF left-padded); alphanumeric CNPJ allowed
  mod: string;    // 2 digits
  serie: string | number;
  nNF: string | number;
  tpEmis: string | number;
  cNF: string;    // 8 digits
}

/** cDV: módulo 11 over the 43 characters (sefaz-nfe.md §4.1). */
export function chaveDv(chave43: string): string {
  return String(modulo11(chave43));
}

export function buildChave(p: ChaveParts): string {
  const base =
    p.cUF.padStart(2, '0') + p.aamm + p.cnpj.padStart(14, '0') + p.mod.padStart(2, '0') +
    String(p.serie).padStart(3, '0') + String(p.nNF).padStart(9, '0') + String(p.tpEmis) +
    p.cNF.padStart(8, '0');
  if (base.length !== 43) throw new Error(`chave com tamanho inválido: ${base}`);
  return base + chaveDv(base);
}

export interface ParsedChave {
  cUF: string; aamm: string; cnpj: string; mod: string; serie: number; nNF: number;
  tpEmis: string; cNF: string; cDV: string;
}

const CHAVE_RE = /^[0-9]{6}[0-9A-Z]{12}[0-9]{26}$/;

export function isChaveFormat(chave: string): boolean {
  return CHAVE_RE.test(chave);
}

export function isValidChave(chave: string): boolean {
  return isChaveFormat(chave) && chaveDv(chave.slice(0, 43)) === chave[43];
}

export function parseChave(chave: string): ParsedChave {
  if (!isChaveFormat(chave)) throw new Error(`chave de acesso inválida: ${chave}`);
  return {
    cUF: chave.slice(0, 2), aamm: chave.slice(2, 6), cnpj: chave.slice(6, 20), mod: chave.slice(20, 22),
    serie: Number(chave.slice(22, 25)), nNF: Number(chave.slice(25, 34)), tpEmis: chave.slice(34, 35),
    cNF: chave.slice(35, 43), cDV: chave.slice(43),
  };
}

const FORBIDDEN_CNF = new Set([
  '00000000', '11111111', '22222222', '33333333', '44444444', '55555555', '66666666', '77777777',
  '88888888', '99999999', '12345678', '23456789', '34567890', '45678901', '56789012', '67890123',
  '78901234', '89012345', '90123456', '01234567',
]);

/** SEFAZ rule 897: cNF not in the forbidden list and different from nNF. */
export function isAcceptableCnf(cNF: string, nNF: string | number): boolean {
  const padded = cNF.padStart(8, '0');
  return /^\d{8}$/.test(padded) && !FORBIDDEN_CNF.has(padded) && Number(padded) !== Number(nNF);
}

export function randomCnf(nNF: string | number): string {
  for (;;) {
    const c = String(randomInt(0, 100_000_000)).padStart(8, '0');
    if (isAcceptableCnf(c, nNF)) return c;
  }
}
