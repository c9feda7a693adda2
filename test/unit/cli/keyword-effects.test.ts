// Keywords and flags whose effect no other test shows (see test/unit/load/keywords-coverage.test.ts),
// run as a user runs them. Each expectation is what ansible-playbook 2.14 does with the same files.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { succeedingRun } from '../../support/cli-run.ts';
import { tempProject } from '../../support/play.ts';
import { debugMessages as messages, runCli } from './run-cli.ts';

const project = (t: TestContext, files: Record<string, string>): Promise<string> =>
  tempProject(t, files, 'mcsync-effects-');

const say = (msg: string): string => `{debug: {msg: "${msg}"}}`;

describe('play sections, loops and limits', () => {
  it('pre_tasks, roles, tasks and post_tasks run in that order, handlers flushed after each', async (t) => {
    const dir = await project(t, {
      'roles/r/tasks/main.yml': `- ${say('role')}\n`,
      'p.yml': `- hosts: localhost
  pre_tasks:
    - {command: "true", notify: h}
  roles: [r]
  tasks:
    - ${say('task')}
  post_tasks:
    - ${say('post')}
  handlers:
    - {name: h, debug: {msg: handler}}
`,
    });
    assert.deepEqual((await succeedingRun(dir)).messages, ['handler', 'role', 'task', 'post']);
  });

  it('with_items, with_dict, with_list and loop_control loop_var, index_var, label and pause', async (t) => {
    const dir = await project(t, {
      'inc.yml': `- ${say('inc {{ each }}')}\n`,
      'p.yml': `- hosts: localhost
  tasks:
    - debug: {msg: "items {{ item }}"}
      with_items: [a, b]
    - debug: {msg: "dict {{ item.key }}={{ item.value }}"}
      with_dict: {k: v}
    - debug: {msg: "list {{ item }}"}
      with_list: [c]
    - debug: {msg: "{{ idx }} {{ thing }}"}
      loop: [p, q]
      loop_control: {loop_var: thing, index_var: idx, label: "L-{{ thing }}", pause: 0.5}
    - include_tasks: inc.yml
      with_list: [x]
      loop_control: {loop_var: each}
    - include_tasks: sub.yml
      with_subelements: [[{name: n, subs: [s1]}], subs]
`,
      'sub.yml': `- ${say('sub {{ item.0.name }}-{{ item.1 }}')}\n`,
    });
    const started = Date.now();
    const run = await succeedingRun(dir);
    assert.deepEqual(run.messages, [
      'items a',
      'items b',
      'dict k=v',
      'list c',
      '0 p',
      '1 q',
      'inc x',
      'sub n-s1',
    ]);
    assert.match(run.stdout, /\(item=L-p\)/);
    assert.ok(Date.now() - started >= 1000, 'pause: 0.5 after each of two items');
  });

  it('play check_mode runs every task in check mode; gather_facts: true warns that it does nothing', async (t) => {
    const dir = await project(t, {
      'p.yml': `- hosts: localhost
  check_mode: true
  gather_facts: true
  tasks:
    - {command: "touch made", register: out}
    - ${say('skipped={{ out.skipped }}')}
`,
    });
    const run = await succeedingRun(dir);
    assert.deepEqual(run.messages, ['skipped=true']);
    assert.match(run.stdout + run.stderr, /gather_facts: true has no effect; mcsync gathers no facts/);
  });

  it('args: merges into the module arguments, and the module key wins', async (t) => {
    const dir = await project(t, {
      'p.yml': `- hosts: localhost
  tasks:
    - debug: {msg: own}
      args: {msg: from-args, verbosity: 0}
    - command: cat
      args: {stdin: from-args}
      register: out
    - ${say('{{ out.stdout }}')}
`,
    });
    assert.deepEqual((await succeedingRun(dir)).messages, ['own', 'from-args']);
  });

  it('max_fail_percentage stops the play once more hosts than that share failed', async (t) => {
    const dir = await project(t, {
      'hosts.ini': 'a\nb\nc\n',
      'p.yml': `- hosts: all
  max_fail_percentage: 30
  tasks:
    - fail: {msg: down}
      when: "{{ eq inventory_hostname 'a' }}"
    - ${say('after')}
`,
    });
    const run = await runCli(['p.yml', '-i', 'hosts.ini'], { cwd: dir });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.deepEqual(messages(run.stdout), ['down'], 'one host of three is 33% > 30%: nothing runs after');
  });

  it('a roles: entry or meta dependency runs again when its meta says allow_duplicates', async (t) => {
    const dir = await project(t, {
      'roles/once/tasks/main.yml': `- ${say('once')}\n`,
      'roles/twice/tasks/main.yml': `- ${say('twice')}\n`,
      'roles/twice/meta/main.yml': 'allow_duplicates: true\n',
      'p.yml': '- hosts: localhost\n  roles: [once, once, twice, twice]\n',
    });
    assert.deepEqual((await succeedingRun(dir)).messages, ['once', 'twice', 'twice']);
  });
});

describe('mcsync-play flags and mcsync.yaml keys', () => {
  it('--start-at-task, --skip-tags and --profile', async (t) => {
    const dir = await project(t, {
      'p.yml': `- hosts: localhost
  tasks:
    - {name: first, debug: {msg: first}, tags: [one]}
    - {name: second, debug: {msg: second}, tags: [two]}
    - {name: third, debug: {msg: third}}
`,
    });
    const start = await runCli(['p.yml', '--start-at-task', 'sec*'], { cwd: dir });
    assert.deepEqual(messages(start.stdout), ['second', 'third']);
    const skip = await runCli(['p.yml', '--skip-tags', 'two'], { cwd: dir });
    assert.deepEqual(messages(skip.stdout), ['first', 'third']);
    const profile = await runCli(['p.yml', '--profile'], { cwd: dir });
    assert.match(profile.stdout, /PLAY RECAP[\s\S]*={10,}[\s\S]*third/);
  });

  it('--roles-path and mcsync.yaml roles_path find roles elsewhere; --forks and forks bound parallel hosts', async (t) => {
    const dir = await project(t, {
      'elsewhere/far/tasks/main.yml': `- ${say('far')}\n`,
      'config/near/tasks/main.yml': `- ${say('near')}\n`,
      'hosts.ini': 'a\nb\n',
      'roles.yml': '- hosts: a\n  roles: [far, near]\n',
      'slow.yml': `- hosts: all
  tasks:
    - shell: echo "start {{ inventory_hostname }}" >> log.txt; sleep 1; echo "end {{ inventory_hostname }}" >> log.txt
`,
      'mcsync.yaml': 'roles_path: [config]\nforks: 1\ninventory: hosts.ini\n',
    });
    const roles = await succeedingRun(dir, ['roles.yml', '--roles-path', 'elsewhere']);
    assert.deepEqual(roles.messages, ['far', 'near']);
    // The order in which the hosts' commands start and end shows how many ran at once.
    const order = async (args: string[]): Promise<string> => {
      await rm(join(dir, 'log.txt'), { force: true });
      await succeedingRun(dir, args);
      return (await readFile(join(dir, 'log.txt'), 'utf8'))
        .replace(/ [ab]/g, '')
        .trim()
        .split('\n')
        .join(',');
    };
    assert.equal(await order(['slow.yml']), 'start,end,start,end', 'forks: 1 from mcsync.yaml');
    assert.equal(await order(['slow.yml', '--forks', '2']), 'start,start,end,end', '--forks 2 overrides it');
  });
});
