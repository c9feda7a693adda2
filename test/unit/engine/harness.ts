/** A small harness: runs model playbooks through the real engine with in-memory inventory/modules. */
import type { EngineEvent } from '../../../src/model/events.ts';
import type { ModuleDefinition, ModuleRegistry } from '../../../src/model/module.ts';
import type { Play, Playbook, Task, TaskNode, Block, Handler } from '../../../src/model/playbook.ts';
import type { Vars } from '../../../src/model/vars.ts';
import { runPlaybook } from '../../../src/engine/playbook-runner.ts';
import type { EngineDeps, RunOptions } from '../../../src/engine/ports.ts';
import { createTemplar } from '../../../src/template/index.ts';
import { evaluateHostPattern, evaluateTerms, selectHosts } from '../../../src/inventory/host-patterns.ts';

const loc = { file: 'test.yml', line: 1, column: 1 };

export function task(module: string, args: Vars = {}, extra: Partial<Task> = {}): Task {
  return { kind: 'task', module, args, when: [], tags: [], vars: {}, notify: [], location: loc, ...extra };
}

export function block(body: TaskNode[], extra: Partial<Block> = {}): Block {
  return {
    kind: 'block',
    block: body,
    rescue: [],
    always: [],
    when: [],
    tags: [],
    vars: {},
    location: loc,
    ...extra,
  };
}

export function handler(name: string, module: string, args: Vars = {}): Handler {
  return { ...task(module, args, { name }), listen: [name] };
}

export function play(tasks: TaskNode[], extra: Partial<Play> = {}): Play {
  return {
    name: 'test play',
    hosts: 'all',
    vars: {},
    varsFiles: [],
    environment: [],
    preTasks: [],
    roles: [],
    tasks,
    postTasks: [],
    handlers: [],
    anyErrorsFatal: false,
    gatherFacts: false,
    tags: [],
    location: loc,
    baseDir: '/tmp',
    ...extra,
  };
}

/** Modules for tests: `ok`, `change`, `boom` (fails), `gone` (unreachable), `echo` (returns its args), set_fact. */
export function testModules(calls: string[] = []): ModuleRegistry {
  const any = { type: 'object' } as const;
  const defs: ModuleDefinition[] = [
    {
      name: 'ok',
      description: '',
      argsSchema: any,
      supportsCheckMode: true,
      run: async (_a, c) => (calls.push(`ok:${c.host}`), { changed: false }),
    },
    {
      name: 'change',
      description: '',
      argsSchema: any,
      supportsCheckMode: false,
      run: async (_a, c) => (calls.push(`change:${c.host}`), { changed: true }),
    },
    {
      name: 'boom',
      description: '',
      argsSchema: any,
      supportsCheckMode: true,
      run: async (a, c) => (
        calls.push(`boom:${c.host}`),
        { failed: a['only'] === undefined || a['only'] === c.host, msg: 'boom' }
      ),
    },
    {
      name: 'gone',
      description: '',
      argsSchema: any,
      supportsCheckMode: true,
      run: async (a, c) => ({
        unreachable: a['only'] === undefined || a['only'] === c.host,
        msg: 'connection refused',
      }),
    },
    {
      name: 'echo',
      description: '',
      argsSchema: any,
      supportsCheckMode: true,
      run: async (a, c) => (calls.push(`echo:${c.host}:${JSON.stringify(a)}`), { changed: false, args: a }),
    },
    {
      name: 'set_fact',
      description: '',
      argsSchema: any,
      supportsCheckMode: true,
      run: async (a) => ({ changed: false, facts: a }),
    },
  ];
  return { get: (name) => defs.find((d) => d.name === name), names: () => defs.map((d) => d.name) };
}

export interface RunResult {
  exitCode: number;
  recap: Record<string, Record<string, number>>;
  events: EngineEvent[];
}

export async function run(
  playbook: Play[] | Playbook,
  options: Partial<RunOptions> & {
    hosts?: Record<string, Vars>;
    modules?: ModuleRegistry;
    interrupt?: AbortSignal;
  } = {},
): Promise<RunResult> {
  const hostVars = options.hosts ?? { east: {}, west: {} };
  const names = Object.keys(hostVars);
  const events: EngineEvent[] = [];
  const scope = {
    hostNames: () => names,
    groupNames: () => ['all', 'ungrouped'],
    groupHosts: (group: string) => (group === 'all' || group === 'ungrouped' ? names : []),
  };
  const deps: EngineDeps = {
    templates: createTemplar(),
    inventory: {
      ...scope,
      hostVars: (name) => ({ ...hostVars[name], inventory_hostname: name }),
      hasHost: (name) => name in hostVars,
      selectHosts: (pattern) => selectHosts(scope, pattern),
      evaluatePattern: (pattern) => evaluateHostPattern(scope, pattern),
      selectTerms: (terms) => evaluateTerms(scope, terms),
    },
    loader: {
      loadVarsFile: async () => ({}),
      loadTasksFile: async () => [],
      loadRole: async () => block([]),
    },
    modules: options.modules ?? testModules(),
    services: {
      processes: { run: async () => ({ exitCode: 0, stdout: '', stderr: '' }) },
      clock: { now: () => 0, sleep: async () => {} },
      runCache: new Map(),
    },
    sink: { emit: (event) => events.push(event) },
    interrupt: options.interrupt ?? new AbortController().signal,
  };
  const book: Playbook = Array.isArray(playbook) ? { file: 'test.yml', plays: playbook } : playbook;
  const runOptions: RunOptions = {
    check: false,
    diff: false,
    forks: 10,
    verbosity: 0,
    extraVars: {},
    limit: [],
    tags: [],
    skipTags: [],
    ...options,
  };
  const outcome = await runPlaybook(book, deps, runOptions);
  return {
    exitCode: outcome.exitCode,
    recap: outcome.recap as unknown as Record<string, Record<string, number>>,
    events,
  };
}

export function resultsOf(
  events: EngineEvent[],
  host: string,
): Extract<EngineEvent, { type: 'host_result' }>[] {
  return events.filter(
    (e): e is Extract<EngineEvent, { type: 'host_result' }> => e.type === 'host_result' && e.host === host,
  );
}
