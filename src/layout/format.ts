// Value normalisation and checks against the SEFAZ simple types of the layout definition (pure).
import type { SType } from './definition';

const regexCache = new Map<string, RegExp>();
function fullMatch(pattern: string, value: string): boolean {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`);
    regexCache.set(pattern, re);
  }
  return re.test(value);
}

/**
 * Rounds/pads a decimal to the places SEFAZ wants ("00.00" → "0.00", 1 → "1.0000" for qCom).
 * Fixed types get exactly their places; variable ones keep the ERP's places within range, padded
 * to the maximum when that is at most 4 (quantities, rates), as InvoiCy itself does.
 */
export function formatDecimal(value: string, [min, max]: [number, number]): string {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m || (m[1] === '' && !m[2])) return value;
  let int = m[1] || '0';
  let frac = m[2] ?? '';
  if (frac.length > max) {
    // Half-up rounding on the digit string: no binary floating point near fiscal values.
    const scaled = BigInt(int + frac.slice(0, max)) + (Number(frac[max]) >= 5 ? 1n : 0n);
    const digits = scaled.toString().padStart(max + 1, '0');
    int = digits.slice(0, digits.length - max);
    frac = digits.slice(digits.length - max);
  }
  int = int.replace(/^0+(?=\d)/, '');
  const places = min === max || max <= 4 ? max : frac.length === 0 ? 0 : Math.max(frac.length, min);
  frac = frac.padEnd(places, '0');
  return places ? `${int}.${frac}` : int;
}

/** Trims, collapses internal whitespace runs and formats decimals. */
export function normalizeValue(raw: string, type: SType | undefined): string {
  const v = raw.trim().replace(/\s+/g, ' ');
  return type?.dec ? formatDecimal(v, type.dec) : v;
}

/** The rule a (normalised) value breaks, or undefined when it is acceptable. */
export function checkValue(value: string, type: SType | undefined): string | undefined {
  if (!type) return undefined;
  if (type.enum && !type.enum.includes(value)) return 'valor não permitido';
  const len = [...value].length;
  if (type.maxLen !== undefined && len > type.maxLen) return `tamanho máximo ${type.maxLen}`;
  if (type.minLen !== undefined && len < type.minLen) return `tamanho mínimo ${type.minLen}`;
  for (const p of type.patterns ?? []) {
    if (!fullMatch(p, value)) return type.decLabel ? `formato decimal ${type.decLabel}` : 'formato inválido';
  }
  return undefined;
}
