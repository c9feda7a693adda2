/** Small statistics for benchmark samples: median, percentiles (nearest rank), spread. */

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** The median (mean of the two middle samples for an even count). */
export function median(samples: number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `min–max` with the given decimals, or the single value. */
export function spread(samples: number[], digits = 2): string {
  if (samples.length === 0) return '—';
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return samples.length === 1 ? min.toFixed(digits) : `${min.toFixed(digits)}–${max.toFixed(digits)}`;
}

/** Formats seconds for tables: 3 significant digits, at most 2 decimals. */
export function secs(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
