// A fixed run of engine events (fixed durations) used by the renderer golden tests.
import type { EngineEvent, TaskRef } from '../../../src/model/events.ts';
import { emptyRecap } from '../../../src/model/result.ts';
import type { ModuleResult } from '../../../src/model/result.ts';
import { hostResult } from '../../support/engine-events.ts';

const at = (line: number) => ({ file: 'playbooks/sync.yml', line, column: 7 });

const createNs: TaskRef = { name: 'create namespace', module: 'k8s', role: 'create', location: at(3) };
const copyItems: TaskRef = { name: 'copy image streams', module: 'command', location: at(10) };
const say: TaskRef = { name: 'say hello', module: 'debug', location: at(15) };
const login: TaskRef = { name: 'log in', module: 'uri', location: at(20) };
const probe: TaskRef = { name: 'probe api', module: 'wait_for', location: at(25) };
const restart: TaskRef = { name: 'restart router', module: 'command', location: at(30), handler: true };

export const SECRET = 'sha256~tOkEn';
const FALSE_CONDITION = 'Conditional result was False';
const REFUSED = 'connect ECONNREFUSED 10.0.0.2:6443';

/** East's result of `create namespace`: a --diff diff and the module args. */
const createdDemo: ModuleResult = {
  changed: true,
  msg: 'created',
  diff: {
    before: 'kind: Namespace\nmetadata:\n  name: demo\n',
    after: 'kind: Namespace\nmetadata:\n  name: demo\n  labels:\n    a: b\n',
    header: 'v1/Namespace demo',
  },
  invocation: { module_args: { name: 'demo' } },
  _verbose_always: false,
};

/** East's result of the `restart router` handler. */
const noRouter: ModuleResult = {
  failed: true,
  rc: 2,
  msg: 'non-zero return code',
  stdout: '',
  stderr: 'no such router',
};

export function fixtureEvents(): EngineEvent[] {
  return [
    { type: 'playbook_start', file: 'playbooks/sync.yml', check: false },
    { type: 'play_start', name: 'create projects', hosts: ['east', 'west', 'south'] },
    { type: 'task_start', task: createNs, hosts: ['east', 'west', 'south'] },
    hostResult(createNs, 'east', 'changed', createdDemo, 120),
    hostResult(createNs, 'west', 'ok', { changed: false }, 80),
    hostResult(createNs, 'south', 'skipped', { skipped: true, skip_reason: FALSE_CONDITION }, 1),
    { type: 'task_end', task: createNs, durationMs: 1230 },
    { type: 'task_start', task: copyItems, hosts: ['east', 'west'] },
    hostResult(copyItems, 'east', 'ok', { changed: false, rc: 0 }, 10, { item: 'app' }),
    hostResult(copyItems, 'east', 'changed', { changed: true, rc: 0 }, 10, { item: 'db' }),
    hostResult(copyItems, 'east', 'changed', { changed: true, results: [] }, 20, { loopSummary: true }),
    hostResult(copyItems, 'west', 'failed', { failed: true, rc: 1, msg: 'non-zero return code' }, 10, {
      item: 'app',
    }),
    hostResult(copyItems, 'west', 'ignored', { failed: true, msg: 'One or more items failed' }, 10, {
      loopSummary: true,
    }),
    { type: 'task_end', task: copyItems, durationMs: 40 },
    { type: 'task_start', task: say, hosts: ['east'] },
    hostResult(say, 'east', 'ok', { changed: false, msg: 'hello east' }, 1),
    { type: 'task_end', task: say, durationMs: 2 },
    { type: 'task_start', task: login, hosts: ['east', 'west'] },
    hostResult(login, 'east', 'ok', { changed: false, token: SECRET }, 5, { censored: true }),
    hostResult(login, 'west', 'ok', { changed: false, msg: `logged in with ${SECRET}` }, 5),
    { type: 'task_end', task: login, durationMs: 10 },
    { type: 'warning', message: 'south: api_url is not set, using clusterhost' },
    { type: 'task_start', task: probe, hosts: ['west'] },
    hostResult(probe, 'west', 'unreachable', { unreachable: true, msg: REFUSED }, 3000),
    { type: 'task_end', task: probe, durationMs: 3001 },
    { type: 'task_start', task: restart, hosts: ['east'] },
    hostResult(restart, 'east', 'failed', noRouter, 15),
    { type: 'task_end', task: restart, durationMs: 16 },
    { type: 'play_start', name: 'sync slaves', hosts: [] },
    { type: 'no_hosts', play: 'sync slaves', pattern: 'slaves' },
    {
      type: 'recap',
      hosts: {
        west: { ...emptyRecap(), ok: 2, unreachable: 1, ignored: 1 },
        east: { ...emptyRecap(), ok: 5, changed: 2, failed: 1 },
        south: { ...emptyRecap(), skipped: 1 },
      },
      durationMs: 4321,
      interrupted: false,
    },
  ];
}
