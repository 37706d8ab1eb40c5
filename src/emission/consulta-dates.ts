// The dates of a consulta (DataEmissao…, DataInclusao…), read at the company's UTC offset: shared by the
// consulta of issued documents, of received ones and the numbering-gap report.
import { InputError } from './inputs';

/** "AAAA-MM-DD[THH:MM:SS]" local to the company's offset; a bare final date covers the whole day. */
export function localDate(text: string | undefined, offset: string, end: boolean, field: string): Date | undefined {
  if (!text) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?$/.exec(text);
  if (!m) throw new InputError(`${field}: data inválida "${text}" (esperado AAAA-MM-DDTHH:MM:SS)`);
  const time = m[2] ? (m[2].length === 5 ? `${m[2]}:00` : m[2]) : end ? '23:59:59' : '00:00:00';
  const d = new Date(`${m[1]}T${time}${offset}`);
  if (Number.isNaN(d.getTime())) throw new InputError(`${field}: data inválida "${text}"`);
  return end && !m[2] ? new Date(d.getTime() + 999) : d;
}
