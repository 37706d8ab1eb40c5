// Latitude and longitude of the comprovante de entrega (XSD TLatitude/TLongitude): exactly 6 decimals,
// within ±90 / ±180. InvoiCy rounds what the ERP sends (-27.86882359 → -27.868824, invoicy-contract §11.3).

const DECIMAL = /^(-?)(\d{1,3})(?:\.(\d+))?$/;
const SCALE = 1_000_000n;

/** The coordinate rounded half away from zero to 6 decimals, or undefined when it is no number in ±limit. */
export function formatCoordinate(text: string, limit: 90 | 180): string | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m) return undefined;
  const [, sign, whole, fraction = ''] = m;
  const digits = fraction.padEnd(7, '0');
  // Integer arithmetic on the decimal text: no binary rounding surprises.
  let micro = BigInt(whole) * SCALE + BigInt(digits.slice(0, 6));
  if (Number(digits[6]) >= 5) micro += 1n;
  if (micro > BigInt(limit) * SCALE) return undefined;
  const body = `${micro / SCALE}.${String(micro % SCALE).padStart(6, '0')}`;
  return sign && micro !== 0n ? `-${body}` : body;
}
