// dhEmi as InvoiCy sends it: a local date-time plus a separate fusoHorario (any kind's <ide>).
import { layoutError } from './errors';
import type { LayoutError } from './types';

export const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const WITH_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})([+-]\d{2}:\d{2})$/;
const OFFSET = /^[+-]\d{2}:\d{2}$/;

/**
 * Splits the ERP's dhEmi and fusoHorario into a local date-time and an offset; an ERP that already
 * sends the offset in dhEmi is accepted. Malformed values are reported and left out.
 */
export function emissionTime(dhEmiRaw: string | undefined, fuso: string | undefined, errors: LayoutError[]): { dhEmi?: string; fusoHorario?: string } {
  if (fuso !== undefined && !OFFSET.test(fuso)) errors.push(layoutError('Envio/ide/fusoHorario', 'formato inválido', fuso));
  let fusoHorario = fuso && OFFSET.test(fuso) ? fuso : undefined;
  let dhEmi = dhEmiRaw;
  const withOffset = dhEmi && WITH_OFFSET.exec(dhEmi);
  if (withOffset) {
    dhEmi = withOffset[1];
    fusoHorario ??= withOffset[2];
  } else if (dhEmi && !LOCAL_DATETIME.test(dhEmi)) {
    errors.push(layoutError('Envio/ide/dhEmi', 'formato data/hora AAAA-MM-DDThh:mm:ss', dhEmi));
    dhEmi = undefined;
  }
  return { dhEmi, fusoHorario };
}
