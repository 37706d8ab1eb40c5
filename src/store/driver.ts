// The thin seam between the shared SQL store and each database. SQL is written once with named
// `@param` placeholders (understood by both better-sqlite3 and mssql); a Dialect supplies the few
// fragments that differ. Parameters are plain JS values (string, number, boolean, Date, Buffer, null);
// each driver converts them to its column types.
import type { StoreKind } from './port';

export type SqlValue = string | number | boolean | Date | Buffer | null;
export type SqlParams = Record<string, SqlValue | undefined>;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  all(sql: string, params?: SqlParams): Promise<Row[]>;
  /** Returns the number of rows affected. */
  exec(sql: string, params?: SqlParams): Promise<number>;
}

export interface Dialect {
  readonly name: StoreKind;
  /** Row-lock hint placed after a table name in a SELECT inside a transaction. */
  readonly lockRow: string;
  /** Whole-table exclusive lock hint (migrations). */
  readonly lockTable: string;
  /** Clause after ORDER BY that limits the result to the value of parameter `param`. */
  limit(param: string): string;
  /** Column types for DDL. */
  readonly types: ColumnTypes;
  /** DDL creating the migrations table when missing. */
  readonly createMigrationsTable: string;
  isUniqueViolation(err: unknown): boolean;
}

export interface ColumnTypes {
  /** Short indexable string of at most n characters. */
  str(n: number): string;
  /** Unbounded text (XML, messages). */
  text: string;
  int: string;
  bigint: string;
  bool: string;
  datetime: string;
  blob: string;
  autoId: string;
}

export interface SqlDriver {
  readonly dialect: Dialect;
  /** Runs fn outside a transaction (single statements). */
  run<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs fn in one serializable transaction; commits on success, rolls back on error. */
  tx<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * A number that changes whenever another connection has committed; absent when the database cannot
   * tell cheaply (then the store caches nothing, see read-cache.ts).
   */
  changeCounter?(): number;
  close(): Promise<void>;
}
