// The destinatário's automatic ciência (issue 15 §2): a per-company option, off for every company
// that exists when it is added. Version 7 (not the next free number) so it never collides with the
// DF-e capture's migrations written at the same time.
import type { ColumnTypes } from '../driver';

export function manifestacao(t: ColumnTypes): string[] {
  // `ADD` without COLUMN: the spelling SQLite and SQL Server both accept.
  return [`ALTER TABLE companies ADD auto_ciencia ${t.bool} NOT NULL DEFAULT 0`];
}
