// Moves the large XML values out of the documents, events and inutilizações rows into one side table
// per owner (see mapping.ts: SQLite rewrites a whole record on any UPDATE, so every state change used
// to copy 6–24 KB of XML again). One row per non-null value; kind is the former column name. Existing
// values are copied before the columns are dropped, in the migration's transaction.
import type { ColumnTypes } from '../driver';

const MOVED: { owner: string; table: string; columns: string[] }[] = [
  { owner: 'documents', table: 'document_xml', columns: ['layout_xml', 'xml_signed', 'xml_proc'] },
  { owner: 'events', table: 'event_xml', columns: ['xml_signed', 'xml_proc', 'request_xml'] },
  { owner: 'inutilizacoes', table: 'inutilizacao_xml', columns: ['xml_proc'] },
];

export function detachedXml(t: ColumnTypes): string[] {
  return MOVED.flatMap(({ owner, table, columns }) => [
    `CREATE TABLE ${table} (
      owner_id ${t.str(36)} NOT NULL REFERENCES ${owner}(id),
      kind ${t.str(16)} NOT NULL,
      content ${t.text} NOT NULL,
      PRIMARY KEY (owner_id, kind)
    )`,
    ...columns.map((c) => `INSERT INTO ${table} (owner_id, kind, content) SELECT id, '${c}', ${c} FROM ${owner} WHERE ${c} IS NOT NULL`),
    // One column per statement: SQLite's DROP COLUMN takes a single column.
    ...columns.map((c) => `ALTER TABLE ${owner} DROP COLUMN ${c}`),
  ]);
}
