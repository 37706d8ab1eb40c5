// The NF-e/NFC-e 4.00 layout definition (layouts/nfe-nfce-4.00.json).
import { isGroup, loadLayout, type LayoutDefinition, type SElement, type SParticle } from '../definition';

export function nfeLayout(): LayoutDefinition {
  return loadLayout('nfe-nfce-4.00.json');
}

/** The SEFAZ element at a path of infNFe (["total", "ICMSTot", "vNF"]), through sequences and choices. */
export function sefazElement(path: readonly string[]): SElement | undefined {
  let cur: SElement | undefined = nfeLayout().sefaz;
  const find = (ps: SParticle[], n: string): SElement | undefined => {
    for (const p of ps) {
      const hit = isGroup(p) ? find(p.items, n) : p.name === n ? p : undefined;
      if (hit) return hit;
    }
    return undefined;
  };
  for (const seg of path) cur = cur && find(cur.content ?? [], seg);
  return cur;
}
