// The focus transition's re-issue of a CT-e (contingency-and-numbering.md §7.4): the same draft under
// the reserved série and without number, so the série's sequence allocates one.
import { treeWithSerie, type CteDraft } from '../../layout';

export function cteWithSerie(draft: CteDraft, serie: number): CteDraft {
  return { ...draft, serie: String(serie), nCT: undefined, tree: treeWithSerie(draft.tree, serie, 'nCT') };
}
