// The NF-e/NFC-e 4.00 layout definition (layouts/nfe-nfce-4.00.json).
import { loadLayout, type LayoutDefinition } from '../definition';

export function nfeLayout(): LayoutDefinition {
  return loadLayout('nfe-nfce-4.00.json');
}
