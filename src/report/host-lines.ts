/**
 * The lines one host result prints in the plain renderer, in Ansible's words: `ok: [east]`,
 * `changed: [west] => (item=a)`, `fatal: [east]: FAILED! => {...}`, `...ignoring`. Pure.
 */
import type { EngineEvent } from '../model/events.ts';
import type { ModuleResult, ResultDiff } from '../model/result.ts';
import { SECRET_MASK } from '../model/vars.ts';
import type { ColorName, Painter } from './color.ts';
import { dumpResult } from './format.ts';
import { maskSecretData } from './mask.ts';
import { unifiedDiff } from './unified-diff.ts';

export type HostResultEvent = Extract<EngineEvent, { type: 'host_result' }>;

export interface HostLineOptions {
  verbosity: number;
  /** Show diffs (`--diff`); -vv shows them too. */
  diff: boolean;
  paint: Painter;
}

/** What a `no_log` result prints instead of its values (Ansible's wording, shortened). */
export const CENSORED_MESSAGE = "the output has been hidden because 'no_log: true' was set for this result";

/** Keys a debug-like result drops before printing so that only its message or variable shows. */
const HIDDEN_IN_VERBOSE_ALWAYS = ['changed', 'failed', 'skipped', 'invocation', 'skip_reason'];

/** The result as it may be shown: Secret data masked; a censored result keeps only `censored` and `changed`. */
export function visibleResult(event: HostResultEvent): ModuleResult {
  if (!event.censored) return maskSecretData(event.result);
  const shown: ModuleResult = { censored: CENSORED_MESSAGE };
  if (event.result.changed !== undefined) shown.changed = event.result.changed;
  return shown;
}

/** The item label as it may be shown (`********` when censored). */
export function visibleItem(event: HostResultEvent): string | undefined {
  if (event.item === undefined) return undefined;
  return event.censored ? SECRET_MASK : event.item;
}

/** Results printed at every verbosity: the debug module's, or any marked `_verbose_always`. */
export function isVerboseAlways(event: HostResultEvent): boolean {
  const module = event.task.module.replace(/^ansible\.builtin\./, '');
  return event.result['_verbose_always'] === true || module === 'debug';
}

/** All lines for one host result: warnings, diff (when shown), the status line(s). */
export function hostResultLines(event: HostResultEvent, options: HostLineOptions): string[] {
  const { paint } = options;
  const result = printsBody(event, options) ? visibleResult(event) : event.result;
  const lines: string[] = [];
  for (const warning of resultWarnings(result)) lines.push(paint(`[WARNING]: ${warning}`, 'magenta'));
  if (!event.censored && (options.diff || options.verbosity >= 2))
    lines.push(...diffText(result.diff, paint));
  const [text, color] = statusText(event, result, options.verbosity);
  lines.push(...text.split('\n').map((line) => paint(line, color)));
  if (event.status === 'ignored' && event.item === undefined) lines.push(paint('...ignoring', 'cyan'));
  return lines;
}

/**
 * Whether the lines show more of the result than its warnings: a dump, a diff or `censored`. An
 * `ok: [west]` line at -v0 does not, and masking a sync's result (a report per object) for it was
 * work thrown away.
 */
function printsBody(event: HostResultEvent, options: HostLineOptions): boolean {
  const terse = event.status === 'ok' || event.status === 'changed' || event.status === 'skipped';
  return event.censored || options.diff || options.verbosity >= 1 || !terse || isVerboseAlways(event);
}

function statusText(event: HostResultEvent, result: ModuleResult, verbosity: number): [string, ColorName] {
  const host = `[${event.host}]`;
  const item = visibleItem(event);
  const itemText = item === undefined ? '' : ` => (item=${item})`;
  const dump = (indent = verbosity >= 3): string => dumpResult(result, { verbosity, indent });
  switch (event.status) {
    case 'ok':
    case 'changed': {
      const word = event.status === 'changed' ? 'changed' : 'ok';
      const color: ColorName = event.status === 'changed' ? 'yellow' : 'green';
      if (isVerboseAlways(event) && !event.censored) {
        return [`${word}: ${host}${itemText} => ${debugDump(result, verbosity)}`, color];
      }
      return [`${word}: ${host}${itemText}${verbosity >= 1 ? ` => ${dump()}` : ''}`, color];
    }
    case 'skipped':
      return [`skipping: ${host}${itemText}${verbosity >= 1 ? ` => ${dump()}` : ''}`, 'cyan'];
    case 'unreachable':
      if (item !== undefined) return [`unreachable: ${host} (item=${item}) => ${dump()}`, 'brightRed'];
      return [`fatal: ${host}: UNREACHABLE! => ${dump()}`, 'brightRed'];
    default:
      if (item !== undefined) return [`failed: ${host} (item=${item}) => ${dump()}`, 'red'];
      return [`fatal: ${host}: FAILED! => ${dump()}`, 'red'];
  }
}

function debugDump(result: ModuleResult, verbosity: number): string {
  const shown: ModuleResult = { ...result };
  for (const key of HIDDEN_IN_VERBOSE_ALWAYS) delete shown[key];
  return dumpResult(shown, { verbosity, indent: true });
}

function resultWarnings(result: ModuleResult): string[] {
  const warnings = result['warnings'];
  if (typeof warnings === 'string') return [warnings];
  return Array.isArray(warnings) ? warnings.map(String) : [];
}

/** Unified diff lines for a result's diff(s), colored like Ansible (- red, + green, @@ cyan). */
export function diffText(diff: ResultDiff | ResultDiff[] | undefined, paint: Painter): string[] {
  if (!diff) return [];
  const diffs = Array.isArray(diff) ? diff : [diff];
  return diffs.flatMap((one) =>
    unifiedDiff(one.before, one.after, one.header).map((line) => {
      if (line.startsWith('@@')) return paint(line, 'cyan');
      if (line.startsWith('+')) return paint(line, 'green');
      if (line.startsWith('-')) return paint(line, 'red');
      return line;
    }),
  );
}
