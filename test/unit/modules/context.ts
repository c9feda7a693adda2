// A ModuleContext for module tests: real process runner, a fake clock that records sleeps.
import type { Clock, ModuleContext } from '../../../src/model/module.ts';
import type { Vars } from '../../../src/model/vars.ts';
import { createProcessRunner } from '../../../src/modules/services.ts';

export interface FakeClock extends Clock {
  sleeps: number[];
}

/** Time moves only when something sleeps. */
export function fakeClock(start = Date.UTC(2024, 0, 1)): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}

export function moduleContext(
  overrides: Partial<ModuleContext> = {},
  vars: Vars = {},
): ModuleContext & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    host: 'east',
    vars,
    check: false,
    diff: false,
    verbosity: 0,
    inventory: { hostNames: () => ['east'], groupHosts: () => [], hostVars: () => ({}) },
    services: { processes: createProcessRunner(), clock: fakeClock(), runCache: new Map() },
    log: { info: () => undefined, debug: () => undefined, warn: (message) => warnings.push(message) },
    signal: new AbortController().signal,
    baseDir: process.cwd(),
    searchPaths: [],
    environment: {},
    warnings,
    ...overrides,
  };
}
