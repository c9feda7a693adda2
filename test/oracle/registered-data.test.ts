/**
 * Registered results are data against the real Ansible: a module's output holding `{{ … }}` (a
 * file the command prints) is read back as written, never rendered, as Ansible's "unsafe" module
 * results are.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectExit } from './support/compare.ts';
import { playBoth } from './support/oracle-run.ts';
import type { BothRuns } from './support/oracle-run.ts';
import { localInventory, writeProject } from './support/project.ts';
import type { Project } from './support/project.ts';
import { shown } from './support/results.ts';

const TEMPLATE = '{{ inventory_hostname }}';

describe('registered results are not templates, as in ansible-playbook 2.14', () => {
  let project: Project;
  let runs: BothRuns;

  before(async () => {
    project = await writeProject({
      'inventory/hosts.ini': localInventory('h1'),
      'data.txt': `${TEMPLATE}\n`,
      'vars/nested.yml': { nested: { host: '{{ inventory_hostname }}' } },
      'site.yml': [
        {
          name: 'registered',
          hosts: 'h1',
          gather_facts: false,
          tasks: [
            { name: 'print', command: 'cat data.txt', register: 'printed' },
            { name: 'stdout', debug: { var: 'printed.stdout' } },
            { name: 'stdout_lines', debug: { var: 'printed.stdout_lines' } },
            { name: 'include', include_vars: '{{ item }}', loop: ['vars/nested.yml'], register: 'included' },
            { name: 'included', debug: { var: 'nested.host' } },
          ],
        },
      ],
    });
    runs = await playBoth(project, ['-i', 'inventory/hosts.ini', 'site.yml']);
    expectExit(runs.ansible.run, 0);
    expectExit(runs.mcsync.run, 0);
  });
  after(() => project.remove());

  it("a command's output is shown as it printed it", () => {
    const ansible = shown(runs.ansible.record, 'stdout');
    assert.deepEqual(shown(runs.mcsync.record, 'stdout'), ansible);
    assert.deepEqual(ansible, { h1: TEMPLATE });
  });

  it('variables a registered include_vars loop brought in are still templates', () => {
    const ansible = shown(runs.ansible.record, 'included');
    assert.deepEqual(shown(runs.mcsync.record, 'included'), ansible);
    assert.deepEqual(ansible, { h1: 'h1' });
  });

  it('so is every line of it inside the registered result', () => {
    const ansible = shown(runs.ansible.record, 'stdout_lines');
    assert.deepEqual(shown(runs.mcsync.record, 'stdout_lines'), ansible);
    assert.deepEqual(ansible, { h1: [TEMPLATE] });
  });
});
