import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { tempProject } from '../../support/play.ts';
import { debugMessages as messages, runCli } from './run-cli.ts';

const project = (t: TestContext, files: Record<string, string>): Promise<string> =>
  tempProject(t, files, 'mcsync-semantics-');

describe('task semantics as in ansible-playbook', () => {
  it('until, changed_when and failed_when see the facts the same task set and its registered result', async (t) => {
    const dir = await project(t, {
      'p.yml': `- hosts: localhost
  vars: {counter: 0}
  tasks:
    - set_fact: {counter: "{{ add counter 1 }}"}
      until: "{{ gte counter 1 }}"
      retries: 2
      delay: 0
      register: bumped
    - debug: {msg: "attempts={{ bumped.attempts }} counter={{ counter }}"}
    - set_fact: {flag: true}
      changed_when: "{{ flag }}"
      register: flagged
    - debug: {msg: "changed={{ flagged.changed }}"}
    - set_fact: {broken: true}
      failed_when: "{{ broken }}"
      ignore_errors: true
`,
    });
    const run = await runCli(['p.yml', '-v'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(messages(run.stdout), ['attempts=1 counter=1', 'changed=true']);
    assert.match(
      run.stdout,
      /localhost\s+: ok=\d+\s+changed=1\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=1/,
    );
  });

  it('until registers attempts as Ansible counts them; retries: 0 runs once without until; failed is registered', async (t) => {
    const dir = await project(t, {
      'p.yml': `- hosts: localhost
  tasks:
    - set_fact: {ready: false}
      until: "{{ ready }}"
      retries: 2
      delay: 0
      register: exhausted
      ignore_errors: true
    - set_fact: {ready: false}
      until: "{{ ready }}"
      retries: 0
      register: once
    - debug: {msg: "exhausted={{ exhausted.attempts }} {{ exhausted.failed }} once={{ once.attempts }} {{ once.failed }}"}
`,
    });
    const run = await runCli(['p.yml'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    // ansible-playbook 2.14: three runs register attempts=2; retries <= 0 never evaluates until.
    assert.equal(messages(run.stdout).at(-1), 'exhausted=2 true once=1 false');
  });

  it('vars on include_tasks beat role params; vars on import_tasks do not', async (t) => {
    const dir = await project(t, {
      'roles/r/tasks/main.yml': `- include_tasks: inc.yml
  vars: {p: include}
- import_tasks: inc.yml
  vars: {p: import}
- debug: {msg: "role-level p={{ p }}"}
`,
      'roles/r/tasks/inc.yml': '- debug: {msg: "p={{ p }}"}\n',
      'p.yml': `- hosts: localhost
  roles:
    - role: r
      p: role
`,
    });
    const run = await runCli(['p.yml'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(messages(run.stdout), ['p=include', 'p=role', 'role-level p=role']);
  });
});
