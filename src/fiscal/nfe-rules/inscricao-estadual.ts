// IE rules: check digits per UF of the emitente (229/209), the destinatário (210; 232 when a
// contribuinte has none, 791 when an isento has one, 729 on an NFC-e) and the transportador (544).
// "ISENTO" is a valid value where the schema allows it (emitente and transportador).
import { isValidIe } from '../ie';
import { rejection, type NfeRule } from './types';

const ISENTO = 'ISENTO';

export const emitIe: NfeRule = {
  name: 'emitente IE',
  check: (f) => {
    if (!f.emit.ie) return rejection('229', 'IE do emitente não informada', 'emit/IE');
    if (f.emit.ie === ISENTO || isValidIe(f.emit.ie, f.emit.uf ?? '')) return undefined;
    return rejection('209', 'IE do emitente inválida', 'emit/IE');
  },
};

export const destIe: NfeRule = {
  name: 'destinatário IE',
  check: (f) => {
    const dest = f.dest;
    if (!dest) return undefined;
    if (f.mod === '65' && dest.ie !== undefined) return rejection('729', 'NFC-e com informação da IE do destinatário', 'dest/IE');
    if (dest.indIEDest === '2' && dest.ie !== undefined) {
      return rejection('791', 'NF-e com indicação de destinatário isento de IE, com a informação da IE do destinatário', 'dest/IE');
    }
    if (dest.indIEDest === '1' && dest.ie === undefined) return rejection('232', 'IE do destinatário não informada', 'dest/IE');
    if (dest.ie !== undefined && !isValidIe(dest.ie, dest.uf ?? '')) return rejection('210', 'IE do destinatário inválida', 'dest/IE');
    return undefined;
  },
};

export const transportaIe: NfeRule = {
  name: 'transportador IE',
  check: (f) => {
    const t = f.transporta;
    if (t?.ie === undefined || t.ie === ISENTO || t.uf === undefined || t.uf === 'EX') return undefined;
    return isValidIe(t.ie, t.uf) ? undefined : rejection('544', 'IE do Transportador inválida', 'transp/transporta/IE');
  },
};
