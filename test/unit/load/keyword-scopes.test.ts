import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { LoadErrors } from '../../../src/errors.ts';
import { loadPlaybook } from '../../../src/load/index.ts';
import { asBlock, options } from './support.ts';

/** Writes `files` into a fresh directory and returns the path of its p.yml. */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-scopes-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return join(dir, 'p.yml');
}

async function messages(files: Record<string, string>): Promise<string[]> {
  const error = await loadPlaybook(await project(files), options()).catch((e: unknown) => e);
  assert.ok(error instanceof LoadErrors, String(error));
  return error.errors.map((e) => `${e.location?.line}:${e.location?.column} ${e.message}`);
}

describe('keywords mean what they mean in Ansible at each level, or are refused', () => {
  it('include_tasks and include_role refuse the keywords Ansible does not pass to included tasks', async () => {
    const found = await messages({
      'inc.yml': '- debug: {msg: hi}\n',
      'roles/r/tasks/main.yml': '- debug: {msg: hi}\n',
      'p.yml': `- hosts: all
  tasks:
    - include_tasks: inc.yml
      environment: {A: b}
      ignore_errors: true
    - include_role: {name: r}
      run_once: true
`,
    });
    assert.deepEqual(found, [
      "4:7 'environment' is not valid on include_tasks: ansible-playbook refuses it on a dynamic include; put it on a block around the include_tasks, or use import_tasks, whose keywords apply to every imported task",
      "5:7 'ignore_errors' is not valid on include_tasks: in Ansible it covers the include itself, not the included tasks; put it on a block around the include_tasks, or use import_tasks, whose keywords apply to every imported task",
      "7:7 'run_once' is not valid on include_role: in Ansible it covers the include itself, not the included tasks; put it on a block around the include_role, or use import_role, whose keywords apply to every imported task",
    ]);
  });

  it('import_tasks and import_role pass the block keywords to the imported tasks', async () => {
    const book = await loadPlaybook(
      await project({
        'inc.yml': '- debug: {msg: hi}\n',
        'roles/r/tasks/main.yml': '- debug: {msg: hi}\n',
        'p.yml': `- hosts: all
  tasks:
    - import_tasks: inc.yml
      environment: {A: b}
      ignore_errors: true
    - import_role: {name: r}
      no_log: true
      environment: "{{ env }}"
      check_mode: true
      delegate_to: west
      run_once: true
`,
      }),
      options(),
    );
    const [tasks, role] = book.plays[0]!.tasks.map(asBlock);
    assert.deepEqual([tasks?.environment, tasks?.ignoreErrors], [[{ A: 'b' }], true]);
    assert.deepEqual(
      [role?.environment, role?.noLog, role?.checkMode, role?.delegateTo, role?.runOnce],
      [['{{ env }}'], true, true, 'west', true],
    );
  });

  it('a roles: entry takes the block keywords; Ansible keywords it cannot honour are errors, not role variables', async () => {
    const path = await project({
      'roles/r/tasks/main.yml': '- debug: {msg: hi}\n',
      'p.yml': `- hosts: all
  roles:
    - role: r
      environment: {A: b}
      check_mode: true
      ignore_errors: true
      no_log: true
      delegate_to: west
      run_once: true
      replicas: 2
`,
    });
    const role = (await loadPlaybook(path, options())).plays[0]!.roles[0]!;
    assert.deepEqual(
      [role.environment, role.checkMode, role.ignoreErrors, role.noLog, role.delegateTo, role.runOnce],
      [[{ A: 'b' }], true, true, true, 'west', true],
    );
    assert.deepEqual(role.role?.params, { replicas: 2 }, 'keywords are not role variables');
    assert.deepEqual(role.role?.environment, [{ A: 'b' }], "the role's handlers get it too");
    assert.deepEqual(
      await messages({
        'roles/r/tasks/main.yml': '- debug: {msg: hi}\n',
        'p.yml': '- hosts: all\n  roles:\n    - role: r\n      port: 8080\n',
      }),
      [
        "4:7 mcsync does not support 'port' in a role entry: set the port in api_url instead (to pass a role variable of that name, put it under 'vars:')",
      ],
    );
  });

  it('role meta accepts dependencies, allow_duplicates and galaxy_info; argument_specs is refused', async () => {
    const found = await messages({
      'roles/r/tasks/main.yml': '- debug: {msg: hi}\n',
      'roles/r/meta/main.yml': 'galaxy_info: {author: me}\nargument_specs: {main: {options: {}}}\n',
      'p.yml': '- hosts: all\n  roles: [r]\n',
    });
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(
      found[0]!,
      /^2:1 mcsync does not support 'argument_specs' in role meta: role argument validation/,
    );
  });

  it('an environment string that is not a template is an error, as it can never be a mapping', async () => {
    assert.deepEqual(await messages({ 'p.yml': '- hosts: all\n  environment: FOO=bar\n  tasks: []\n' }), [
      '2:3 environment must be a mapping of variable names to values, or a template that renders to one; got "FOO=bar"',
    ]);
  });
});
