// NF-e (55) of one call travel in asynchronous lotes within SEFAZ's limits (fiscal/sefaz-limits.ts:
// ≤ 50 NF-e and ≤ 500 KB per message, measured on the message itself); an NFC-e goes on its own.
import { enviNFeSizes } from '../../sefaz/message-size';
import { limitsOf, packLotes } from '../../fiscal/sefaz-limits';
import type { DocModel } from '../../fiscal/document-state';

export function nfeLotes(model: DocModel, signedXmls: readonly string[]): number[][] | undefined {
  if (model !== '55') return undefined;
  const { fixedBytes, nfeBytes } = enviNFeSizes(signedXmls);
  return packLotes(nfeBytes, fixedBytes, limitsOf('NFeAutorizacao4'));
}
