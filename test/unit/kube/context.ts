// A ModuleContext for kube tests: records log lines, secrets and sleeps; the clock does not wait.
import type { Clock, ModuleContext } from '../../../src/model/module.ts';
import type { Vars } from '../../../src/model/vars.ts';

export interface TestContext extends ModuleContext {
  lines: { debug: string[]; info: string[]; warn: string[] };
  secretValues: string[];
  sleeps: number[];
}

export function fastClock(sleeps: number[] = []): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

export function testContext(
  vars: Vars,
  extra: Partial<ModuleContext> = {},
  hostVars: Record<string, Vars> = {},
): TestContext {
  const lines = { debug: [] as string[], info: [] as string[], warn: [] as string[] };
  const secretValues: string[] = [];
  const sleeps: number[] = [];
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
      processes: { run: async () => ({ exitCode: 0, stdout: '', stderr: '' }) },
      clock: fastClock(sleeps),
      secrets: { add: (v) => void secretValues.push(v) },
      runCache: new Map(),
    },
    log: {
      debug: (m) => void lines.debug.push(m),
      info: (m) => void lines.info.push(m),
      warn: (m) => void lines.warn.push(m),
    },
    signal: new AbortController().signal,
    baseDir: process.cwd(),
    searchPaths: [],
    environment: {},
    lines,
    secretValues,
    sleeps,
    ...extra,
  };
}
