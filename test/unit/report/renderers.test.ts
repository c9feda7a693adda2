import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineEvent, TaskRef } from '../../../src/model/events.ts';
import { emptyRecap } from '../../../src/model/result.ts';
import { JsonRenderer } from '../../../src/report/json-renderer.ts';
import { PlainRenderer } from '../../../src/report/plain-renderer.ts';
import { createRenderer } from '../../../src/report/renderer.ts';
import type { RendererKind, RendererOptions } from '../../../src/report/renderer.ts';
import { TreeRenderer } from '../../../src/report/tree-renderer.ts';
import { hostResult } from '../../support/engine-events.ts';
import { SECRET, fixtureEvents } from './fixture-events.ts';
import { assertGolden, captureStream } from './golden.ts';

async function render(
  kind: RendererKind,
  options: Partial<RendererOptions> = {},
  events: EngineEvent[] = fixtureEvents(),
  tty = false,
): Promise<string> {
  const { out, text } = captureStream(tty);
  const renderer = createRenderer(kind, {
    out,
    verbosity: 0,
    color: false,
    diff: false,
    profile: false,
    env: {},
    ...options,
  });
  renderer.addSecret(SECRET);
  for (const event of events) renderer.emit(event);
  await renderer.close();
  return text();
}

const ESC = '\u001b[';

describe('plain renderer', () => {
  it('prints Ansible-like lines at default verbosity', async () => {
    await assertGolden('plain-v0.txt', await render('plain'));
  });

  it('adds compact results with -v', async () => {
    await assertGolden('plain-v1.txt', await render('plain', { verbosity: 1 }));
  });

  it('adds diffs, task paths and invocation with -vv', async () => {
    await assertGolden('plain-v2.txt', await render('plain', { verbosity: 2 }));
  });

  it('shows diffs at verbosity 0 with --diff and the slowest tasks with --profile', async () => {
    await assertGolden('plain-diff-profile.txt', await render('plain', { diff: true, profile: true }));
  });

  it('prints the recap line exactly in ansible-playbook format', async () => {
    const recap: EngineEvent = {
      type: 'recap',
      hosts: { east: { ...emptyRecap(), ok: 3, changed: 1 } },
      durationMs: 1,
      interrupted: false,
    };
    const lines = (await render('plain', {}, [recap])).split('\n');
    assert.equal(lines[1], 'PLAY RECAP ' + '*'.repeat(69));
    assert.equal(
      lines[2],
      'east                       : ok=3    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ',
    );
  });

  it('says the run was interrupted before the recap', async () => {
    const recap: EngineEvent = { type: 'recap', hosts: {}, durationMs: 1, interrupted: true };
    assert.match(await render('plain', {}, [recap]), /^\[ERROR\]: User interrupted execution\n/);
  });

  it('never prints a registered secret or a no_log result', async () => {
    const text = await render('plain', { verbosity: 3, diff: true });
    assert.ok(!text.includes(SECRET));
    assert.ok(!text.includes('"token"'));
    assert.match(text, /logged in with \*{8}/);
    assert.match(text, /'no_log: true'/);
  });

  it('hides no_log loop item labels', async () => {
    const task = { name: 't', module: 'command', location: { file: 'f.yml', line: 1, column: 1 } };
    const events: EngineEvent[] = [
      hostResult(task, 'east', 'ok', {}, 1, { item: 'password1', censored: true }),
    ];
    assert.equal(await render('plain', {}, events), 'ok: [east] => (item=********)\n');
  });

  it('colors a terminal unless NO_COLOR is set (any value)', async () => {
    assert.ok((await render('plain', { color: true }, fixtureEvents(), true)).includes(ESC));
    assert.ok(
      !(await render('plain', { color: true, env: { NO_COLOR: '' } }, fixtureEvents(), true)).includes(ESC),
    );
    assert.ok(!(await render('plain', { color: true }, fixtureEvents(), false)).includes(ESC));
  });
});

describe('json renderer', () => {
  it('prints one JSON document with plays, tasks, host results and the recap', async () => {
    const text = await render('json', { verbosity: 3 });
    const doc = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc).sort(), [
      'check',
      'durationMs',
      'formatVersion',
      'interrupted',
      'plan',
      'playbook',
      'plays',
      'recap',
      'warnings',
    ]);
    await assertGolden('run.json', text);
  });

  it('nests loop items under the host and keeps the aggregate status', async () => {
    const { out, text } = captureStream();
    const renderer = new JsonRenderer({ out, verbosity: 0, color: false, diff: false, profile: false });
    renderer.addSecret(SECRET);
    for (const event of fixtureEvents()) renderer.emit(event);
    const task = renderer.document().plays[0]?.tasks[1];
    assert.equal(task?.hosts['east']?.status, 'changed');
    assert.deepEqual(
      task?.hosts['east']?.items?.map((item) => item['item']),
      ['app', 'db'],
    );
    assert.equal(task?.hosts['west']?.status, 'ignored');
    assert.equal(task?.durationMs, 40);
    await renderer.close();
    assert.ok(!text().includes(SECRET));
  });
});

describe('createRenderer', () => {
  const base = { verbosity: 0, color: true, diff: false, profile: false };

  it('picks the tree on a terminal and plain in CI or a pipe', () => {
    assert.ok(
      createRenderer('auto', { ...base, out: captureStream(true).out, env: {} }) instanceof TreeRenderer,
    );
    assert.ok(
      createRenderer('auto', { ...base, out: captureStream(true).out, env: { CI: 'true' } }) instanceof
        PlainRenderer,
    );
    assert.ok(
      createRenderer('auto', { ...base, out: captureStream(false).out, env: {} }) instanceof PlainRenderer,
    );
    assert.ok(
      createRenderer('json', { ...base, out: captureStream(true).out, env: {} }) instanceof JsonRenderer,
    );
  });
});

describe('tree renderer', () => {
  it('prints the same recap as the plain renderer when it closes', async () => {
    const plain = await render('plain');
    const tree = await render('tree');
    const recapOf = (text: string): string => text.slice(text.indexOf('PLAY RECAP'));
    assert.equal(recapOf(tree), recapOf(plain));
    assert.ok(!tree.includes(SECRET));
  });

  it('settles hosts that never reported when the task ends', async () => {
    const task = { name: 't', module: 'command', location: { file: 'f.yml', line: 1, column: 1 } };
    const events: EngineEvent[] = [
      { type: 'task_start', task, hosts: ['east', 'west'] },
      { type: 'host_result', task, host: 'east', status: 'ok', result: {}, durationMs: 1 },
      { type: 'task_end', task, durationMs: 2 },
      { type: 'recap', hosts: { east: { ...emptyRecap(), ok: 1 } }, durationMs: 2, interrupted: false },
    ];
    assert.match(await render('tree', {}, events), /PLAY RECAP/);
  });
});

describe('module log lines', () => {
  const events: EngineEvent[] = [
    { type: 'log', host: 'east', message: `kind not served; token ${SECRET}` },
    { type: 'recap', hosts: { east: emptyRecap() }, durationMs: 1, interrupted: false },
  ];

  it('plain prints -v detail as a host-prefixed line, not a warning, with secrets masked', async () => {
    const text = await render('plain', {}, events);
    assert.match(text, /^<east> kind not served; token \*{8}$/m);
    assert.doesNotMatch(text, /WARNING/);
    assert.ok(!text.includes(SECRET));
  });

  it('json keeps them under logs, apart from warnings', async () => {
    const doc = JSON.parse(await render('json', {}, events)) as { logs: unknown[]; warnings: unknown[] };
    assert.equal(doc.logs.length, 1);
    assert.deepEqual(doc.warnings, []);
  });
});

describe('Secret data in results', () => {
  const read: TaskRef = {
    name: 'read secrets',
    module: 'k8s_info',
    location: { file: 'p.yml', line: 3, column: 7 },
  };
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'demo' },
    data: { password: 'aHVudGVyMg==' },
    stringData: { user: 'admin-9f3c' },
  };
  const events: EngineEvent[] = [
    { type: 'playbook_start', file: 'p.yml', check: false },
    { type: 'play_start', name: 'read', hosts: ['east'] },
    { type: 'task_start', task: read, hosts: ['east'] },
    hostResult(read, 'east', 'ok', { changed: false, resources: [secret], _verbose_always: true }, 5),
    { type: 'task_end', task: read, durationMs: 5 },
    { type: 'recap', hosts: { east: { ...emptyRecap(), ok: 1 } }, durationMs: 10, interrupted: false },
  ];

  for (const kind of ['plain', 'tree', 'json'] as const) {
    it(`${kind}: a k8s_info result shows the Secret's keys, never its values`, async () => {
      const text = await render(kind, { verbosity: 1 }, events);
      assert.match(text, /password/);
      assert.doesNotMatch(text, /aHVudGVyMg==|admin-9f3c/);
    });
  }
});
