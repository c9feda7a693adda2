/**
 * until / changed_when / failed_when against the real Ansible: what the same task's conditions
 * see (facts it sets, its registered result) and what is registered afterwards (`attempts`,
 * `changed`, `failed`), plus the recap those results add up to. h1 has `flag=True`, h2
 * `flag=False`, so one task can succeed on one host and exhaust its retries on the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectExit } from './support/compare.ts';
import { playBoth } from './support/oracle-run.ts';
import type { BothRuns } from './support/oracle-run.ts';
import { localInventory, writeProject } from './support/project.ts';
import type { Project } from './support/project.ts';
import { numbersAsText, shown } from './support/results.ts';

interface ResultCase {
  what: string;
  /** The task, without `register` (added as the case's own name). */
  task: Record<string, unknown>;
}

const retrying = { retries: 2, delay: 0 };

const CASES: Record<string, ResultCase> = {
  until_sees_set_fact: {
    what: 'until sees the fact the same set_fact sets (first attempt succeeds)',
    task: { set_fact: { ready: true }, until: 'ready', ...retrying },
  },
  until_exhausted: {
    what: 'until that never holds exhausts the retries',
    task: { set_fact: { never: false }, until: 'never', ...retrying, ignore_errors: true },
  },
  until_per_host: {
    what: 'until on a host variable holds on one host and not on the other',
    task: { debug: { msg: 'polling' }, until: 'flag', retries: 1, delay: 0, ignore_errors: true },
  },
  until_default_retries: {
    what: 'until without retries uses the default number of retries',
    task: { set_fact: { nope: false }, until: 'nope', delay: 0, ignore_errors: true },
  },
  until_zero_retries: {
    what: 'until with retries: 0',
    task: { set_fact: { zero: false }, until: 'zero', retries: 0, delay: 0, ignore_errors: true },
  },
  until_sees_register: {
    what: 'until sees the registered result of the same task',
    // A boolean msg: mcsync conditions must be booleans (Ansible would take any truthy value).
    task: { debug: { msg: true }, until: 'until_sees_register.msg', ...retrying },
  },
  until_sees_changed_when: {
    what: 'until sees the result after changed_when',
    task: {
      debug: { msg: 'hello' },
      changed_when: true,
      until: 'until_sees_changed_when.changed',
      ...retrying,
    },
  },
  until_on_failure: {
    what: 'until that holds on a failed result stops retrying and the task still fails',
    task: { fail: { msg: 'boom' }, until: 'until_on_failure.failed', ...retrying, ignore_errors: true },
  },
  changed_when_sees_set_fact: {
    what: 'changed_when sees the fact the same set_fact sets',
    task: { set_fact: { touched: true }, changed_when: 'touched' },
  },
  changed_when_false: {
    what: 'changed_when: false on set_fact',
    task: { set_fact: { quiet: 1 }, changed_when: false },
  },
  changed_when_host_var: {
    what: 'changed_when on a host variable',
    task: { debug: { msg: 'x' }, changed_when: 'flag' },
  },
  failed_when_sees_set_fact: {
    what: 'failed_when sees the fact the same set_fact sets',
    task: { set_fact: { broken: true }, failed_when: 'broken', ignore_errors: true },
  },
  failed_when_sees_register: {
    what: 'failed_when on the registered result overrides a failure',
    task: { fail: { msg: 'boom' }, failed_when: 'failed_when_sees_register.changed' },
  },
  failed_when_false: {
    what: 'failed_when: false turns a failure into ok',
    task: { fail: { msg: 'boom' }, failed_when: false },
  },
  failed_when_host_var: {
    what: 'failed_when on a host variable fails one host',
    task: { debug: { msg: 'x' }, failed_when: 'flag', ignore_errors: true },
  },
  registered_skip: {
    what: 'a task skipped by when registers a skip result',
    task: { debug: { msg: 'x' }, when: 'flag' },
  },
  registered_loop: {
    what: 'a loop registers the summary of its items',
    task: { debug: { msg: 'x' }, loop: [1, 2], changed_when: 'flag' },
  },
  changed_and_failed_when: {
    what: 'changed_when and failed_when together',
    task: { set_fact: { both: true }, changed_when: 'both', failed_when: 'both', ignore_errors: true },
  },
};

const FIELDS = ['attempts', 'changed', 'failed'] as const;

function tasks(): unknown[] {
  return Object.entries(CASES).flatMap(([name, { task }]) => [
    { name, ...task, register: name },
    ...FIELDS.map((field) => ({ name: `${name}.${field}`, debug: { var: `${name}.${field}` } })),
  ]);
}

describe('until, changed_when and failed_when register what ansible-playbook registers', () => {
  let project: Project;
  let runs: BothRuns;

  before(async () => {
    project = await writeProject({
      'hosts.ini': localInventory('h1 flag=True\nh2 flag=False'),
      'results.yml': [{ hosts: 'all', gather_facts: false, tasks: tasks() }],
    });
    runs = await playBoth(project, ['-i', 'hosts.ini', 'results.yml']);
  });
  after(() => project.remove());

  for (const [name, { what }] of Object.entries(CASES)) {
    it(what, () => {
      for (const field of FIELDS) {
        const task = `${name}.${field}`;
        assert.deepEqual(
          numbersAsText(shown(runs.mcsync.record, task)),
          numbersAsText(shown(runs.ansible.record, task)),
          task,
        );
      }
      const status = (record: BothRuns['ansible']['record']): Record<string, string> =>
        Object.fromEntries(
          Object.entries(record.tasks.find((task) => task.name === name)?.hosts ?? {}).map(
            ([host, outcome]) => [host, outcome.status],
          ),
        );
      assert.deepEqual(status(runs.mcsync.record), status(runs.ansible.record), `${name} status`);
    });
  }

  it('adds up to the same recap and exit code', () => {
    assert.deepEqual(runs.mcsync.record.recap, runs.ansible.record.recap);
    assert.equal(runs.mcsync.run.code, runs.ansible.run.code);
    expectExit(runs.ansible.run, 0);
  });
});
