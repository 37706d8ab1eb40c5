// The gateway's pre-check of a signed NF-e/NFC-e: the same rule module the simulator applies, so a
// document SEFAZ would reject on its data alone is answered here with SEFAZ's code and text.
import type { DocModel } from '../../fiscal/document-state';
import { firstNfeRejection } from '../../fiscal/nfe-rules';
import { nfeRuleFactsOf } from '../../sefaz/nfe-rule-facts';

export function nfePrecheck(signedXml: string, at: { model: DocModel; now: Date }): { cStat: string; xMotivo: string } | undefined {
  // The endpoint is the one of the InvoiCy ModeloDocumento (NFe → 55, NFCe → 65).
  const broken = firstNfeRejection(nfeRuleFactsOf(signedXml), { now: at.now, endpointModel: at.model, nfceLateCheck: true });
  return broken && { cStat: broken.cStat, xMotivo: broken.xMotivo };
}
