// The plan in `--output json` (docs/ci.md), built from the events of a check-mode k8s/k8s_sync run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineEvent } from '../../../src/model/events.ts';
import { emptyRecap } from '../../../src/model/result.ts';
import { JSON_FORMAT_VERSION, JsonRenderer } from '../../../src/report/json-renderer.ts';
import type { JsonDocument } from '../../../src/report/json-renderer.ts';
import { driftEvents as events, PASSWORD, TOKEN } from './drift-events.ts';
import { captureStream } from './golden.ts';

async function renderJson(list: EngineEvent[]): Promise<{ doc: JsonDocument; text: string }> {
  const { out, text } = captureStream();
  const renderer = new JsonRenderer({ out, verbosity: 0, color: false, diff: true, profile: false });
  renderer.addSecret(TOKEN);
  for (const event of list) renderer.emit(event);
  await renderer.close();
  return { doc: JSON.parse(text()) as JsonDocument, text: text() };
}

describe('the plan in --output json', () => {
  it('carries its format version and, per host, the tasks that would change or failed', async () => {
    const { doc } = await renderJson(events());
    assert.equal(doc.formatVersion, JSON_FORMAT_VERSION);
    assert.equal(doc.formatVersion, 1);
    assert.equal(doc.plan.changed, true);
    assert.deepEqual(Object.keys(doc.plan.hosts), ['east', 'south', 'west']);
    assert.deepEqual(doc.plan.hosts['east'], { status: 'ok', tasks: [] });
    assert.equal(doc.plan.hosts['south']?.status, 'unreachable');
    assert.deepEqual(
      doc.plan.hosts['south']?.tasks.map((task) => [task.task, task.status, task.msg]),
      [['apply : settings', 'unreachable', 'cluster south is unreachable: connection refused']],
    );
    const west = doc.plan.hosts['west'];
    assert.equal(west?.status, 'changed');
    assert.deepEqual(
      west?.tasks.map((task) => [task.play, task.task, task.module, task.location.line]),
      [
        ['apply', 'apply : settings', 'k8s', 4],
        ['sync', 'copy objects', 'k8s_sync', 9],
        ['sync', 'one map per team', 'k8s', 14],
        ['sync', 'hidden', 'k8s', 20],
      ],
    );
  });

  it('names each object created, updated or deleted with kind, namespace, name and its diff summary', async () => {
    const { doc } = await renderJson(events());
    const [settingsTask, syncTask, loopTask, hiddenTask] = doc.plan.hosts['west']!.tasks;
    const configMapChange = settingsTask?.changes[0];
    assert.deepEqual(
      { ...configMapChange, diff: undefined },
      {
        change: 'update',
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'demo',
        name: 'settings',
        action: 'configured',
        diff: undefined,
      },
    );
    assert.deepEqual([configMapChange?.diff?.added, configMapChange?.diff?.removed], [1, 1]);
    assert.ok(configMapChange?.diff?.lines.includes('-  value: drifted'));
    assert.ok(configMapChange?.diff?.lines.includes('+  value: wanted'));
    assert.deepEqual(
      syncTask?.changes.map((c) => [c.change, c.kind, c.namespace, c.name, c.action]),
      [
        ['delete', 'ImageStream', 'demo', 'old', 'pruned'],
        ['create', 'Namespace', undefined, 'demo', 'created'],
      ],
    );
    assert.deepEqual(
      loopTask?.changes.map((c) => [c.change, c.name]),
      [['delete', 'team-a']],
    );
    assert.equal(loopTask?.status, 'changed');
    assert.deepEqual(hiddenTask?.changes, [], 'a no_log result shows no objects');
    assert.doesNotMatch(JSON.stringify(hiddenTask), /secret stuff/);
  });

  it('never carries Secret data or a known secret: Secret values are hmac-masked, tokens ********', async () => {
    const { doc, text } = await renderJson(events());
    const secretChange = doc.plan.hosts['west']?.tasks[0]?.changes[1];
    assert.equal(secretChange?.kind, 'Secret');
    assert.equal(secretChange?.change, 'create');
    assert.ok(secretChange?.diff?.lines.some((line) => /password: "\*{8} \(hmac:[0-9a-f]{8}\)"/.test(line)));
    assert.ok(!text.includes(PASSWORD) && !text.includes(Buffer.from(PASSWORD).toString('base64')));
    assert.ok(!text.includes(TOKEN));
    assert.match(String(doc.plan.hosts['west']?.tasks[0]?.msg), /\*{8}$/);
  });

  it('a converged run has an empty plan: changed false and no tasks on any host', async () => {
    const list = events()
      .filter((event) => event.type !== 'host_result' || event.host === 'east')
      .map((event): EngineEvent =>
        event.type === 'recap' ? { ...event, hosts: { east: { ...emptyRecap(), ok: 1 } } } : event,
      );
    const { doc } = await renderJson(list);
    assert.deepEqual(doc.plan, { changed: false, hosts: { east: { status: 'ok', tasks: [] } } });
  });

  it('sums the recaps of several playbooks, so a host changed only in the first still shows', async () => {
    const first = events();
    const second: EngineEvent[] = [
      { type: 'playbook_start', file: 'playbooks/second.yml', check: true },
      {
        type: 'recap',
        hosts: { east: { ...emptyRecap(), ok: 1 } },
        durationMs: 1,
        interrupted: false,
      },
    ];
    const { doc } = await renderJson([...first, ...second]);
    assert.equal(doc.plan.hosts['west']?.status, 'changed');
    assert.equal(doc.plan.changed, true);
  });
});
