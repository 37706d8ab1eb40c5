// Versioned migrations, applied at open inside one transaction holding an exclusive lock on
// schema_migrations, so several gateway instances starting together apply each version once.
import type { ColumnTypes, SqlDriver } from '../driver';
import { initialSchema } from './001-initial';
import { detachedXml } from './002-detached-xml';
import { voidGaps } from './003-void-gaps';
import { dfeDistribution } from './004-dfe-distribution';
import { unknownFields } from './005-unknown-fields';
import { manifestacao } from './006-manifestacao';

export interface Migration {
  version: number;
  name: string;
  statements(types: ColumnTypes): string[];
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', statements: initialSchema },
  { version: 2, name: 'detached-xml', statements: detachedXml },
  { version: 3, name: 'void-gaps', statements: voidGaps },
  { version: 4, name: 'dfe-distribution', statements: dfeDistribution },
  { version: 5, name: 'unknown-fields', statements: unknownFields },
  { version: 6, name: 'manifestacao', statements: manifestacao },
];

/** Applies pending migrations; returns the versions applied now. */
export async function migrate(driver: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const d = driver.dialect;
  try {
    await driver.run((q) => q.exec(d.createMigrationsTable));
  } catch (err) {
    // Another instance may have created it concurrently; the locked read below is the real check.
    if (!d.isUniqueViolation(err) && !/already|existe/i.test((err as Error).message)) throw err;
  }
  return driver.tx(async (q) => {
    const rows = await q.all(`SELECT version FROM schema_migrations${d.lockTable}`);
    const applied = new Set(rows.map((r) => Number(r.version)));
    const done: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      for (const stmt of m.statements(d.types)) await q.exec(stmt);
      await q.exec('INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)', {
        version: m.version, name: m.name, at: new Date(),
      });
      done.push(m.version);
    }
    return done;
  });
}
