/**
 * `hostvars` against the real Ansible: another host's inventory variables, templated against that
 * host's own variables (not the host the task runs on, nor its play vars), with its facts and
 * registered results and the extra vars in it, and the play vars not. The group var `api_url: https://{{ clusterhost }}:6443` is the
 * inventory shape the seed uses for connections.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectExit } from './support/compare.ts';
import { playBoth } from './support/oracle-run.ts';
import type { BothRuns } from './support/oracle-run.ts';
import { localInventory, writeProject } from './support/project.ts';
import type { Project } from './support/project.ts';
import { shown } from './support/results.ts';

const CASES: Record<string, { what: string; var: string; expected: string }> = {
  other_host: {
    what: "another host's templated variable is rendered with that host's variables",
    var: 'hostvars.west.api_url',
    expected: 'https://west.example.com:6443',
  },
  own_host: {
    what: "the task's own host through hostvars ignores the play vars it would otherwise see",
    var: 'hostvars.east.api_url',
    expected: 'https://east.example.com:6443',
  },
  direct: {
    what: 'the same variable read directly sees the play vars',
    var: 'api_url',
    expected: 'https://overridden-by-play:6443',
  },
  extra_vars: {
    what: 'extra vars are in hostvars',
    var: 'hostvars.west.from_extra',
    expected: 'extra',
  },
  facts: {
    what: 'a fact another host set in an earlier play is in its hostvars',
    var: 'hostvars.west.from_fact',
    expected: 'set on west',
  },
  registered: {
    what: 'so is what it registered',
    var: 'hostvars.west.printed.stdout',
    expected: 'printed on west',
  },
  magic: {
    what: "another host's magic variables are its own",
    var: 'hostvars.west.inventory_hostname',
    expected: 'west',
  },
};

describe('hostvars is the same as ansible-playbook 2.14', () => {
  let project: Project;
  let runs: BothRuns;

  before(async () => {
    project = await writeProject({
      'inventory/hosts.ini': localInventory(`
east clusterhost=east.example.com
west clusterhost=west.example.com

[clusters:children]
fleet

[fleet]
east
west

[clusters:vars]
api_url=https://{{ clusterhost }}:6443
`),
      'site.yml': [
        {
          name: 'facts',
          hosts: 'all',
          gather_facts: false,
          tasks: [
            { set_fact: { from_fact: 'set on {{ inventory_hostname }}' } },
            { command: 'echo printed on {{ inventory_hostname }}', register: 'printed' },
          ],
        },
        {
          name: 'hostvars',
          hosts: 'east',
          gather_facts: false,
          vars: { clusterhost: 'overridden-by-play' },
          tasks: Object.entries(CASES).map(([name, c]) => ({ name, debug: { var: c.var } })),
        },
      ],
    });
    runs = await playBoth(project, ['-i', 'inventory/hosts.ini', '-e', 'from_extra=extra', 'site.yml']);
    expectExit(runs.ansible.run, 0);
    expectExit(runs.mcsync.run, 0);
  });
  after(() => project.remove());

  for (const [name, c] of Object.entries(CASES)) {
    it(c.what, () => {
      const ansible = shown(runs.ansible.record, name);
      assert.deepEqual(shown(runs.mcsync.record, name), ansible);
      // The case tests what it says: Ansible shows the expected value too.
      assert.deepEqual(ansible, { east: c.expected });
    });
  }
});
