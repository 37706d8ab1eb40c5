// pag left out by the ERP. An NF-e of ajuste or devolução (finNFe 3/4) has no payment: the layout
// asks for tPag 90 "Sem pagamento" there (SEFAZ refuses any other, 871) with vPag 0 (a value with 90
// is refused, 904), so the gateway writes it. Any other document must say how it was paid.
import { layoutError } from '../errors';
import { firstGroup as group, firstValue as first, newNode } from '../tree';
import type { LayoutError, LayoutNode } from '../types';

const SEM_PAGAMENTO = '90';

/** Adds the "Sem pagamento" pag where the layout allows it, else reports the missing group. */
export function completePayment(tree: LayoutNode, modelo: string | undefined, errors: LayoutError[]): void {
  if (group(tree, 'pag')) return;
  const finNFe = first(group(tree, 'ide'), 'finNFe');
  if (modelo === '55' && (finNFe === '3' || finNFe === '4')) {
    const pagDef = tree.def?.children?.find((c) => c.to === 'pag');
    const pag = newNode(`${tree.src}/${pagDef?.name ?? 'pag'}`, tree, pagDef);
    const itemDef = pagDef?.children?.find((c) => c.to === 'detPag');
    const detPag = newNode(`${pag.src}/${itemDef?.name ?? 'detPag'}[1]`, pag, itemDef);
    detPag.fields.set('tPag', [{ value: SEM_PAGAMENTO, src: `${detPag.src}/tPag` }]);
    detPag.fields.set('vPag', [{ value: '0.00', src: `${detPag.src}/vPag` }]);
    pag.groups.set('detPag', [detPag]);
    tree.groups.set('pag', [pag]);
    return;
  }
  const error = layoutError(`${tree.src}/pag`, 'obrigatório');
  errors.push({
    ...error,
    message: `${error.path}: grupo de formas de pagamento obrigatório não informado; informe pagItem com tPag e vPag ` +
      '(só a NF-e de ajuste ou devolução, finNFe 3 ou 4, pode omiti-lo: recebe tPag 90 Sem pagamento)',
  });
}
