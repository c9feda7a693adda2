// A fixed run of engine events (fixed durations) used by the renderer golden tests.
import type { EngineEvent, TaskRef } from '../../../src/model/events.ts';
import { emptyRecap } from '../../../src/model/result.ts';

const at = (line: number) => ({ file: 'playbooks/sync.yml', line, column: 7 });

const createNs: TaskRef = { name: 'create namespace', module: 'k8s', role: 'create', location: at(3) };
const copyItems: TaskRef = { name: 'copy image streams', module: 'command', location: at(10) };
const say: TaskRef = { name: 'say hello', module: 'debug', location: at(15) };
const login: TaskRef = { name: 'log in', module: 'uri', location: at(20) };
const probe: TaskRef = { name: 'probe api', module: 'wait_for', location: at(25) };
const restart: TaskRef = { name: 'restart router', module: 'command', location: at(30), handler: true };

export const SECRET = 'sha256~tOkEn';

export function fixtureEvents(): EngineEvent[] {
  return [
    { type: 'playbook_start', file: 'playbooks/sync.yml', check: false },
    { type: 'play_start', name: 'create projects', hosts: ['east', 'west', 'south'] },
    { type: 'task_start', task: createNs, hosts: ['east', 'west', 'south'] },
    {
      type: 'host_result',
      task: createNs,
      host: 'east',
      status: 'changed',
      result: {
        changed: true,
        msg: 'created',
        diff: {
          before: 'kind: Namespace\nmetadata:\n  name: demo\n',
          after: 'kind: Namespace\nmetadata:\n  name: demo\n  labels:\n    a: b\n',
          header: 'v1/Namespace demo',
        },
        invocation: { module_args: { name: 'demo' } },
        _verbose_always: false,
      },
      durationMs: 120,
    },
    {
      type: 'host_result',
      task: createNs,
      host: 'west',
      status: 'ok',
      result: { changed: false },
      durationMs: 80,
    },
    {
      type: 'host_result',
      task: createNs,
      host: 'south',
      status: 'skipped',
      result: { skipped: true, skip_reason: 'Conditional result was False' },
      durationMs: 1,
    },
    { type: 'task_end', task: createNs, durationMs: 1230 },
    { type: 'task_start', task: copyItems, hosts: ['east', 'west'] },
    {
      type: 'host_result',
      task: copyItems,
      host: 'east',
      status: 'ok',
      item: 'app',
      result: { changed: false, rc: 0 },
      durationMs: 10,
    },
    {
      type: 'host_result',
      task: copyItems,
      host: 'east',
      status: 'changed',
      item: 'db',
      result: { changed: true, rc: 0 },
      durationMs: 10,
    },
    {
      type: 'host_result',
      task: copyItems,
      host: 'east',
      status: 'changed',
      loopSummary: true,
      result: { changed: true, results: [] },
      durationMs: 20,
    },
    {
      type: 'host_result',
      task: copyItems,
      host: 'west',
      status: 'failed',
      item: 'app',
      result: { failed: true, rc: 1, msg: 'non-zero return code' },
      durationMs: 10,
    },
    {
      type: 'host_result',
      task: copyItems,
      host: 'west',
      status: 'ignored',
      loopSummary: true,
      result: { failed: true, msg: 'One or more items failed' },
      durationMs: 10,
    },
    { type: 'task_end', task: copyItems, durationMs: 40 },
    { type: 'task_start', task: say, hosts: ['east'] },
    {
      type: 'host_result',
      task: say,
      host: 'east',
      status: 'ok',
      result: { changed: false, msg: 'hello east' },
      durationMs: 1,
    },
    { type: 'task_end', task: say, durationMs: 2 },
    { type: 'task_start', task: login, hosts: ['east', 'west'] },
    {
      type: 'host_result',
      task: login,
      host: 'east',
      status: 'ok',
      censored: true,
      result: { changed: false, token: SECRET },
      durationMs: 5,
    },
    {
      type: 'host_result',
      task: login,
      host: 'west',
      status: 'ok',
      result: { changed: false, msg: `logged in with ${SECRET}` },
      durationMs: 5,
    },
    { type: 'task_end', task: login, durationMs: 10 },
    { type: 'warning', message: 'south: api_url is not set, using clusterhost' },
    { type: 'task_start', task: probe, hosts: ['west'] },
    {
      type: 'host_result',
      task: probe,
      host: 'west',
      status: 'unreachable',
      result: { unreachable: true, msg: 'connect ECONNREFUSED 10.0.0.2:6443' },
      durationMs: 3000,
    },
    { type: 'task_end', task: probe, durationMs: 3001 },
    { type: 'task_start', task: restart, hosts: ['east'] },
    {
      type: 'host_result',
      task: restart,
      host: 'east',
      status: 'failed',
      result: { failed: true, rc: 2, msg: 'non-zero return code', stdout: '', stderr: 'no such router' },
      durationMs: 15,
    },
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
