import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { LoadErrors } from '../../../src/errors.ts';
import { loadPlaybook, loadRole, loadTasksFile } from '../../../src/load/index.ts';
import { FIXTURES, asBlock, options, tasksOf } from './support.ts';

const GOOD = join(FIXTURES, 'good');

test('a role becomes a block whose tasks carry its scope: defaults, vars and params', async () => {
  const play = (await loadPlaybook(join(GOOD, 'roles.yml'), options())).plays[0]!;
  const web = play.roles.find((b) => b.role?.name === 'web');
  assert.ok(web);
  assert.deepEqual(web.role?.defaults, { web_port: 80 });
  assert.deepEqual(web.role?.vars, { web_user: 'www' });
  assert.deepEqual(web.role?.params, { replicas: 2, listen_port: 8080 });
  assert.deepEqual(web.tags, ['web']);
  assert.deepEqual(web.when, ['{{ deploy_web }}']);
  const own = tasksOf(web.block).filter((t) => t.role?.name === 'web');
  assert.deepEqual(
    own.map((t) => t.name),
    ['web task', 'extra web task'],
    'include_tasks inside a role resolves against the role tasks/ folder',
  );
});

test('meta dependencies come first inside the role block, with their own params', async () => {
  const play = (await loadPlaybook(join(GOOD, 'roles.yml'), options())).plays[0]!;
  const web = play.roles.find((b) => b.role?.name === 'web')!;
  const dep = asBlock(web.block[0]);
  assert.equal(dep.role?.name, 'base');
  assert.deepEqual(dep.role?.params, { level: 'deep' });
});

test('a role runs once per play unless its params differ', async () => {
  const play = (await loadPlaybook(join(GOOD, 'roles.yml'), options())).plays[0]!;
  assert.deepEqual(
    play.roles.map((b) => b.role?.name),
    ['base', 'web', 'lonely'],
    'the second plain `base` entry is dropped; the dependency with params stays inside web',
  );
});

test('role handlers join the play handlers once, with their role scope', async () => {
  const play = (await loadPlaybook(join(GOOD, 'roles.yml'), options())).plays[0]!;
  assert.deepEqual(
    play.handlers.map((h) => [h.role?.name, h.listen]),
    [
      ['web', ['reload web']],
      ['lonely', ['lonely topic']],
    ],
  );
});

test('import_role with tasks_from expands statically; a templated include_role waits for run time', async () => {
  const play = (await loadPlaybook(join(GOOD, 'roles.yml'), options())).plays[0]!;
  const imported = asBlock(play.tasks[0]);
  assert.equal(imported.role?.name, 'web');
  assert.deepEqual(
    tasksOf(imported.block).map((t) => t.name),
    ['extra web task'],
  );
  const dynamic = play.tasks[1];
  assert.equal(dynamic?.kind, 'include');
  assert.ok(dynamic?.kind === 'include');
  assert.equal(dynamic.include, 'role');
  assert.equal(dynamic.target, '{{ dynamic_role }}');
  assert.deepEqual(dynamic.params, { x: 1 });
});

test('a playbook in playbooks/ finds roles in the top-level roles/ folder', async () => {
  const play = (await loadPlaybook(join(GOOD, 'playbooks', 'inner.yml'), options())).plays[0]!;
  assert.equal(play.roles[0]?.role?.name, 'base');
});

test('extra roles_path directories are searched, and a missing role lists every path searched', async () => {
  const extra = join(FIXTURES, 'extra-roles');
  const error = await loadPlaybook(join(FIXTURES, 'bad', 'missing-role.yml'), options([extra])).catch(
    (e: unknown) => e,
  );
  assert.ok(error instanceof LoadErrors);
  const message = error.errors[0]?.message ?? '';
  for (const dir of [
    join(FIXTURES, 'bad', 'roles'),
    join(FIXTURES, 'roles'),
    extra,
    join(process.cwd(), 'roles'),
  ]) {
    assert.ok(message.includes(join(dir, 'nosuchrole')), `${message} lists ${dir}`);
  }
});

test('a role found only on roles_path loads', async () => {
  const book = await loadPlaybook(
    join(FIXTURES, 'elsewhere', 'uses-shared.yml'),
    options([join(FIXTURES, 'extra-roles')]),
  );
  assert.equal(book.plays[0]?.roles[0]?.role?.name, 'shared');
});

test('import_tasks and static include_tasks expand into blocks carrying the include keywords', async () => {
  const play = (await loadPlaybook(join(GOOD, 'includes.yml'), options())).plays[0]!;
  const imported = asBlock(play.tasks[0]);
  assert.deepEqual(imported.tags, ['setup']);
  assert.deepEqual(imported.when, ['{{ do_setup }}']);
  assert.deepEqual(
    tasksOf(imported.block).map((t) => t.name),
    ['setup step', 'nested step'],
  );
  assert.equal(tasksOf(imported.block)[1]?.location.file, join(GOOD, 'tasks', 'nested.yml'));
  const included = asBlock(play.tasks[1]);
  assert.deepEqual(included.vars, { who: 'include' });
});

test('a templated include_tasks and an include_tasks with a loop become dynamic includes', async () => {
  const play = (await loadPlaybook(join(GOOD, 'includes.yml'), options())).plays[0]!;
  const [, , templated, looped] = play.tasks;
  assert.ok(templated?.kind === 'include' && looped?.kind === 'include');
  assert.equal(templated.target, 'tasks/{{ kind }}.yml');
  assert.equal(templated.baseDir, GOOD);
  assert.equal(looped.target, 'tasks/setup.yml');
  assert.deepEqual(looped.loop?.items, [1, 2]);
});

test('loadTasksFile loads a tasks file for a dynamic include, keeping the role scope', async () => {
  const role = { name: 'web', path: join(GOOD, 'roles', 'web'), defaults: {}, vars: {}, params: {} };
  const tasks = await loadTasksFile(join(GOOD, 'roles', 'web', 'tasks', 'main.yml'), options(), role);
  const all = tasksOf(tasks);
  assert.deepEqual(
    all.map((t) => t.name),
    ['web task', 'extra web task'],
  );
  assert.ok(all.every((t) => t.role === role));
});

test('loadTasksFile rejects a mapping with LoadErrors', async () => {
  await assert.rejects(loadTasksFile(join(GOOD, 'vars', 'common.yml'), options()), (error: unknown) => {
    assert.ok(error instanceof LoadErrors);
    assert.match(error.errors[0]?.message ?? '', /a tasks file is a list of tasks/);
    return true;
  });
});

test('loadRole loads a role by name for include_role at run time', async () => {
  const at = { file: join(GOOD, 'roles.yml'), line: 1, column: 1 };
  const block = await loadRole('web', { replicas: 3 }, options(), GOOD, at);
  assert.equal(block.role?.name, 'web');
  assert.equal(block.role?.path !== undefined && resolve(block.role.path), resolve(GOOD, 'roles', 'web'));
  assert.deepEqual(block.role?.params, { replicas: 3 });
  assert.deepEqual(block.location, at);
  await assert.rejects(loadRole('ghost', {}, options(), GOOD, at), /role 'ghost' not found/);
});
