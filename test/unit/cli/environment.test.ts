import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { succeedingRun } from '../../support/cli-run.ts';
import { tempProject } from '../../support/play.ts';
import { runCli } from './run-cli.ts';

const project = (t: TestContext, files: Record<string, string>): Promise<string> =>
  tempProject(t, files, 'mcsync-environment-');

const echo = (label: string, names: string): string =>
  `- shell: echo "${label} ${names
    .split(' ')
    .map((name) => `${name}=$${name}`)
    .join(' ')}"
  register: o
- debug: {msg: "{{ o.stdout }}"}
`;

describe('environment: reaches the processes that command and shell start', () => {
  // Each expected line is what ansible-playbook 2.14.18 printed for the same files.
  it('play, roles, dependencies, blocks, imports and task merge as in ansible-playbook', async (t) => {
    const dir = await project(t, {
      'roles/r/tasks/main.yml': echo('role', 'L P R D'),
      'roles/r/meta/main.yml': 'dependencies:\n  - role: d\n    environment: {L: dep, D: dep}\n',
      'roles/d/tasks/main.yml': echo('dep', 'L P R D'),
      'roles/ir/tasks/main.yml': echo('ir', 'L P I'),
      'inc.yml': echo('inc', 'L P I'),
      'p.yml': `- hosts: localhost
  gather_facts: false
  environment: {L: play, P: play}
  vars:
    envmap: {L: fromvar, V: "{{ inventory_hostname }}"}
  roles:
    - role: r
      environment: {L: roleentry, R: roleentry}
  tasks:
    - block:
        - block:
            - shell: echo "nested L=$L P=$P B=$B C=$C"
              register: o
              environment: {C: task}
            - debug: {msg: "{{ o.stdout }}"}
          environment: {L: inner, B: inner}
      environment: {L: outer, B: outer}
    - shell: echo "tmpl L=$L P=$P V=$V"
      environment: "{{ envmap }}"
      register: o
    - debug: {msg: "{{ o.stdout }}"}
    - shell: echo "list L=$L V=$V W=$W"
      environment: ["{{ envmap }}", {W: "w{{ inventory_hostname }}", L: listlast}]
      register: o
    - debug: {msg: "{{ o.stdout }}"}
    - shell: echo "types T=$T N=$N Z=$Z F=$F"
      environment: {T: true, N: 3, Z: null, F: 1.5}
      register: o
    - debug: {msg: "{{ o.stdout }}"}
    - include_tasks: inc.yml
    - import_tasks: inc.yml
      environment: {L: import_tasks, I: import_tasks}
    - include_role: {name: ir}
    - import_role: {name: ir}
      environment: {L: import_role, I: import_role}
    - command: printenv C
      environment: {C: from-command}
      register: o
    - debug: {msg: "command C={{ o.stdout }}"}
    - shell: echo "loop L=$L X=$X"
      loop: [a, b]
      environment: {X: "{{ item }}"}
      register: looped
    - debug: {msg: "{{ looped.results.0.stdout }}, {{ looped.results.1.stdout }}"}
    - shell: echo "empty L=$L P=$P"
      environment: {}
      register: o
      changed_when: true
      notify: h
    - debug: {msg: "{{ o.stdout }}"}
  handlers:
    - name: h
      shell: echo "handler L=$L P=$P"
      register: ho
    - name: show
      listen: h
      debug: {msg: "{{ ho.stdout }}"}
`,
    });
    assert.deepEqual((await succeedingRun(dir)).messages, [
      'dep L=dep P=play R=roleentry D=dep',
      'role L=roleentry P=play R=roleentry D=',
      'nested L=inner P=play B=inner C=task',
      'tmpl L=fromvar P=play V=localhost',
      'list L=listlast V=localhost W=wlocalhost',
      'types T=True N=3 Z=None F=1.5',
      'inc L=play P=play I=',
      'inc L=import_tasks P=play I=import_tasks',
      'ir L=play P=play I=',
      'ir L=import_role P=play I=import_role',
      'command C=from-command',
      'loop L=play X=a, loop L=play X=b',
      'empty L=play P=play',
      'handler L=play P=play',
    ]);
  });

  it('environment values are not printed at -vvv', async (t) => {
    const dir = await project(t, {
      'p.yml': `- hosts: localhost
  tasks:
    - command: "true"
      environment: {API_TOKEN: s3cr3t-env-value}
`,
    });
    const run = await succeedingRun(dir, ['p.yml', '-vvv']);
    assert.ok(!(run.stdout + run.stderr).includes('s3cr3t-env-value'), run.stdout);
  });

  it('environment on include_tasks is refused at load time, as ansible-playbook refuses it', async (t) => {
    const dir = await project(t, {
      'inc.yml': '- debug: {msg: hi}\n',
      'p.yml': `- hosts: localhost
  tasks:
    - include_tasks: inc.yml
      environment: {FOO: bar}
`,
    });
    const run = await runCli(['p.yml'], { cwd: dir });
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      /p\.yml:4:7: 'environment' is not valid on include_tasks: .*use import_tasks, whose keywords apply to every imported task/,
    );
  });
});
