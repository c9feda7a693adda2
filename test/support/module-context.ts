// The one fake ModuleContext for tests that call a module, or the kube layer, directly: host
// `east`, the real process runner, a clock whose sleeps return at once, and every log line,
// secret and sleep recorded for the test to assert on.
import type { ModuleContext } from '../../src/model/module.ts';
import type { Vars } from '../../src/model/vars.ts';
import { createProcessRunner } from '../../src/modules/services.ts';
import { sleepSteppingClock } from './fake-clock.ts';

export interface FakeModuleContext extends ModuleContext {
  /** Log lines by level, in the order they were logged. */
  lines: { debug: string[]; info: string[]; warn: string[] };
  /** The warn lines (the same array as `lines.warn`). */
  warnings: string[];
  /** Every value registered with `services.secrets`. */
  secretValues: string[];
  /** Every sleep asked of the default clock (ms), which returns at once and moves time on. */
  sleeps: number[];
}

/**
 * A context for host `east` with `vars`. `hostVars` are the other inventory hosts and their
 * variables (k8s_sync reads its source host's). `overrides` replace fields whole: a test that
 * passes its own `services` keeps its own clock and secrets, and `sleeps`/`secretValues` then
 * stay empty.
 */
export function moduleContext(
  overrides: Partial<ModuleContext> = {},
  vars: Vars = {},
  hostVars: Record<string, Vars> = {},
): FakeModuleContext {
  const lines = { debug: [] as string[], info: [] as string[], warn: [] as string[] };
  const secretValues: string[] = [];
  const clock = sleepSteppingClock();
  return {
    host: 'east',
    vars,
    check: false,
    diff: false,
    verbosity: 0,
    inventory: {
      hostNames: () => ['east', ...Object.keys(hostVars)],
      groupHosts: () => [],
      hostVars: (host) => hostVars[host] ?? {},
    },
    services: {
      processes: createProcessRunner(),
      clock,
      secrets: { add: (value) => void secretValues.push(value) },
      runCache: new Map(),
    },
    log: {
      debug: (message) => void lines.debug.push(message),
      info: (message) => void lines.info.push(message),
      warn: (message) => void lines.warn.push(message),
    },
    signal: new AbortController().signal,
    baseDir: process.cwd(),
    searchPaths: [],
    environment: {},
    lines,
    warnings: lines.warn,
    secretValues,
    sleeps: clock.sleeps,
    ...overrides,
  };
}
