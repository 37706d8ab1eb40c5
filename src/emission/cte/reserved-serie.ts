// The focus transition's re-issue of a CT-e (contingency-and-numbering.md §7.4): the same draft under
// the reserved série and without number, so the série's sequence allocates one.
import type { CteDraft } from '../../layout';

export function cteWithSerie(draft: CteDraft, serie: number): CteDraft {
  const tree = draft.tree;
  const ide = tree.groups.get('ide')?.[0];
  if (!ide) throw new Error('rascunho sem grupo ide');
  const src = ide.fields.get('serie')?.[0]?.src ?? `${ide.src}/serie`;
  const fields = new Map(ide.fields).set('serie', [{ value: String(serie), src }]);
  fields.delete('nCT');
  const groups = new Map(tree.groups).set('ide', [{ ...ide, fields }]);
  return { ...draft, serie: String(serie), nCT: undefined, tree: { ...tree, groups } };
}
