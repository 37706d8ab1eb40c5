// The company's choice for fields the NF-e/NFC-e layout does not know (issue 14 §1): 'reject' (145
// with a suggestion, the behaviour every existing company keeps) or 'ignore' (left out, logged).
// `ADD` without COLUMN is the one spelling both SQLite and SQL Server accept.
import type { ColumnTypes } from '../driver';

export function unknownFields(t: ColumnTypes): string[] {
  return [
    `ALTER TABLE companies ADD unknown_fields ${t.str(8)} NOT NULL DEFAULT 'reject' CHECK (unknown_fields IN ('reject', 'ignore'))`,
  ];
}
