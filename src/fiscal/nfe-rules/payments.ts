// NFC-e payments (NT 2016.002): the detPag values cover vNF (865), any excess is vTroco (866), and
// vTroco is exactly the excess (869). Compared in centavos, never as floating point.
import { rejection, type NfeRule } from './types';

function cents(value: string | undefined): number {
  if (value === undefined) return 0;
  const [int, frac = ''] = value.split('.');
  return Number(int) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
}

export const nfcePayments: NfeRule = {
  name: 'NFC-e pagamentos',
  check: (f) => {
    if (f.mod !== '65') return undefined;
    const paid = f.vPag.reduce((sum, v) => sum + cents(v), 0);
    const total = cents(f.vNF);
    const troco = cents(f.vTroco);
    if (paid < total) return rejection('865', 'Total dos pagamentos menor que o total da nota', 'pag/detPag/vPag');
    if (troco === 0 && paid > total) {
      return rejection('866', 'Ausência de troco quando o valor dos pagamentos informados for maior que o total da nota', 'pag/vTroco');
    }
    if (troco > 0 && paid - troco !== total) return rejection('869', 'Valor do troco incorreto', 'pag/vTroco');
    return undefined;
  },
};
