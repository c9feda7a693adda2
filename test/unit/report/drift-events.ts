// A check-mode run of k8s and k8s_sync tasks on three hosts, as the engine sends it: changed
// objects with --diff diffs (one a Secret), a pruned object, a loop, a no_log task, an unreachable
// host. The plan and JUnit tests read it.
import { objectDiff } from '../../../src/kube/diff.ts';
import type { EngineEvent, TaskRef } from '../../../src/model/events.ts';
import { emptyRecap } from '../../../src/model/result.ts';
import { hostResult } from '../../support/engine-events.ts';

const at = (line: number) => ({ file: 'playbooks/drift.yml', line, column: 7 });
const settings: TaskRef = { name: 'settings', module: 'k8s', role: 'apply', location: at(4) };
const sync: TaskRef = { name: 'copy objects', module: 'k8s_sync', location: at(9) };
const perItem: TaskRef = { name: 'one map per team', module: 'k8s', location: at(14) };
const hidden: TaskRef = { name: 'hidden', module: 'k8s', location: at(20) };

export const TOKEN = 'sha256~a-token-value';
export const PASSWORD = 'plain-text-password';

const configMap = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'demo' },
  data,
});
const secret = (password: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'creds', namespace: 'demo' },
  data: { password: Buffer.from(password).toString('base64') },
});
const ref = (kind: string, name: string, action: string, namespace: string | null = 'demo') => ({
  apiVersion: 'v1',
  kind,
  ...(namespace === null ? {} : { namespace }),
  name,
  action,
});

export function driftEvents(): EngineEvent[] {
  return [
    { type: 'playbook_start', file: 'playbooks/drift.yml', check: true },
    { type: 'play_start', name: 'apply', hosts: ['east', 'west', 'south'] },
    { type: 'task_start', task: settings, hosts: ['east', 'west', 'south'] },
    hostResult(
      settings,
      'east',
      'ok',
      { changed: false, objects: [ref('ConfigMap', 'settings', 'unchanged')], msg: '1 unchanged' },
      5,
    ),
    hostResult(
      settings,
      'west',
      'changed',
      {
        changed: true,
        objects: [ref('ConfigMap', 'settings', 'configured'), ref('Secret', 'creds', 'created')],
        diff: [
          objectDiff(configMap({ value: 'drifted' }), configMap({ value: 'wanted' })),
          objectDiff(undefined, secret(PASSWORD)),
        ],
        msg: `1 configured, 1 created (check mode: nothing written) ${TOKEN}`,
      },
      7,
    ),
    hostResult(
      settings,
      'south',
      'unreachable',
      { unreachable: true, msg: 'cluster south is unreachable: connection refused' },
      3,
    ),
    { type: 'task_end', task: settings, durationMs: 8 },
    { type: 'play_start', name: 'sync', hosts: ['west'] },
    { type: 'task_start', task: sync, hosts: ['west'] },
    hostResult(
      sync,
      'west',
      'changed',
      {
        changed: true,
        objects: [
          ref('ImageStream', 'old', 'pruned'),
          ref('ImageStream', 'app', 'unchanged'),
          ref('Namespace', 'demo', 'created', null),
        ],
        msg: 'from east: 1 created, 1 unchanged, 1 pruned',
      },
      9,
    ),
    { type: 'task_end', task: sync, durationMs: 9 },
    { type: 'task_start', task: perItem, hosts: ['west'] },
    ...['a', 'b'].map((team) =>
      hostResult(
        perItem,
        'west',
        team === 'a' ? 'changed' : 'ok',
        {
          changed: team === 'a',
          objects: [ref('ConfigMap', `team-${team}`, team === 'a' ? 'deleted' : 'missing')],
        },
        2,
        { item: team },
      ),
    ),
    hostResult(perItem, 'west', 'changed', { changed: true, results: [], msg: 'All items completed' }, 4, {
      loopSummary: true,
    }),
    { type: 'task_end', task: perItem, durationMs: 4 },
    { type: 'task_start', task: hidden, hosts: ['west'] },
    hostResult(
      hidden,
      'west',
      'changed',
      { changed: true, objects: [ref('Secret', 'hidden', 'created')], msg: 'secret stuff' },
      1,
      { censored: true },
    ),
    { type: 'task_end', task: hidden, durationMs: 1 },
    {
      type: 'recap',
      hosts: {
        east: { ...emptyRecap(), ok: 1 },
        west: { ...emptyRecap(), ok: 4, changed: 4 },
        south: { ...emptyRecap(), unreachable: 1 },
      },
      durationMs: 40,
      interrupted: false,
    },
  ];
}
