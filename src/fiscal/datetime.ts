// TDateTimeUTC helpers: "AAAA-MM-DDThh:mm:ss±hh:mm", no fractional seconds, no Z.

export function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) throw new Error(`fuso horário inválido: ${offset}`);
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

/** Formats an instant as local time at the given offset, e.g. 2026-11-23T10:00:00-03:00. */
export function formatDateTime(date: Date, offset: string): string {
  const local = new Date(date.getTime() + offsetMinutes(offset) * 60_000);
  return local.toISOString().slice(0, 19) + offset;
}

/** Parses a TDateTimeUTC (offset mandatory) into a Date; undefined when the text is not one. */
export function parseDateTime(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/.test(text)) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
