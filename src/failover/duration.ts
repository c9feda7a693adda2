/**
 * Durations as the HubPool writes them: `2m`, `500ms`, `1m30s`, `1h`, or a bare number of
 * seconds (`30`). Go's `time.ParseDuration` units (h, m, s, ms); fractions (`1.5s`) work.
 */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

/** Milliseconds of `value`, or undefined when it is not a positive duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return parseDuration(Number(text));
  if (!text) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0);
  }
  return total > 0 ? Math.round(total) : undefined;
}

/** `2m`, `1m30s`, `500ms`: the shortest way to write `ms` for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000 || ms % 1000 !== 0) return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
