// Rules SEFAZ applies to the fields of events and inutilizações (sefaz-nfe.md §3.7, §3.8, §12, the
// XSD types TDateTimeUTC, TProt, TSerie, TJust/TString), checked before anything is signed or sent.
// Layout problems come back as a description of the field (the caller answers 145 with it); the
// rules SEFAZ answers with its own cStat come back as that cStat and SEFAZ's text.
import { formatDateTime } from './datetime';

export interface Refusal {
  code: number;
  text: string;
}

const MINUTE = 60_000;
/** dhEvento may be ahead of SEFAZ's clock by at most 5 minutes (578). */
export const DH_EVENTO_TOLERANCE_MS = 5 * MINUTE;
export const MAX_SERIE = 999;
export const MAX_NUMERO = 999_999_999;

/** Highest nSeqEvento of an event type: a CC-e may be sent 20 times (594 above), the others once. */
export function maxSeqEvento(tpEvento: string): number {
  return tpEvento === '110110' ? 20 : 1;
}

/** 594 when a sequence is outside 1..maxSeqEvento. */
export function seqRefusal(tpEvento: string, nSeq: number): Refusal | undefined {
  const max = maxSeqEvento(tpEvento);
  if (nSeq >= 1 && nSeq <= max) return undefined;
  return { code: 594, text: `Rejeição: O número de sequencia do evento informado é maior que o permitido (EvenSeq ${nSeq}; permitido de 1 a ${max})` };
}

/** Free text as SEFAZ receives it: runs of whitespace (tabs, line breaks) become one space, trimmed. */
export function collapseText(value: string | undefined): string {
  return value?.replace(/\s+/g, ' ').trim() ?? '';
}

/** One character TString refuses (outside printable Latin-1), if any. */
function foreignCharacter(text: string): string | undefined {
  return [...text].find((c) => c < ' ' || c > 'ÿ');
}

/** Why a collapsed free text (xJust, xCorrecao) would fail SEFAZ's schema: length or characters. */
export function freeTextProblem(text: string, field: string, min: number, max: number): string | undefined {
  if (text.length < min || text.length > max) return `${field} deve ter de ${min} a ${max} caracteres (recebido: ${text.length})`;
  const c = foreignCharacter(text);
  if (c) return `${field} contém o caractere "${c}", não aceito pela SEFAZ (use letras, números e pontuação comuns)`;
  return undefined;
}

const LOCAL_DH = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-]\d{2}:\d{2})?$/;
/** TDateTimeUTC's offsets: whole hours from -11:00 to +12:00. */
const SEFAZ_OFFSET = /^(?:[+-](?:0\d|1[01]):00|\+12:00)$/;

function validCalendar(y: number, m: number, d: number, hh: number, mm: number, ss: number): boolean {
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return y >= 2000 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= days && hh <= 23 && mm <= 59 && ss <= 59;
}

/**
 * dhEvento (TDateTimeUTC) from EveDh — "AAAA-MM-DDTHH:MM:SS", also accepted with its offset — and
 * EveFusoHorario; without EveDh, `now` at that offset (or the company's). A problem text when the
 * fields cannot make one.
 */
export function eventDateTime(o: { eveDh?: string; fuso?: string; defaultOffset: string; now: Date }): { dhEvento: string; at: Date } | { problem: string } {
  if (o.fuso !== undefined && !SEFAZ_OFFSET.test(o.fuso)) {
    return { problem: `EveFusoHorario inválido "${o.fuso}" (esperado -03:00, -04:00, -02:00 …)` };
  }
  if (o.eveDh === undefined) {
    const dhEvento = formatDateTime(o.now, o.fuso ?? o.defaultOffset);
    return { dhEvento, at: new Date(dhEvento) };
  }
  const m = LOCAL_DH.exec(o.eveDh);
  const [y, mo, d, hh, mi, ss] = (m?.slice(1, 7) ?? []).map(Number);
  if (!m || !validCalendar(y, mo, d, hh, mi, ss)) {
    return { problem: `EveDh inválida "${o.eveDh}" (esperado AAAA-MM-DDTHH:MM:SS, data e hora existentes)` };
  }
  const own = m[7];
  if (own !== undefined && !SEFAZ_OFFSET.test(own)) return { problem: `EveDh com fuso horário inválido "${own}"` };
  if (own !== undefined && o.fuso !== undefined && own !== o.fuso) {
    return { problem: `EveDh informada com fuso ${own} diferente de EveFusoHorario ${o.fuso}` };
  }
  const dhEvento = `${o.eveDh.slice(0, 19)}${own ?? o.fuso ?? o.defaultOffset}`;
  return { dhEvento, at: new Date(dhEvento) };
}

/**
 * SEFAZ's dhEvento rules (sefaz-nfe.md §12): not after its processing + 5 min (578), not before the
 * NF-e's emission (577) and, for an NF-e not issued in contingency (tpEmis 1), not before its
 * authorisation (579). `now` stands for SEFAZ's clock.
 */
export function dhEventoRefusal(at: Date, o: { now: Date; dhEmi: Date | null; dhAut: Date | null; tpEmis: string; offset: string }): Refusal | undefined {
  const shown = (d: Date) => formatDateTime(d, o.offset);
  if (at.getTime() > o.now.getTime() + DH_EVENTO_TOLERANCE_MS) {
    return { code: 578, text: `Rejeição: A data do evento não pode ser maior que a data do processamento (EveDh ${shown(at)}, agora ${shown(o.now)})` };
  }
  if (o.dhEmi && at < o.dhEmi) {
    return { code: 577, text: `Rejeição: A data do evento não pode ser menor que a data de emissão da NF-e (EveDh ${shown(at)}, emissão ${shown(o.dhEmi)})` };
  }
  if (o.tpEmis === '1' && o.dhAut && at < o.dhAut) {
    return { code: 579, text: `Rejeição: A data do evento não pode ser menor que a data de autorização para NF-e não emitida em contingência (EveDh ${shown(at)}, autorização ${shown(o.dhAut)})` };
  }
  return undefined;
}

/**
 * The authorisation protocol a cancellation quotes: EvenProt (TProt, 15 digits; absent or "0" means
 * the document's own). 222 when it is not the document's, as SEFAZ answers.
 */
export function eventProtocol(given: string | undefined, own: string | null): { nProt: string } | { problem: string } | Refusal {
  if (given === undefined || given === '0') return own ? { nProt: own } : { problem: 'protocolo de autorização do documento não encontrado; informe EvenProt' };
  if (!/^\d{15}$/.test(given)) return { problem: `EvenProt inválido "${given}" (esperado o protocolo de autorização, 15 dígitos)` };
  if (own && given !== own) return { code: 222, text: `Rejeição: Protocolo de Autorização de Uso difere do cadastrado (EvenProt ${given}, protocolo do documento ${own})` };
  return { nProt: given };
}

/** Why an inutilização range would fail SEFAZ's schema (TSerie 0–999, TNF 1–999999999, initial ≤ final). */
export function inutilizacaoProblem(o: { serie: number; nIni: number; nFin: number }): string | undefined {
  if (o.serie > MAX_SERIE) return `Serie ${o.serie} inválida (de 0 a ${MAX_SERIE})`;
  if (o.nIni < 1 || o.nFin > MAX_NUMERO || o.nIni > o.nFin) {
    return `faixa inválida ${o.nIni}-${o.nFin} (NumeroInicial de 1 a ${MAX_NUMERO} e não maior que NumeroFinal)`;
  }
  return undefined;
}
