import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LoadErrors } from '../../../src/errors.ts';
import { loadPlaybook } from '../../../src/load/index.ts';
import { FIXTURES, asBlock, asTask, options, playTasks } from './support.ts';

const GOOD = join(FIXTURES, 'good');

test('a playbook using every keyword loads into the expected model', async () => {
  const book = await loadPlaybook(join(GOOD, 'full.yml'), options());
  assert.equal(book.plays.length, 1);
  const play = book.plays[0]!;
  assert.equal(play.name, 'Everything');
  assert.equal(play.hosts, 'master:slaves');
  assert.deepEqual(play.vars, { greeting: 'hello' });
  assert.deepEqual(play.environment, [{ KUBECONFIG: '/tmp/kc' }], 'environment is a keyword, not a variable');
  assert.equal(play.serial, 2);
  assert.equal(play.anyErrorsFatal, true);
  assert.equal(play.maxFailPercentage, 30);
  assert.equal(play.gatherFacts, false);
  assert.deepEqual(play.tags, ['play', 'sync']);
  assert.equal(play.checkMode, false);
  assert.deepEqual(play.location, { file: join(GOOD, 'full.yml'), line: 2, column: 3 });
  assert.equal(play.baseDir, GOOD);

  const task = asTask(play.tasks[0]);
  assert.equal(task.module, 'debug', 'ansible.builtin.debug resolves to the canonical name');
  assert.deepEqual(task.args, { msg: '{{ item.name }}' });
  assert.deepEqual(task.when, ['{{ enabled }}', true]);
  assert.deepEqual(task.loop, {
    kind: 'loop',
    items: '{{ projects }}',
    loopVar: 'project',
    label: '{{ project.name }}',
    indexVar: 'idx',
    pause: 1,
  });
  assert.equal(task.register, 'out');
  assert.deepEqual(task.failedWhen, [false]);
  assert.deepEqual(task.changedWhen, ['{{ out.changed }}']);
  assert.deepEqual(task.until, ['{{ out.ok }}']);
  assert.equal(task.retries, 3);
  assert.equal(task.delay, 2);
  assert.deepEqual(task.tags, ['a', 'b']);
  assert.equal(task.ignoreErrors, true);
  assert.equal(task.runOnce, true);
  assert.equal(task.delegateTo, 'master');
  assert.deepEqual(task.notify, ['restart']);
  assert.equal(task.noLog, true);
  assert.equal(task.checkMode, false);
  assert.deepEqual(task.vars, { local: 1 });
  assert.deepEqual(task.environment, [{ FOO: 'bar' }]);
  assert.deepEqual(task.location, { file: join(GOOD, 'full.yml'), line: 23, column: 7 });

  const [, freeForm, keyValue, withItems, withDict, withSub, block, templated, includeVars] = play.tasks;
  assert.deepEqual(asTask(freeForm).args, { _raw_params: 'oc get pods', chdir: '/tmp' });
  assert.deepEqual(asTask(keyValue).args, { msg: 'hello world', verbosity: 1 });
  assert.equal(asTask(withItems).loop?.kind, 'with_items');
  assert.deepEqual(asTask(withDict).loop?.items, { a: 1 });
  assert.deepEqual(asTask(withSub).loop, {
    kind: 'with_subelements',
    items: ['{{ permissions }}', 'users'],
    loopVar: 'item',
  });
  const protectedBlock = asBlock(block);
  assert.deepEqual(
    [protectedBlock.block.length, protectedBlock.rescue.length, protectedBlock.always.length],
    [1, 1, 1],
  );
  assert.deepEqual(protectedBlock.when, ['{{ risky }}']);
  assert.equal(asTask(templated).module, 'k8s');
  assert.deepEqual(asTask(includeVars).args, { _raw_params: 'vars/common.yml' });
  assert.equal(asTask(play.postTasks[0]).module, 'shell');
  assert.equal(asTask(play.preTasks[0]).name, 'before');
  assert.deepEqual(play.handlers[0]?.listen, ['restart', 'bounce']);
});

test('literal vars_files load at load time; alternatives pick the first that exists; templates wait', async () => {
  const play = (await loadPlaybook(join(GOOD, 'full.yml'), options())).plays[0]!;
  const [plain, alternatives, templated] = play.varsFiles;
  assert.deepEqual(plain?.loaded, { env: 'dev', projects: [{ name: 'alpha' }] });
  assert.match(alternatives?.resolved ?? '', /vars\/common\.yml$/);
  assert.deepEqual(alternatives?.paths, ['vars/missing.yml', 'vars/common.yml']);
  assert.deepEqual(templated?.paths, ['vars/{{ env }}.yml']);
  assert.equal(templated?.loaded, undefined);
});

test('anchors, aliases and merge keys expand into ordinary tasks', async () => {
  const play = (await loadPlaybook(join(GOOD, 'anchors.yml'), options())).plays[0]!;
  const tasks = playTasks(play);
  assert.deepEqual(tasks[0]?.args, { namespace: 'demo', kind: 'ConfigMap', name: 'one' });
  assert.deepEqual(tasks[1]?.args, { namespace: 'demo', kind: 'ConfigMap', name: 'two' });
  assert.equal(tasks[3]?.name, 'shared task');
  assert.equal(tasks[3]?.location.line, 19);
});

test('import_playbook expands the imported plays in place, with their own base directory', async () => {
  const book = await loadPlaybook(join(GOOD, 'import-main.yml'), options());
  assert.deepEqual(
    book.plays.map((p) => [p.name, p.baseDir]),
    [
      ['child play', join(GOOD, 'sub')],
      ['main play', GOOD],
    ],
  );
  assert.equal(playTasks(book.plays[0]!)[0]?.location.file, join(GOOD, 'sub', 'child-tasks.yml'));
});

test("the seed's sync.yml shape loads: four plays, vars files and with_subelements", async () => {
  const book = await loadPlaybook(join(FIXTURES, 'seed', 'sync.yml'), options());
  assert.deepEqual(
    book.plays.map((p) => [p.name, p.hosts]),
    [
      ['setup', 'all'],
      ['create', 'all'],
      ['export', 'master'],
      ['apply', 'slaves'],
    ],
  );
  const create = book.plays[1]!;
  assert.deepEqual(Object.keys(create.varsFiles[0]?.loaded ?? {}), [
    'projects',
    'users',
    'permissions',
    'serviceaccounts',
  ]);
  assert.equal(book.plays[2]!.varsFiles[0]?.resolved?.endsWith('seed/vars/sync.yml'), true);
  const grant = playTasks(create).find((t) => t.name === 'grant permissions');
  assert.equal(grant?.loop?.kind, 'with_subelements');
  assert.equal(grant?.role?.name, 'create');
});

test('one pass reports independent errors from several plays and tasks', async () => {
  const error = await loadPlaybook(join(FIXTURES, 'multi', 'many-errors.yml'), options()).then(
    () => assert.fail('expected errors'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof LoadErrors);
  const summary = error.errors.map((e) => `${e.location?.line}:${e.key}`);
  assert.deepEqual(summary, ['3:whn', '6:debgu', '9:tsks', '12:retries']);
  assert.match(
    error.describe(),
    /many-errors\.yml:3:7: unknown keyword 'whn' in task; did you mean 'when'\?/,
  );
});
