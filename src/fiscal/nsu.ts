// NSU (Número Sequencial Único) of the DF-e distribution (dfe-distribution.md §2, §5): `TNSU` is
// exactly 15 digits on the wire — an unpadded NSU is a schema rejection (215) — and NSUs are
// compared as numbers by the Ambiente Nacional.

const NSU_DIGITS = 15;

/** The NSU as the wire writes it: 15 digits, zero-padded; throws on anything that is not 1–15 digits. */
export function padNsu(nsu: string | number): string {
  const text = String(nsu);
  if (!/^\d{1,15}$/.test(text)) throw new Error(`NSU inválido: ${text} (até ${NSU_DIGITS} dígitos)`);
  return text.padStart(NSU_DIGITS, '0');
}

/** TNSU: exactly 15 digits. */
export function isNsu(text: string): boolean {
  return /^\d{15}$/.test(text);
}
