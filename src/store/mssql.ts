// SQL Server adapter (mssql 12 + tedious 19) for several gateway instances sharing one database.
// Same schema and SQL as SQLite (sql-store.ts); where SQLite relies on its single writer, transactions
// here run SERIALIZABLE and the dialect adds UPDLOCK/HOLDLOCK to the rows they read before writing.
// Deadlock victims (1205) are retried: SERIALIZABLE range locks make them an expected outcome.
import sql from 'mssql';
import type { Dialect, SqlDriver, SqlExecutor, SqlParams, SqlValue } from './driver';
import type { SecretBox } from './secrets';
import { SqlStore } from './sql-store';

const DEADLOCK = 1205;
const MAX_TX_ATTEMPTS = 5;

function errorNumber(err: unknown): number | undefined {
  const e = err as { number?: unknown; originalError?: { info?: { number?: unknown } } };
  const n = e?.number ?? e?.originalError?.info?.number;
  return typeof n === 'number' ? n : undefined;
}

export const mssqlDialect: Dialect = {
  name: 'mssql',
  lockRow: ' WITH (UPDLOCK, HOLDLOCK)',
  lockTable: ' WITH (TABLOCKX, HOLDLOCK)',
  limit: (param) => `OFFSET 0 ROWS FETCH NEXT @${param} ROWS ONLY`,
  types: {
    str: (n) => `NVARCHAR(${n})`, text: 'NVARCHAR(MAX)', int: 'INT', bigint: 'BIGINT', bool: 'BIT', datetime: 'DATETIME2(3)',
    blob: 'VARBINARY(MAX)', autoId: 'BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY',
  },
  createMigrationsTable: `IF OBJECT_ID(N'schema_migrations', N'U') IS NULL
    CREATE TABLE schema_migrations (version INT NOT NULL PRIMARY KEY, name NVARCHAR(200) NOT NULL, applied_at DATETIME2(3) NOT NULL)`,
  isUniqueViolation: (err) => [2627, 2601].includes(errorNumber(err) ?? 0),
};

/**
 * `mssql://user:pass@host:1433/db?encrypt=true&trustServerCertificate=true`. Also accepted as query
 * parameters: instanceName, connectTimeout (ms), requestTimeout (ms), poolMax. TLS is on by default;
 * on-premises servers with self-signed certificates need trustServerCertificate=true explicitly.
 */
export function parseMssqlUrl(url: string): sql.config {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('MSSQL_URL inválida: use mssql://usuario:senha@servidor:1433/banco?encrypt=true');
  }
  if (u.protocol !== 'mssql:' && u.protocol !== 'sqlserver:') throw new Error(`MSSQL_URL com protocolo inesperado "${u.protocol}" (use mssql://).`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname || !database) throw new Error('MSSQL_URL deve informar servidor e banco: mssql://usuario:senha@servidor:1433/banco');
  const q = u.searchParams;
  const flag = (name: string, dflt: boolean) => (q.has(name) ? /^(1|true|yes|sim)$/i.test(q.get(name) ?? '') : dflt);
  const int = (name: string, dflt: number) => {
    const v = q.get(name);
    if (v === null) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`MSSQL_URL: parâmetro ${name} inválido: ${v}.`);
    return n;
  };
  const instanceName = q.get('instanceName') ?? undefined;
  return {
    server: u.hostname,
    // A named instance is reached through SQL Browser; an explicit port wins when both are given.
    port: u.port ? Number(u.port) : instanceName ? undefined : 1433,
    database,
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    connectionTimeout: int('connectTimeout', 15000),
    requestTimeout: int('requestTimeout', 30000),
    pool: { max: int('poolMax', 10), min: 0 },
    options: {
      encrypt: flag('encrypt', true),
      trustServerCertificate: flag('trustServerCertificate', false),
      instanceName,
      useUTC: true,
    },
  };
}

/**
 * Explicit types: mssql would otherwise bind Date as DATETIME (3.33 ms) and integers as INT; short
 * strings stay NVARCHAR(4000) so comparisons with indexed NVARCHAR(n) columns can still seek.
 */
function typeOf(v: SqlValue): sql.ISqlType | (() => sql.ISqlType) {
  if (v instanceof Date) return sql.DateTime2(3);
  if (Buffer.isBuffer(v)) return sql.VarBinary(sql.MAX);
  if (typeof v === 'boolean') return sql.Bit();
  if (typeof v === 'number') return Number.isInteger(v) ? sql.BigInt() : sql.Float();
  return sql.NVarChar(typeof v === 'string' && v.length > 4000 ? sql.MAX : 4000);
}

function executor(newRequest: () => sql.Request): SqlExecutor {
  const query = (text: string, params: SqlParams = {}) => {
    const req = newRequest();
    for (const [name, v] of Object.entries(params)) {
      const value = v ?? null;
      req.input(name, typeOf(value), value);
    }
    return req.query(text);
  };
  return {
    all: async (text, params) => (await query(text, params)).recordset ?? [],
    exec: async (text, params) => (await query(text, params)).rowsAffected.reduce((a, b) => a + b, 0),
  };
}

class MssqlDriver implements SqlDriver {
  readonly dialect = mssqlDialect;

  constructor(private readonly pool: sql.ConnectionPool) {}

  run<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> {
    return fn(executor(() => new sql.Request(this.pool)));
  }

  async tx<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const tx = new sql.Transaction(this.pool);
      await tx.begin(sql.ISOLATION_LEVEL.SERIALIZABLE);
      try {
        const result = await fn(executor(() => new sql.Request(tx)));
        await tx.commit();
        return result;
      } catch (err) {
        await tx.rollback().catch(() => undefined); // already rolled back by the server on deadlock
        if (errorNumber(err) !== DEADLOCK || attempt >= MAX_TX_ATTEMPTS) throw err;
      }
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export async function openMssqlStore(url: string, secrets: SecretBox): Promise<SqlStore> {
  const pool = await new sql.ConnectionPool(parseMssqlUrl(url)).connect();
  return SqlStore.open(new MssqlDriver(pool), secrets);
}
