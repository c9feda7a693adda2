/**
 * Every load compiles every template and condition: Jinja2 is refused with the Handlebars form,
 * Handlebars mistakes with the compiler's message, each at file:line:col with its key, all the
 * errors of a pass at once.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { LoadErrors } from '../../../src/errors.ts';
import { loadPlaybook, loadTasksFile } from '../../../src/load/index.ts';
import type { LoadOptions } from '../../../src/load/index.ts';
import { createModuleRegistry } from '../../../src/modules/registry.ts';

const OPTIONS: LoadOptions = { modules: createModuleRegistry(), rolesPath: [] };

async function project(t: TestContext, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-templates-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** The errors a load reports, as `relative/file:line:col: message` lines. */
async function loadErrors(dir: string, load: () => Promise<unknown>): Promise<string[]> {
  try {
    await load();
  } catch (error) {
    assert.ok(error instanceof LoadErrors, `expected LoadErrors, got ${String(error)}`);
    return error.errors.map((e) => e.describe().replace(`${dir}/`, ''));
  }
  return [];
}

test('a filter and a Jinja2 when are refused at their value, with the Handlebars form', async (t) => {
  const dir = await project(t, {
    'p.yml': [
      '- hosts: all',
      '  tasks:',
      '    - debug:',
      '        msg: "Hello {{ x | upper }}"',
      "      when: x == 'a'",
      '',
    ].join('\n'),
  });
  const errors = await loadErrors(dir, () => loadPlaybook(join(dir, 'p.yml'), OPTIONS));
  assert.deepEqual(errors, [
    `p.yml:4:14: debug.msg: Jinja2 expression "{{ x | upper }}" is not mcsync's template syntax; write it as {{ upper x }}`,
    `p.yml:5:13: when: Jinja2 expression "x == 'a'" is not mcsync's template syntax; write it as {{ eq x 'a' }}`,
  ]);
});

test('the error names the key: conditions, loops, labels, vars, names, assert that, handlers', async (t) => {
  const dir = await project(t, {
    'p.yml': `- hosts: "{{ targets | default('all') }}"
  name: "{{ play_name | lower }}"
  vars:
    greeting: "{{ who | default('world') }}"
  environment:
    MODE: "{{ mode | upper }}"
  tasks:
    - name: "copy {{ item | basename }}"
      command: echo {{ item | quote }}
      loop: "{{ files | list }}"
      loop_control:
        label: "{{ item.name | default('?') }}"
      register: out
      until: out.rc == 0
      changed_when: out.rc != 0
      failed_when:
        - out.rc > 1
      ignore_errors: "{{ soft | bool }}"
      delegate_to: "{{ groups['master'][0] }}"
      no_log: secret is defined
      notify: restart
    - assert:
        that:
          - defined x
          - x is defined
        fail_msg: "{{ x ~ ' missing' }}"
  handlers:
    - name: restart
      debug: {msg: "{{ x | to_json }}"}
`,
  });
  const errors = await loadErrors(dir, () => loadPlaybook(join(dir, 'p.yml'), OPTIONS));
  const keys = errors.map((line) => /^p\.yml:\d+:\d+: ([^:]+):/.exec(line)?.[1]);
  assert.deepEqual(keys, [
    'name',
    'command',
    'loop',
    'loop_control.label',
    'until',
    'changed_when',
    'failed_when[0]',
    'ignore_errors',
    'delegate_to',
    'no_log',
    'assert.that[1]',
    'assert.fail_msg',
    'debug.msg',
    'name',
    'hosts',
    'vars.greeting',
    'environment.MODE',
  ]);
  assert.ok(
    errors.includes(
      `p.yml:8:13: name: Jinja2 expression "{{ item | basename }}" is not mcsync's template syntax; mcsync has no helper 'basename' (see "Coming from Jinja2" in docs/templates.md)`,
    ),
  );
  assert.ok(
    errors.includes(
      `p.yml:25:13: assert.that[1]: Jinja2 expression "x is defined" is not mcsync's template syntax; write it as {{ defined x }}`,
    ),
  );
  assert.ok(
    errors.includes(
      `p.yml:19:20: delegate_to: Jinja2 expression "{{ groups['master'][0] }}" is not mcsync's template syntax; write it as {{ groups.master.0 }}`,
    ),
  );
});

test('Handlebars parse errors and unknown helpers are load errors too, beside other load errors', async (t) => {
  const dir = await project(t, {
    'p.yml': `- hosts: all
  tasks:
    - debug: {msg: "{{ item.name"}
    - debug: {msg: "{{ uper name }}"}
      whn: true
    - debug: {msg: "{{#each users}}{{ name }}"}
    - debug: {msg: "{{#foreach users}}x{{/foreach}}"}
`,
  });
  const errors = await loadErrors(dir, () => loadPlaybook(join(dir, 'p.yml'), OPTIONS));
  assert.equal(errors.length, 5, errors.join('\n'));
  assert.match(errors[0]!, /^p\.yml:3:20: debug\.msg: invalid template '\{\{ item\.name': parse error/);
  assert.match(errors[1]!, /^p\.yml:5:7: unknown keyword 'whn'/);
  assert.match(
    errors[2]!,
    /^p\.yml:4:20: debug\.msg: unknown helper 'uper' in template '\{\{ uper name \}\}'; did you mean 'upper'\?/,
  );
  assert.match(errors[3]!, /^p\.yml:6:20: debug\.msg: invalid template .*parse error/);
  assert.match(errors[4]!, /^p\.yml:7:20: debug\.msg: unknown block '\{\{#foreach\}\}'/);
});

test('valid Handlebars everywhere loads: pipes in strings, block params, bare conditions', async (t) => {
  const dir = await project(t, {
    'p.yml': `- hosts: all
  vars:
    sep: "{{ join names ' | ' }}"
  tasks:
    - debug:
        msg: "{{#each users as |u|}}{{ u.name }}{{#unless @last}}|{{/unless}}{{/each}}"
      when:
        - defined users
        - not skip
        - "{{ gt (length users) 0 }}"
        - true
    - shell: echo \${#name} {% not a template %}
      changed_when: false
    - assert: {that: ["eq (length users) 2", "{{ and a b }}"]}
`,
  });
  assert.deepEqual(await loadErrors(dir, () => loadPlaybook(join(dir, 'p.yml'), OPTIONS)), []);
});

test('tasks of roles and of statically included files are checked in their own file', async (t) => {
  const dir = await project(t, {
    'p.yml': `- hosts: all
  roles:
    - role: web
      app_port: "{{ web_port | int }}"
      when: enabled == true
  tasks:
    - include_tasks: more.yml
`,
    'more.yml': `- debug: {msg: "{% if x %}a{% endif %}"}\n`,
    'roles/web/tasks/main.yml': `- debug: {msg: "{{ app_port | string }}"}\n`,
  });
  const errors = await loadErrors(dir, () => loadPlaybook(join(dir, 'p.yml'), OPTIONS));
  assert.deepEqual(errors, [
    `roles/web/tasks/main.yml:1:16: debug.msg: Jinja2 expression "{{ app_port | string }}" is not mcsync's template syntax; write it as {{ string app_port }}`,
    `more.yml:1:16: debug.msg: Jinja2 syntax is not mcsync's template syntax; write "{% if x %}" as {{#if x}}, "{% endif %}" as {{/if}}`,
    `p.yml:4:17: app_port: Jinja2 expression "{{ web_port | int }}" is not mcsync's template syntax; write it as {{ int web_port }}`,
    `p.yml:5:13: when: Jinja2 expression "enabled == true" is not mcsync's template syntax; write it as {{ eq enabled true }}`,
  ]);
});

test('role defaults, role vars and meta dependencies are checked in their own files', async (t) => {
  const dir = await project(t, {
    'p.yml': `- hosts: all\n  roles: [app]\n`,
    'roles/app/tasks/main.yml': `- debug: {msg: "{{ greeting }}"}\n`,
    'roles/app/defaults/main.yml': `greeting: "{{ who | default('you') }}"\n`,
    'roles/app/vars/main.yml': `nested:\n  list: ["{{ a }}", "{{ b | trim }}"]\n`,
    'roles/app/meta/main.yml': `dependencies:\n  - role: base\n    when: base_wanted is defined\n`,
    'roles/base/tasks/main.yml': `- debug: {msg: base}\n`,
  });
  const errors = await loadErrors(dir, () => loadPlaybook(join(dir, 'p.yml'), OPTIONS));
  assert.deepEqual(errors, [
    `roles/app/defaults/main.yml:1:11: greeting: Jinja2 expression "{{ who | default('you') }}" is not mcsync's template syntax; write it as {{ default who 'you' }}`,
    `roles/app/vars/main.yml:2:21: nested.list[1]: Jinja2 expression "{{ b | trim }}" is not mcsync's template syntax; write it as {{ trim b }}`,
    `roles/app/meta/main.yml:3:11: when: Jinja2 expression "base_wanted is defined" is not mcsync's template syntax; write it as {{ defined base_wanted }}`,
  ]);
});

test('a tasks file loaded at run time by a dynamic include is checked by the same pass', async (t) => {
  const dir = await project(t, {
    'dynamic.yml': `- set_fact:\n    n: "{{ n + 1 }}"\n`,
  });
  const errors = await loadErrors(dir, () => loadTasksFile(join(dir, 'dynamic.yml'), OPTIONS));
  assert.deepEqual(errors, [
    `dynamic.yml:2:8: set_fact.n: Jinja2 expression "{{ n + 1 }}" is not mcsync's template syntax; write it as {{ add n 1 }}`,
  ]);
});
