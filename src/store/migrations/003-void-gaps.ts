// Per-company switch of the numbering-gap job: off (the default) reports the gaps only; on voids
// them by inutilização. `ADD` without COLUMN is the one spelling both databases take.
import type { ColumnTypes } from '../driver';

export function voidGaps(t: ColumnTypes): string[] {
  return [`ALTER TABLE companies ADD void_gaps ${t.bool} NOT NULL DEFAULT 0`];
}
