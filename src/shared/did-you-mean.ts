/**
 * Nearest-name suggestions for misspelt keywords, modules and arguments ("did you mean 'when'?").
 * Uses the optimal-string-alignment distance (Damerau-Levenshtein with adjacent transpositions),
 * so `whne` is one edit from `when`, as a typist would expect.
 */

/** Edit distance counting insertions, deletions, substitutions and adjacent swaps as one edit each. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      let best = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (d[rows - 1] as number[])[cols - 1] as number;
}

/**
 * The candidate nearest to `word` within `maxDistance` edits (default 2; 1 for words of three
 * letters or fewer, where two edits would match almost anything). Ties go to the first candidate.
 */
export function nearest(word: string, candidates: Iterable<string>, maxDistance = 2): string | undefined {
  const limit = word.length <= 3 ? Math.min(1, maxDistance) : maxDistance;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean 'x'?` when a near candidate exists, else the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = nearest(word, candidates);
  return match === undefined ? '' : `; did you mean '${match}'?`;
}
