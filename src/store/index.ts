// Entry point of the storage layer: the only place that chooses an adapter.
import { openMssqlStore } from './mssql';
import type { Store } from './port';
import type { SecretBox } from './secrets';
import { openSqliteStore } from './sqlite';

export type StoreConfig =
  | { kind: 'sqlite'; dataDir?: string; memory?: boolean }
  | { kind: 'mssql'; url: string };

/** Opens the store, applies pending migrations and verifies the MASTER_KEY against the database. */
export async function openStore(config: StoreConfig, secrets: SecretBox): Promise<Store> {
  return config.kind === 'mssql'
    ? openMssqlStore(config.url, secrets)
    : openSqliteStore({ dataDir: config.dataDir, memory: config.memory }, secrets);
}

export * from './port';
export { SecretBox, SecretError, generateKey, generatePartnerKey, generateAccessKey } from './secrets';
