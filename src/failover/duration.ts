/**
 * Durations as the HubPool writes them: a Go duration (`2m`, `500ms`, `1m30s`, `1.5s`) or a bare
 * number of seconds (`30`), always positive. Parsing and printing are src/shared/duration.ts's.
 */
import { parseGoDuration } from '../shared/duration.ts';

/** Milliseconds of `value`, or undefined when it is not a positive duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return parseDuration(Number(text));
  if (text.startsWith('-') || text.startsWith('+')) return undefined;
  const ms = parseGoDuration(text);
  return ms !== undefined && ms > 0 ? Math.round(ms) : undefined;
}
