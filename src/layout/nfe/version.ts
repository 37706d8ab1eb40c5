// The layout version an NF-e/NFC-e <Envio> declares: 4.00 (also written 4 or 4.0) or none is read;
// any other (a 3.10-era ERP) is one plain refusal naming the supported version, not the list of field
// errors a 4.00 reading of an older document would produce.
import { textAt, type OrderedNode } from '../../xml/ordered';
import type { LayoutError } from '../types';

export const NFE_LAYOUT_VERSION = '4.00';

export function versionError(envio: OrderedNode[]): LayoutError | undefined {
  const v = textAt(envio, ['Versao']);
  if (v === undefined || /^4(\.0{1,2})?$/.test(v)) return undefined;
  return {
    path: 'Envio/Versao', rule: 'versão não suportada', value: v,
    message: `versão ${v} do layout não suportada: este serviço recebe NF-e e NFC-e somente no layout ${NFE_LAYOUT_VERSION}`,
  };
}
