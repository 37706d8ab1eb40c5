// Carta de Correção of the CT-e (cte.md §6.2). InvoiCy's CC-e layout carries the whole CT-e with the
// corrected values; the corrections are the fields whose value differs from the authorised CT-e, one
// infCorrecao each (SEFAZ group and field names, the item number inside a repeated group). What the
// Convênio SINIEF 06/89 art. 58-B keeps out of a CC-e is refused field by field (SEFAZ's 681), before
// anything is sent. SEFAZ keeps only the last CC-e, so each new one repeats the earlier corrections.
import type { Refusal } from '../event-rules';

/** One field of a CT-e, flat: its group (the parent element), name, value and item in a repeated group. */
export interface CteField {
  group: string;
  field: string;
  value: string;
  /** 1-based position of the group among its repeated siblings (infNFe, Comp, ObsCont …). */
  item?: number;
}

/** One infCorrecao of evCCeCTe. */
export interface Correcao {
  grupoAlterado: string;
  campoAlterado: string;
  valorAlterado: string;
  nroItemAlterado?: number;
}

const ALL = '*';
/**
 * Fields a CC-e may not change: the CT-e's identity and dates, the parties' identities (emitter,
 * tomador, remetente, destinatário), the values of the service and every tax field, the NF-e keys.
 */
const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  ide: ['cUF', 'mod', 'serie', 'nCT', 'dhEmi', 'tpAmb', 'tpCTe', 'modal'],
  toma3: ['toma'],
  toma4: ['toma', 'CNPJ', 'CPF', 'IE'],
  emit: ['CNPJ', 'CPF', 'IE'],
  rem: ['CNPJ', 'CPF', 'IE'],
  dest: ['CNPJ', 'CPF', 'IE'],
  vPrest: ['vTPrest', 'vRec'],
  Comp: ['vComp'],
  imp: ['vTotTrib'],
  ICMS00: [ALL], ICMS20: [ALL], ICMS45: [ALL], ICMS60: [ALL], ICMS90: [ALL], ICMSOutraUF: [ALL], ICMSSN: [ALL], ICMSUFFim: [ALL],
  infNFe: ['chave'],
  infCteComp: ['chCTe'],
};

/**
 * Fields the gateway writes itself (the random cCT, the DV, its version, the contingency tpEmis with
 * dhCont/xJust): the ERP's CC-e layout cannot know them, so a difference there is no correction.
 */
const GATEWAY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ide: ['cCT', 'cDV', 'tpEmis', 'verProc', 'dhCont', 'xJust'],
};

/** XSD limits of infCorrecao. */
const MAX_VALUE = 500;
const MAX_ITEM = 99;

export function isForbiddenCorrection(group: string, field: string): boolean {
  const fields = FORBIDDEN[group];
  return fields !== undefined && (fields.includes(ALL) || fields.includes(field));
}

function keyOf(group: string, field: string, item: number | undefined): string {
  return `${group}/${field}#${item ?? ''}`;
}

function where(f: CteField): string {
  return `${f.group}/${f.field}${f.item !== undefined ? ` (item ${f.item})` : ''}`;
}

export type CorrectionsResult = { corrections: Correcao[] } | { refusals: Refusal[] };

/**
 * The corrections between the authorised CT-e's fields and the corrected ones: a field whose value
 * changed, or one the authorised CT-e did not fill. A field the corrected CT-e leaves out is not a
 * correction (a CC-e cannot erase), nor is one the gateway writes. Every field a CC-e cannot carry is
 * refused, all at once.
 */
export function diffCorrections(authorised: readonly CteField[], corrected: readonly CteField[]): CorrectionsResult {
  const before = new Map(authorised.map((f) => [keyOf(f.group, f.field, f.item), f.value.trim()]));
  const corrections: Correcao[] = [];
  const refusals: Refusal[] = [];
  for (const f of corrected) {
    const value = f.value.trim();
    const old = before.get(keyOf(f.group, f.field, f.item));
    if (value === '' || value === old || GATEWAY_FIELDS[f.group]?.includes(f.field)) continue;
    const shownOld = old === undefined ? 'não informado' : `"${old}"`;
    if (isForbiddenCorrection(f.group, f.field)) {
      refusals.push({ code: 681, text: `Rejeição: Campo ${where(f)} não pode ser alterado por Carta de Correção (autorizado ${shownOld}, enviado "${value}")` });
    } else if (f.item !== undefined && f.item > MAX_ITEM) {
      refusals.push({ code: 522, text: `Rejeição: Número do item alterado inválido em ${where(f)} (a Carta de Correção aceita itens de 1 a ${MAX_ITEM})` });
    } else if (value.length > MAX_VALUE) {
      refusals.push({ code: 630, text: `Rejeição: Valor de ${where(f)} com ${value.length} caracteres (a Carta de Correção aceita até ${MAX_VALUE})` });
    } else {
      corrections.push({ grupoAlterado: f.group, campoAlterado: f.field, valorAlterado: value, ...(f.item !== undefined && { nroItemAlterado: f.item }) });
    }
  }
  return refusals.length > 0 ? { refusals } : { corrections };
}

/**
 * The infCorrecao list of a new CC-e: the earlier corrections (the last registered CC-e's) in their
 * order, each replaced by a later value for the same group/field/item, then the new ones.
 */
export function mergeCorrections(earlier: readonly Correcao[], latest: readonly Correcao[]): Correcao[] {
  const key = (c: Correcao) => keyOf(c.grupoAlterado, c.campoAlterado, c.nroItemAlterado);
  const next = new Map(latest.map((c) => [key(c), c]));
  const merged = earlier.map((c) => next.get(key(c)) ?? c);
  const kept = new Set(merged.map(key));
  return [...merged, ...latest.filter((c) => !kept.has(key(c)))];
}

/**
 * The whole CC-e: the corrections of the corrected CT-e merged with the earlier ones; refused field by
 * field, or a problem when nothing differs from the authorised CT-e.
 */
export function cceCorrections(o: { authorised: readonly CteField[]; corrected: readonly CteField[]; earlier: readonly Correcao[] }): CorrectionsResult | { problem: string } {
  const diff = diffCorrections(o.authorised, o.corrected);
  if ('refusals' in diff) return diff;
  if (diff.corrections.length === 0) return { problem: 'nenhum campo do CT-e enviado difere do CT-e autorizado: não há o que corrigir' };
  return { corrections: mergeCorrections(o.earlier, diff.corrections) };
}
