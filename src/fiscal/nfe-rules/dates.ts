// Date rules: dhEmi against receipt (703 more than 5 minutes ahead, 228 more than 30 days old, 704
// an NFC-e in normal emission sent more than 5 minutes late) and dhSaiEnt (705 on an NFC-e, 506 before
// dhEmi). An unreadable date is a schema failure (225), as SEFAZ's own schema would say.
import { parseDateTime } from '../datetime';
import { rejection, type NfeRule } from './types';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const dhEmi: NfeRule = {
  name: 'dhEmi',
  check: (f, ctx) => {
    const emitted = parseDateTime(f.dhEmi);
    const now = ctx.now.getTime();
    if (!emitted) return rejection('225', 'Falha no Schema XML do lote de NFe: dhEmi inválido', 'ide/dhEmi');
    if (emitted.getTime() > now + 5 * MINUTE) return rejection('703', 'Data-Hora de Emissão posterior ao horário de recebimento', 'ide/dhEmi');
    if (emitted.getTime() < now - 30 * DAY) return rejection('228', 'Data de Emissão muito atrasada', 'ide/dhEmi');
    if (ctx.nfceLateCheck && f.mod === '65' && f.tpEmis === '1' && now - emitted.getTime() > 5 * MINUTE) {
      return rejection('704', 'NFC-e com Data-Hora de emissão atrasada', 'ide/dhEmi');
    }
    return undefined;
  },
};

export const dhSaiEnt: NfeRule = {
  name: 'dhSaiEnt',
  check: (f) => {
    if (f.dhSaiEnt === undefined) return undefined;
    if (f.mod === '65') return rejection('705', 'NFC-e com data de entrada/saída', 'ide/dhSaiEnt');
    const left = parseDateTime(f.dhSaiEnt);
    const emitted = parseDateTime(f.dhEmi);
    if (!left) return rejection('225', 'Falha no Schema XML do lote de NFe: dhSaiEnt inválido', 'ide/dhSaiEnt');
    if (emitted && left.getTime() < emitted.getTime()) return rejection('506', 'Data de Saída menor que a Data de Emissão', 'ide/dhSaiEnt');
    return undefined;
  },
};
