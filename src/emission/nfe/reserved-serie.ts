// The focus transition's re-issue of an NF-e/NFC-e (contingency-and-numbering.md §7.4): the same
// draft under the reserved série and without number, so the série's sequence allocates one.
import type { NfeDraft } from '../../layout';

export function nfeWithSerie(draft: NfeDraft, serie: number): NfeDraft {
  const tree = draft.tree;
  const ide = tree.groups.get('ide')?.[0];
  if (!ide) throw new Error('rascunho sem grupo ide');
  const src = ide.fields.get('serie')?.[0]?.src ?? `${ide.src}/serie`;
  const fields = new Map(ide.fields).set('serie', [{ value: String(serie), src }]);
  fields.delete('nNF');
  const groups = new Map(tree.groups).set('ide', [{ ...ide, fields }]);
  // An ERP-made QR code belongs to the original key: the gateway builds the new one.
  return { ...draft, serie: String(serie), nNF: undefined, infSuplem: draft.infSuplem?.urlChave ? { urlChave: draft.infSuplem.urlChave } : undefined, tree: { ...tree, groups } };
}
