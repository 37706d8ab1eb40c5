// The CT-e 4.00 layout definition (layouts/cte-4.00.json).
import { loadLayout, type LayoutDefinition } from '../definition';

export function cteLayout(): LayoutDefinition {
  return loadLayout('cte-4.00.json');
}
