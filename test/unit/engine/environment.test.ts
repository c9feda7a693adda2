import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderEnvironment } from '../../../src/engine/environment.ts';
import { TemplateError } from '../../../src/errors.ts';
import type { ModuleDefinition, ModuleRegistry } from '../../../src/model/module.ts';
import type { RoleScope } from '../../../src/model/playbook.ts';
import { createTemplar } from '../../../src/template/index.ts';
import { block, handler, play, resultsOf, run, task, testModules } from './harness.ts';

const templates = createTemplar();
const where = { location: { file: 'p.yml', line: 3, column: 7 } };

/** `probe` returns the environment its process would get; the other test modules never read it. */
function modules(): ModuleRegistry {
  const base = testModules();
  const probe: ModuleDefinition = {
    name: 'probe',
    description: '',
    argsSchema: { type: 'object' },
    supportsCheckMode: true,
    run: async (_args, context) => ({ changed: true, env: { ...context.environment } }),
  };
  return {
    get: (name) => (name === 'probe' ? probe : base.get(name)),
    names: () => [...base.names(), 'probe'],
  };
}

describe('renderEnvironment merges layers as Ansible does', () => {
  it('inner layers override outer keys and keep the others', () => {
    const env = renderEnvironment(
      [{ L: 'play', P: 'play' }, { L: 'block', B: 'block' }, { L: 'task' }],
      {},
      templates,
      where,
    );
    assert.deepEqual(env, { L: 'task', P: 'play', B: 'block' });
  });

  it('renders a template layer and templated values with the task variables', () => {
    const vars = { proxy: { HTTPS_PROXY: 'http://proxy:3128' }, inventory_hostname: 'east' };
    const env = renderEnvironment(
      ['{{ proxy }}', { WHO: '{{ inventory_hostname }}' }],
      vars,
      templates,
      where,
    );
    assert.deepEqual(env, { HTTPS_PROXY: 'http://proxy:3128', WHO: 'east' });
  });

  it('writes scalars as the process sees them under ansible-playbook (Python str)', () => {
    const env = renderEnvironment([{ T: true, F: false, N: 3, X: 1.5, Z: null }], {}, templates, where);
    assert.deepEqual(env, { T: 'True', F: 'False', N: '3', X: '1.5', Z: 'None' });
  });

  it('a layer that does not render to a mapping is an error at the task, without its value', () => {
    assert.throws(
      () => renderEnvironment(['{{ token }}'], { token: 's3cr3t' }, templates, where),
      (error: unknown) =>
        error instanceof TemplateError &&
        /environment must be a mapping of variable names to values, got a string/.test(error.message) &&
        !error.message.includes('s3cr3t') &&
        error.location?.line === 3,
    );
  });

  it('a list or mapping value is an error naming the variable', () => {
    assert.throws(
      () => renderEnvironment([{ LIST: '{{ items }}' }], { items: [1, 2] }, templates, where),
      /environment variable 'LIST' must be a string, number or boolean, got a list/,
    );
  });
});

describe('environment reaches modules through the engine', () => {
  const envOf = (events: Awaited<ReturnType<typeof run>>['events'], index = 0): unknown =>
    resultsOf(events, 'east')[index]?.result['env'];

  it('play, role, blocks and task merge outermost first, per host', async () => {
    const role: RoleScope = { name: 'r', path: '/r', defaults: {}, vars: {}, params: {} };
    const probe = task('probe', {}, { environment: [{ L: 'task', WHO: '{{ inventory_hostname }}' }] });
    const inner = block([probe], { environment: [{ L: 'inner', B: 'inner' }] });
    const outer = block([inner], { environment: [{ L: 'outer', B: 'outer', O: 'outer' }] });
    const roleBlock = block([outer], { role, environment: [{ L: 'role', R: 'role' }] });
    const { events } = await run(
      [play([], { roles: [roleBlock], environment: [{ L: 'play', P: 'play' }] })],
      {
        modules: modules(),
      },
    );
    assert.deepEqual(envOf(events), { L: 'task', P: 'play', R: 'role', B: 'inner', O: 'outer', WHO: 'east' });
    const west = resultsOf(events, 'west')[0]?.result['env'] as Record<string, string> | undefined;
    assert.equal(west?.['WHO'], 'west', 'values are rendered for each host');
  });

  it('a task without environment inherits it; an empty mapping changes nothing', async () => {
    const tasks = [task('probe'), task('probe', {}, { environment: [{}] })];
    const { events } = await run([play(tasks, { environment: [{ P: 'play' }] })], { modules: modules() });
    assert.deepEqual(envOf(events, 0), { P: 'play' });
    assert.deepEqual(envOf(events, 1), { P: 'play' });
  });

  it('handlers get the play environment and that of the role entry that brought them', async () => {
    const role: RoleScope = {
      name: 'r',
      path: '/r',
      defaults: {},
      vars: {},
      params: {},
      environment: [{ R: 'role' }],
    };
    const notify = task('change', {}, { notify: ['h'] });
    const h = { ...handler('h', 'probe'), role };
    const { events } = await run([play([notify], { handlers: [h], environment: [{ P: 'play' }] })], {
      modules: modules(),
      hosts: { east: {} },
    });
    assert.deepEqual(envOf(events, 1), { P: 'play', R: 'role' });
  });

  it('an environment that cannot render fails only tasks whose module starts a process', async () => {
    const tasks = [task('ok'), task('probe')];
    const { events } = await run([play(tasks, { environment: ['{{ missing }}'] })], {
      modules: modules(),
      hosts: { east: {} },
    });
    const [ok, probe] = resultsOf(events, 'east');
    assert.equal(ok?.status, 'ok');
    assert.equal(probe?.status, 'failed');
    assert.match(String(probe?.result.msg), /missing/);
  });
});

describe('block keywords reach the tasks inside, as in Ansible', () => {
  it('ignore_errors on a block ignores a failing task; a task that sets its own keeps it', async () => {
    const ignored = block([task('boom')], { ignoreErrors: true });
    const strict = block([task('boom', {}, { ignoreErrors: false })], { ignoreErrors: true });
    const first = await run([play([ignored, task('ok')])], { hosts: { east: {} } });
    assert.deepEqual(
      resultsOf(first.events, 'east').map((r) => r.status),
      ['ignored', 'ok'],
    );
    const second = await run([play([strict])], { hosts: { east: {} } });
    assert.equal(resultsOf(second.events, 'east')[0]?.status, 'failed');
  });

  it('when on a block skips its tasks; vars on a block are visible to them', async () => {
    const calls: string[] = [];
    const skipped = block([task('ok')], { when: [false] });
    const scoped = block([task('echo', { v: '{{ color }}' })], { vars: { color: 'blue' } });
    await run([play([skipped, scoped])], { modules: testModules(calls), hosts: { east: {} } });
    assert.deepEqual(calls, ['echo:east:{"v":"blue"}']);
  });

  it('run_once on a block runs each task on the first host only', async () => {
    const calls: string[] = [];
    await run([play([block([task('ok'), task('ok')], { runOnce: true })])], { modules: testModules(calls) });
    assert.deepEqual(calls, ['ok:east', 'ok:east']);
  });

  it('check_mode on a block runs its tasks in check mode', async () => {
    const { events } = await run([play([block([task('change')], { checkMode: true })])], {
      hosts: { east: {} },
    });
    assert.equal(resultsOf(events, 'east')[0]?.status, 'skipped', 'change does not support check mode');
  });

  it('no_log on a block censors the results of its tasks', async () => {
    const { events } = await run([play([block([task('echo', { secret: 'x' })], { noLog: true })])], {
      hosts: { east: {} },
    });
    assert.equal(resultsOf(events, 'east')[0]?.censored, true);
  });

  it('delegate_to on a block runs its tasks for the delegate', async () => {
    const calls: string[] = [];
    await run([play([block([task('ok')], { delegateTo: 'west' })])], {
      modules: testModules(calls),
      hosts: { east: {}, west: {} },
    });
    assert.deepEqual(calls, ['ok:west', 'ok:west']);
  });
});
