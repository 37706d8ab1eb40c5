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
 * Pads a decimal to the places SEFAZ wants ("00.00" → "0.00", 1 → "1.0000" for qCom). Fixed types
 * get exactly their places; variable ones keep the ERP's places within range, padded to the maximum
 * when that is at most 4 (quantities, rates), as InvoiCy itself does. Never rounds: zeros beyond the
 * precision are dropped ("10.1200" → "10.12", the same value), any other digit there leaves the
 * value as sent, for checkValue to refuse (a fiscal amount is the ERP's to round).
 */
export function formatDecimal(value: string, [min, max]: [number, number]): string {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m || (m[1] === '' && !m[2])) return value;
  let frac = m[2] ?? '';
  if (frac.length > max) {
    if (/[^0]/.test(frac.slice(max))) return value;
    frac = frac.slice(0, max);
  }
  const int = (m[1] || '0').replace(/^0+(?=\d)/, '');
  const places = min === max || max <= 4 ? max : frac.length === 0 ? 0 : Math.max(frac.length, min);
  frac = frac.padEnd(places, '0');
  return places ? `${int}.${frac}` : int;
}

/** A plain decimal string with more than `max` places ("10.123" with 2). */
function tooManyPlaces(value: string, max: number): boolean {
  return (/^\d*\.(\d+)$/.exec(value)?.[1]?.length ?? 0) > max;
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
  if (type.dec && tooManyPlaces(value, type.dec[1])) return `no máximo ${type.dec[1]} casas decimais${type.decLabel ? `, formato ${type.decLabel}` : ''}`;
  const len = [...value].length;
  if (type.maxLen !== undefined && len > type.maxLen) return `tamanho máximo ${type.maxLen}`;
  if (type.minLen !== undefined && len < type.minLen) return `tamanho mínimo ${type.minLen}`;
  for (const p of type.patterns ?? []) {
    if (!fullMatch(p, value)) return type.decLabel ? `formato decimal ${type.decLabel}` : 'formato inválido';
  }
  return undefined;
}
