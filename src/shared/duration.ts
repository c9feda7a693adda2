/**
 * Durations, one implementation for every place mcsync reads or prints them: Go's
 * `time.ParseDuration` forms (`300ms`, `1.5h`, `2h45m`, `0`), as `oc observe`'s flags and the
 * HubPool's fields are written, and two ways to print them.
 */

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go duration string; undefined when it is not one. A bare `0` is 0. */
export function parseGoDuration(text: string): number | undefined {
  const value = text.trim();
  if (value === '0') return 0;
  const sign = value.startsWith('-') ? -1 : 1;
  const body = value.replace(/^[-+]/, '');
  if (!body) return undefined;
  const pattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of body.matchAll(pattern)) {
    total += Number(match[1]) * (UNITS[match[2] ?? ''] ?? 0);
    consumed += match[0].length;
  }
  if (consumed !== body.length) return undefined;
  return sign * total;
}

/**
 * Go's `time.Duration.String()` for whole milliseconds (`1m0s`, `1m30s`, `500ms`): what `oc
 * observe` prints, so mcsync observe's messages match it.
 */
export function goDurationString(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/**
 * The shortest Go duration that reads back as `ms` (`2m`, `1m30s`, `1.5s`, `500ms`): how users
 * write durations in a HubPool, so messages quote settings the way they were written.
 */
export function shortDuration(ms: number): string {
  if (ms < 1000 || ms % 1000 !== 0) return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
