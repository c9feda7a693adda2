/**
 * Pure text formatting shared by the text renderers: Ansible's banners, the PLAY RECAP line, result
 * dumps and the profile table. Kept free of state so golden tests can pin every character.
 */
import type { TaskRef } from '../model/events.ts';
import type { ModuleResult, RecapCounts } from '../model/result.ts';
import type { Painter } from './color.ts';

/** Ansible's display width when stdout is not a terminal (`max(79, columns - 1)`). */
export const COLUMNS = 79;

/** `PLAY [name] *****…` filled with stars to COLUMNS + 1 characters (at least three stars). */
export function banner(message: string, columns = COLUMNS): string {
  const text = message.trim();
  return `${text} ${'*'.repeat(Math.max(3, columns - text.length))}`;
}

/** The title shown in `TASK [...]`: `role : name` for role tasks unless the name already says so. */
export function taskTitle(task: TaskRef): string {
  if (!task.role || task.name.startsWith(`${task.role} : `)) return task.name;
  return `${task.role} : ${task.name}`;
}

const RECAP_FIELDS: readonly [keyof RecapCounts, Parameters<Painter>[1]][] = [
  ['ok', 'green'],
  ['changed', 'yellow'],
  ['unreachable', 'brightRed'],
  ['failed', 'red'],
  ['skipped', 'cyan'],
  ['rescued', 'green'],
  ['ignored', 'magenta'],
];

/**
 * One PLAY RECAP line exactly as Ansible's default callback prints it:
 * `"%-26s : %s %s %s %s %s %s %s"` with each field `key=%-4s` (so lines keep trailing spaces).
 * With color, the host is red when it failed or was unreachable, yellow when changed, else green,
 * and a field is colored only when its count is not zero.
 */
export function recapLine(host: string, counts: RecapCounts, paint: Painter): string {
  const hostColor =
    counts.failed > 0 || counts.unreachable > 0 ? 'red' : counts.changed > 0 ? 'yellow' : 'green';
  const name = paint(host.padEnd(26), hostColor);
  const fields = RECAP_FIELDS.map(([key, color]) => {
    const text = `${key}=${String(counts[key]).padEnd(4)}`;
    return counts[key] === 0 ? text : paint(text, color);
  });
  return `${name} : ${fields.join(' ')}`;
}

/** Keys a result carries for the engine or renderers only (`_verbose_always`, ...): never printed. */
export function stripInternalKeys(result: ModuleResult): ModuleResult {
  return Object.fromEntries(Object.entries(result).filter(([key]) => !key.startsWith('_')));
}

/**
 * A result as Ansible's `_dump_results` shows it: internal keys and `diff` dropped, `invocation`
 * only from -vv, keys sorted, JSON with `", "`/`": "` separators, or indented by 4 when asked.
 */
export function dumpResult(result: ModuleResult, options: { verbosity: number; indent?: boolean }): string {
  const shown: Record<string, unknown> = { ...stripInternalKeys(result) };
  delete shown['diff'];
  if (options.verbosity < 2) delete shown['invocation'];
  return options.indent ? JSON.stringify(sortKeys(shown), null, 4) : compactJson(shown);
}

/** JSON like Python's `json.dumps(sort_keys=True)`: `{"a": 1, "b": [1, 2]}`. */
export function compactJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => compactJson(item ?? null)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined && typeof item !== 'function')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${compactJson(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)]));
  }
  return value;
}

/** Time for the profile table: `1.23s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

export interface TaskTiming {
  title: string;
  durationMs: number;
}

/**
 * The `--profile` table after the recap, like Ansible's profile_tasks: a rule of `=`, then the
 * slowest `limit` tasks (default 20), each `name ---…--- 1.23s` filled to COLUMNS.
 */
export function profileLines(timings: readonly TaskTiming[], limit = 20): string[] {
  const slowest = [...timings].sort((a, b) => b.durationMs - a.durationMs).slice(0, limit);
  const rows = slowest.map((timing) => {
    const time = ` ${seconds(timing.durationMs)}`;
    const name = `${timing.title} `.padEnd(COLUMNS - 9, '-');
    return `${name}${time.padStart(9, '-')}`;
  });
  return ['='.repeat(COLUMNS), ...rows];
}
