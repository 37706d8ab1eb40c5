// The focus transition's re-issue of an NF-e/NFC-e (contingency-and-numbering.md §7.4): the same
// draft under the reserved série and without number, so the série's sequence allocates one.
import { treeWithSerie, type NfeDraft } from '../../layout';

export function nfeWithSerie(draft: NfeDraft, serie: number): NfeDraft {
  // An ERP-made QR code belongs to the original key: the gateway builds the new one.
  const infSuplem = draft.infSuplem?.urlChave ? { urlChave: draft.infSuplem.urlChave } : undefined;
  return { ...draft, serie: String(serie), nNF: undefined, infSuplem, tree: treeWithSerie(draft.tree, serie, 'nNF') };
}
