// Row <-> entity mapping shared by every table: one declaration of (field, column, codec) drives
// SELECT decoding, INSERT column lists and UPDATE SET lists, so both adapters read rows identically
// (SQLite returns ISO text and 0/1, SQL Server returns Date, boolean and BIGINT as string).
//
// Large XML values are `detached`: they live in the entity's side table (owner_id, kind, content),
// one row per non-null value with the field's column name as kind (migration 002). SQLite rewrites a
// whole record on any UPDATE, so keeping 6–10 KB documents in the entity row made every small state
// change copy them again; apart, each value is written once, when it changes.
import type { Row, SqlParams, SqlValue } from './driver';

export interface Codec {
  enc(v: unknown): SqlValue;
  dec(v: unknown): unknown;
  /** Derived on read only; never written. */
  readOnly?: true;
  /** Kept in the side table, not in the row (see above). */
  detached?: true;
}

const nullable = (f: (v: unknown) => unknown) => (v: unknown) => (v === null || v === undefined ? null : f(v));

export const str: Codec = { enc: (v) => (v ?? null) as SqlValue, dec: nullable(String) };
export const num: Codec = { enc: (v) => (v ?? null) as SqlValue, dec: nullable(Number) };
export const bool: Codec = { enc: (v) => (v === null || v === undefined ? null : Boolean(v)), dec: nullable((v) => v === true || Number(v) === 1) };
export const date: Codec = { enc: (v) => (v ?? null) as SqlValue, dec: nullable((v) => new Date(v as string | Date)) };
/** Comma-separated list of codes. */
export const csv: Codec = { enc: (v) => (v as string[]).join(','), dec: (v) => (v ? String(v).split(',') : []) };
/** True when the column holds a value (e.g. a sealed secret that is not returned). */
export const present: Codec = { enc: () => null, dec: (v) => v !== null && v !== undefined, readOnly: true };
export const detached: Codec = { ...str, detached: true };
/** A list of instants as a JSON array of ISO strings (the DF-e call logs). */
export const dateList: Codec = {
  enc: (v) => JSON.stringify((v as Date[]).map((d) => d.toISOString())),
  dec: (v) => (v ? (JSON.parse(String(v)) as string[]).map((d) => new Date(d)) : []),
};
export const json: Codec = { enc: (v) => (v === null || v === undefined ? null : JSON.stringify(v)), dec: nullable((v) => JSON.parse(String(v))) };

export class Mapper<T extends object> {
  readonly #fields: [keyof T & string, string, Codec][];

  /** `xmlTable`: the side table of the detached fields; its owner_id refers to this table's `id`. */
  constructor(readonly table: string, columns: { [K in keyof T]-?: [string, Codec] }, readonly xmlTable?: string) {
    this.#fields = Object.entries<[string, Codec]>(columns).map(([f, [c, codec]]) => [f as keyof T & string, c, codec]);
    if (!xmlTable && this.#fields.some(([, , codec]) => codec.detached)) throw new Error(`${table}: detached fields need a side table`);
  }

  /**
   * `SELECT <alias>.*, <each detached value> FROM <table> <alias>`, to be followed by joins, WHERE and
   * ORDER BY written against the alias. The detached values come back under their column names, except
   * those present in `known` (the caller holds them: see withKnown).
   */
  select(alias: string, known: Partial<T> = {}): string {
    const xml = this.#detachedColumns(alias, (f) => known[f] === undefined);
    return `SELECT ${alias}.*${xml} FROM ${this.table} ${alias}`;
  }

  /** `SELECT <alias>.id, <each detached value of fields> FROM <table> <alias>`: those values alone, not the row. */
  selectDetached(alias: string, fields: readonly (keyof T & string)[]): string {
    return `SELECT ${alias}.id${this.#detachedColumns(alias, (f) => fields.includes(f))} FROM ${this.table} ${alias}`;
  }

  /** The detached values of fields in a row read with selectDetached. */
  detachedFromRow<F extends keyof T & string>(row: Row, fields: readonly F[]): Pick<T, F> {
    const out: Record<string, unknown> = {};
    for (const [f, c, codec] of this.#fields) if (codec.detached && fields.includes(f as F)) out[f] = codec.dec(row[c]);
    return out as Pick<T, F>;
  }

  #detachedColumns(alias: string, wanted: (field: keyof T & string) => boolean): string {
    return this.#fields.filter(([f, , codec]) => codec.detached && wanted(f)).map(([, column]) =>
      `, (SELECT sx.content FROM ${this.xmlTable} sx WHERE sx.owner_id = ${alias}.id AND sx.kind = '${column}') AS ${column}`).join('');
  }

  /** The mapped columns (detached values left out), comma-separated: unlike `*`, no unmapped column such as a sealed secret. */
  columns(): string {
    return this.#fields.filter(([, , codec]) => !codec.detached).map(([, column]) => column).join(', ');
  }

  /** The detached fields present (not undefined) in obj; their column name is their kind in the side table. */
  detachedIn(obj: Partial<T>): { field: keyof T & string; column: string; value: string | null }[] {
    return this.#fields.filter(([f, , codec]) => codec.detached && obj[f] !== undefined)
      .map(([field, column]) => ({ field, column, value: obj[field] as string | null }));
  }

  /** The detached fields present in obj, by field name. */
  detachedValues(obj: Partial<T>): Record<string, string | null> {
    return Object.fromEntries(this.detachedIn(obj).map(({ field, value }) => [field, value]));
  }

  /** A record read with select(alias, known), completed with the known detached values. */
  withKnown(record: T, known: Partial<T>): T {
    const out = { ...record } as Record<string, unknown>;
    for (const { field, value } of this.detachedIn(known)) out[field] = value;
    return out as T;
  }

  fromRow(row: Row): T {
    const out: Record<string, unknown> = {};
    for (const [f, c, codec] of this.#fields) out[f] = codec.dec(row[c]);
    return out as T;
  }

  /** Row columns and params for the fields present (not undefined) in obj; params are named after columns. */
  toParams(obj: Partial<T>): { columns: string[]; params: SqlParams } {
    const columns: string[] = [];
    const params: SqlParams = {};
    for (const [f, c, codec] of this.#fields) {
      if (obj[f] === undefined || codec.readOnly || codec.detached) continue;
      columns.push(c);
      params[c] = codec.enc(obj[f]);
    }
    return { columns, params };
  }

  /** `extra` adds raw columns (e.g. sealed secrets) that are not fields of T. */
  insert(obj: T, extra: SqlParams = {}): { sql: string; params: SqlParams } {
    const { columns, params } = this.toParams(obj);
    for (const [c, v] of Object.entries(extra)) {
      columns.push(c);
      params[c] = v;
    }
    return { sql: `INSERT INTO ${this.table} (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`, params };
  }

  /** `col = @col, …` for the fields present in patch. */
  setList(patch: Partial<T>): { set: string; params: SqlParams } {
    const { columns, params } = this.toParams(patch);
    return { set: columns.map((c) => `${c} = @${c}`).join(', '), params };
  }
}

/** `col IN (@p_0, @p_1, …)` with its params; an empty list matches nothing. */
export function inList(column: string, prefix: string, values: readonly SqlValue[]): { sql: string; params: SqlParams } {
  if (values.length === 0) return { sql: '1 = 0', params: {} };
  const params: SqlParams = {};
  values.forEach((v, i) => (params[`${prefix}_${i}`] = v));
  return { sql: `${column} IN (${values.map((_, i) => `@${prefix}_${i}`).join(', ')})`, params };
}
