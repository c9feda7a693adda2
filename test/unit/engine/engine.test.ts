import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { block, handler, play, resultsOf, run, task, testModules } from './harness.ts';

describe('engine: recap and exit codes', () => {
  it('counts ok and changed like ansible (changed tasks count as ok too) and exits 0', async () => {
    const { exitCode, recap } = await run([play([task('ok'), task('change')])]);
    assert.equal(exitCode, 0);
    assert.deepEqual(recap['east'], {
      ok: 2,
      changed: 1,
      unreachable: 0,
      failed: 0,
      skipped: 0,
      rescued: 0,
      ignored: 0,
    });
  });

  it('a failed host stops its own tasks while other hosts go on, and the run exits 2', async () => {
    const calls: string[] = [];
    const { exitCode, recap } = await run([play([task('boom', { only: 'east' }), task('ok')])], {
      modules: testModules(calls),
    });
    assert.equal(exitCode, 2);
    assert.equal(recap['east']!['failed'], 1);
    assert.ok(!calls.includes('ok:east'));
    assert.ok(calls.includes('ok:west'));
  });

  it('an unreachable host is counted apart from failures and the run exits 4', async () => {
    const { exitCode, recap } = await run([play([task('gone', { only: 'west' }), task('ok')])]);
    assert.equal(exitCode, 4);
    assert.equal(recap['west']!['unreachable'], 1);
    assert.equal(recap['west']!['failed'], 0);
    assert.equal(recap['east']!['ok'], 2);
  });

  it('failed hosts are left out of later plays', async () => {
    const calls: string[] = [];
    await run([play([task('boom', { only: 'east' })]), play([task('ok')])], { modules: testModules(calls) });
    assert.deepEqual(
      calls.filter((c) => c.startsWith('ok')),
      ['ok:west'],
    );
  });

  it('ignore_errors counts ok and ignored, not failed', async () => {
    const { exitCode, recap } = await run([play([task('boom', {}, { ignoreErrors: true }), task('ok')])]);
    assert.equal(exitCode, 0);
    assert.deepEqual(recap['east'], {
      ok: 2,
      changed: 0,
      unreachable: 0,
      failed: 0,
      skipped: 0,
      rescued: 0,
      ignored: 1,
    });
  });

  it('an interrupt stops new tasks and exits 99 with a recap', async () => {
    const controller = new AbortController();
    controller.abort();
    const { exitCode, events } = await run([play([task('ok')])], { interrupt: controller.signal });
    assert.equal(exitCode, 99);
    assert.ok(events.some((e) => e.type === 'recap' && e.interrupted));
  });
});

describe('engine: conditions, loops and variables', () => {
  it('when false skips the task and counts skipped', async () => {
    const { recap } = await run([play([task('ok', {}, { when: ["{{ eq inventory_hostname 'east' }}"] })])]);
    assert.equal(recap['east']!['ok'], 1);
    assert.equal(recap['west']!['skipped'], 1);
  });

  it('loops render per item and register collects results', async () => {
    const calls: string[] = [];
    await run(
      [
        play([
          task(
            'echo',
            { v: '{{ item }}' },
            { loop: { kind: 'loop', items: [1, 2], loopVar: 'item' }, register: 'out' },
          ),
          task('echo', { n: '{{ length out.results }}', first: '{{ out.results.0.args.v }}' }),
        ]),
      ],
      { modules: testModules(calls), hosts: { east: {} } },
    );
    assert.deepEqual(calls, ['echo:east:{"v":1}', 'echo:east:{"v":2}', 'echo:east:{"n":2,"first":1}']);
  });

  it('with_subelements pairs each parent with each child as item.0 and item.1', async () => {
    const calls: string[] = [];
    const permissions = [
      { role: 'admin', users: ['ann', 'bob'] },
      { role: 'view', users: ['cy'] },
    ];
    await run(
      [
        play(
          [
            task(
              'echo',
              { r: '{{ item.0.role }}', u: '{{ item.1 }}' },
              { loop: { kind: 'with_subelements', items: ['{{ permissions }}', 'users'], loopVar: 'item' } },
            ),
          ],
          { vars: { permissions } },
        ),
      ],
      { modules: testModules(calls), hosts: { east: {} } },
    );
    assert.deepEqual(calls, [
      'echo:east:{"r":"admin","u":"ann"}',
      'echo:east:{"r":"admin","u":"bob"}',
      'echo:east:{"r":"view","u":"cy"}',
    ]);
  });

  it('precedence: extra vars > set_fact > task vars > play vars > inventory', async () => {
    const calls: string[] = [];
    await run(
      [
        play(
          [
            task(
              'echo',
              { a: '{{ a }}', b: '{{ b }}', c: '{{ c }}', d: '{{ d }}' },
              { vars: { b: 'task', c: 'task', d: 'task' } },
            ),
            task('set_fact', { c: 'fact' }),
            task('echo', { c: '{{ c }}' }, { vars: { c: 'task' } }),
          ],
          { vars: { a: 'play', b: 'play' } },
        ),
      ],
      {
        modules: testModules(calls),
        hosts: { east: { a: 'inv', b: 'inv', c: 'inv', d: 'inv' } },
        extraVars: { d: 'extra' },
      },
    );
    assert.deepEqual(calls, [
      'echo:east:{"a":"play","b":"task","c":"task","d":"extra"}',
      'echo:east:{"c":"fact"}',
    ]);
  });

  it('variables that are templates render lazily against other variables', async () => {
    const calls: string[] = [];
    await run([play([task('echo', { url: '{{ api_url }}' })])], {
      modules: testModules(calls),
      hosts: { east: { clusterhost: 'east.example.com', api_url: 'https://{{ clusterhost }}:8443' } },
    });
    assert.deepEqual(calls, ['echo:east:{"url":"https://east.example.com:8443"}']);
  });

  it('failed_when and changed_when override the module result', async () => {
    const { recap } = await run([play([task('ok', {}, { failedWhen: ['{{ true }}'] }), task('ok')])], {
      hosts: { east: {} },
    });
    assert.equal(recap['east']!['failed'], 1);
    const second = await run([play([task('ok', {}, { changedWhen: [true] })])], { hosts: { east: {} } });
    assert.equal(second.recap['east']!['changed'], 1);
  });

  it('until retries the module until the condition holds, then fails when retries run out', async () => {
    let n = 0;
    const modules = testModules();
    const counting = {
      name: 'count',
      description: '',
      argsSchema: { type: 'object' },
      supportsCheckMode: true,
      run: async () => ({ changed: false, n: ++n }),
    };
    const registry = {
      get: (name: string) => (name === 'count' ? counting : modules.get(name)),
      names: () => ['count'],
    };
    const good = await run(
      [play([task('count', {}, { register: 'r', until: ['{{ gte r.n 3 }}'], retries: 5, delay: 0 })])],
      { modules: registry, hosts: { east: {} } },
    );
    assert.equal(good.exitCode, 0);
    assert.equal(n, 3);
    n = 0;
    const bad = await run(
      [play([task('count', {}, { register: 'r', until: ['{{ gte r.n 10 }}'], retries: 2, delay: 0 })])],
      { modules: registry, hosts: { east: {} } },
    );
    assert.equal(bad.exitCode, 2);
    assert.equal(n, 3);
  });

  it('an undefined variable fails the task with a message naming the variable', async () => {
    const { exitCode, events } = await run(
      [play([task('echo', { x: '{{ nope }}' }, { name: 'uses nope' })])],
      { hosts: { east: {} } },
    );
    assert.equal(exitCode, 2);
    const [result] = resultsOf(events, 'east');
    assert.match(String(result!.result.msg), /nope/);
  });
});

describe('engine: blocks and handlers', () => {
  it('rescue runs for the failed host, counts rescued, and always runs for every host', async () => {
    const calls: string[] = [];
    const { exitCode, recap } = await run(
      [
        play([
          block([task('boom', { only: 'east' }), task('echo', { s: 'after' })], {
            rescue: [task('echo', { s: 'rescue' })],
            always: [task('echo', { s: 'always' })],
          }),
        ]),
      ],
      { modules: testModules(calls) },
    );
    assert.equal(exitCode, 0);
    assert.equal(recap['east']!['rescued'], 1);
    assert.equal(recap['east']!['failed'], 0);
    assert.ok(calls.includes('echo:east:{"s":"rescue"}'));
    assert.ok(!calls.includes('echo:east:{"s":"after"}'));
    assert.ok(!calls.includes('echo:west:{"s":"rescue"}'));
    assert.ok(calls.includes('echo:east:{"s":"always"}') && calls.includes('echo:west:{"s":"always"}'));
  });

  it('a failure in an inner rescue counts rescued when an outer block rescues it, as Ansible does', async () => {
    const { exitCode, recap } = await run(
      [
        play([
          block(
            [
              block([task('boom', { only: 'east' })], {
                rescue: [task('boom', { only: 'east' })],
                always: [task('echo', { s: 'inner always' })],
              }),
            ],
            { rescue: [task('echo', { s: 'outer rescue' })] },
          ),
        ]),
      ],
      { modules: testModules([]) },
    );
    assert.equal(exitCode, 0);
    assert.equal(recap['east']!['rescued'], 2);
    assert.equal(recap['east']!['failed'], 0);
  });

  it('a block without rescue still runs always, then the host fails', async () => {
    const calls: string[] = [];
    const { exitCode } = await run(
      [play([block([task('boom')], { always: [task('echo', { s: 'always' })] }), task('ok')])],
      { modules: testModules(calls), hosts: { east: {} } },
    );
    assert.equal(exitCode, 2);
    assert.deepEqual(calls, ['boom:east', 'echo:east:{"s":"always"}']);
  });

  it('handlers run once at the end of the play, only on hosts that notified them with a change', async () => {
    const calls: string[] = [];
    await run(
      [
        play(
          [
            task('change', {}, { when: ["{{ eq inventory_hostname 'east' }}"], notify: ['restart'] }),
            task('change', {}, { when: ["{{ eq inventory_hostname 'east' }}"], notify: ['restart'] }),
            task('ok', {}, { notify: ['restart'] }),
          ],
          { handlers: [handler('restart', 'echo', { h: 1 })] },
        ),
      ],
      { modules: testModules(calls) },
    );
    assert.deepEqual(
      calls.filter((c) => c.startsWith('echo')),
      ['echo:east:{"h":1}'],
    );
  });
});

describe('engine: tags, check mode and run_once', () => {
  it('--tags runs matching tasks plus always-tagged ones; never-tagged run only when named', async () => {
    const calls: string[] = [];
    const tasks = [
      task('echo', { t: 'a' }, { tags: ['a'] }),
      task('echo', { t: 'b' }, { tags: ['b'] }),
      task('echo', { t: 'always' }, { tags: ['always'] }),
      task('echo', { t: 'never' }, { tags: ['never'] }),
    ];
    await run([play(tasks)], { modules: testModules(calls), hosts: { east: {} }, tags: ['a'] });
    assert.deepEqual(calls, ['echo:east:{"t":"a"}', 'echo:east:{"t":"always"}']);
    calls.length = 0;
    await run([play(tasks)], { modules: testModules(calls), hosts: { east: {} }, skipTags: ['b'] });
    assert.deepEqual(calls, ['echo:east:{"t":"a"}', 'echo:east:{"t":"always"}']);
  });

  it('--check skips modules without check support and says so', async () => {
    const calls: string[] = [];
    const { events, recap } = await run([play([task('change')])], {
      modules: testModules(calls),
      hosts: { east: {} },
      check: true,
    });
    assert.deepEqual(calls, []);
    assert.equal(recap['east']!['skipped'], 1);
    assert.match(String(resultsOf(events, 'east')[0]!.result.msg), /does not support check mode/);
  });

  it('run_once runs on the first host and shares the registered result', async () => {
    const calls: string[] = [];
    await run(
      [
        play([
          task('echo', { x: 1 }, { runOnce: true, register: 'r' }),
          task('echo', { seen: '{{ r.args.x }}' }),
        ]),
      ],
      { modules: testModules(calls) },
    );
    assert.deepEqual(calls, ['echo:east:{"x":1}', 'echo:east:{"seen":1}', 'echo:west:{"seen":1}']);
  });

  it('serial runs hosts in batches, each batch through the whole play', async () => {
    const calls: string[] = [];
    await run([play([task('echo', { s: 1 }), task('echo', { s: 2 })], { serial: 1 })], {
      modules: testModules(calls),
    });
    assert.deepEqual(calls, [
      'echo:east:{"s":1}',
      'echo:east:{"s":2}',
      'echo:west:{"s":1}',
      'echo:west:{"s":2}',
    ]);
  });

  it('any_errors_fatal stops the play for every host after one fails', async () => {
    const calls: string[] = [];
    await run([play([task('boom', { only: 'east' }), task('ok')], { anyErrorsFatal: true })], {
      modules: testModules(calls),
    });
    assert.ok(!calls.includes('ok:west'));
  });
});
