// "Você quis dizer …?": the layout name nearest to a misspelled one (pure). Optimal string alignment
// distance (Damerau-Levenshtein without repeated edits of one substring), case-insensitive, since the
// layout matches names ignoring case; a candidate counts only when it is close for its length.

/** Edit distance where a swap of two adjacent characters costs one edit. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}

/**
 * The candidate nearest to `name` (ties: the first listed), or undefined when none is within a third
 * of the name's length (at least one edit): a guess further off would mislead more than help.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(lower.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { name: c, d };
  }
  return best?.name;
}
