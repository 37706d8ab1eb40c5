// The idLote of an enviNFe or envEvento.

/** Random 15-digit lote id (SEFAZ only requires it numeric). */
export function newIdLote(): string {
  return String(Date.now()).slice(-12) + String(Math.floor(Math.random() * 1000)).padStart(3, '0');
}
