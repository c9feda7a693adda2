/**
 * Variable precedence against the real Ansible: one variable per layer of Ansible 2.14's
 * documented order, defined in that layer and in every layer below it, each layer giving its own
 * name as the value; a debug of each variable shows which layer won. Group order (child over
 * parent, same depth by name, ansible_group_priority, depth before priority) is checked the same
 * way, in the inventory file and in group_vars/ files.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectExit } from './support/compare.ts';
import { playBoth } from './support/oracle-run.ts';
import type { BothRuns } from './support/oracle-run.ts';
import { localInventory, writeProject } from './support/project.ts';
import type { Project } from './support/project.ts';
import { shown } from './support/results.ts';

/** Lowest first, as https://docs.ansible.com/ansible/2.14/playbook_guide/playbooks_variables.html lists them. */
const LAYERS = [
  'role_defaults',
  'inventory_file_group_vars',
  'inventory_group_vars_all',
  'playbook_group_vars_all',
  'inventory_group_vars_group',
  'playbook_group_vars_group',
  'inventory_file_host_vars',
  'inventory_host_vars',
  'playbook_host_vars',
  'play_vars',
  'play_vars_files',
  'role_vars',
  'block_vars',
  'task_vars',
  'include_vars',
  'set_fact',
  'registered',
  'role_params',
  'include_params',
  'extra_vars',
] as const;
type Layer = (typeof LAYERS)[number];

const varName = (layer: Layer): string => `p_${layer}`;

/** What `layer` defines: the variable of every layer at or above it, valued with its own name. */
function definedBy(layer: Layer): Record<string, string> {
  const from = LAYERS.indexOf(layer);
  const out: Record<string, string> = {};
  for (const upper of LAYERS.slice(from)) if (upper !== 'registered') out[varName(upper)] = layer;
  if (from <= LAYERS.indexOf('registered')) out[varName('registered')] = layer;
  return out;
}

function iniVars(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/** Group-order checks: variable → the two groups that define it (value: the group's name), winner last. */
const GROUP_CASES: Record<string, { groups: string[]; what: string }> = {
  g_child: { groups: ['parent', 'child'], what: 'a child group beats its parent' },
  g_same_depth: { groups: ['alpha', 'beta'], what: 'same depth: merged by name, the later name wins' },
  g_priority: { groups: ['zeta', 'prio_high'], what: 'ansible_group_priority beats the name order' },
  g_depth_first: { groups: ['prio_high', 'child'], what: 'depth is compared before priority' },
  g_all: { groups: ['all', 'alpha'], what: 'any group beats all' },
};

function groupVars(group: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, { groups }] of Object.entries(GROUP_CASES)) {
    if (groups.includes(group)) out[`${prefix}${name}`] = group;
  }
  return out;
}

const GROUPS = ['all', 'parent', 'child', 'alpha', 'beta', 'prio_high', 'zeta'];

function inventoryFile(): string {
  const section = (group: string, extra: Record<string, string> = {}): string =>
    `[${group}:vars]\n${iniVars({ ...groupVars(group, 'inv_'), ...extra })}\n`;
  return localInventory(`
h1 ${iniVars(definedBy('inventory_file_host_vars')).replaceAll('\n', ' ')}
h2

[parent:children]
child

[child]
h1

[alpha]
h1
h2

[beta]
h1

[prio_high]
h1

[zeta]
h1

${section('alpha', definedBy('inventory_file_group_vars'))}
${section('parent')}
${section('child')}
${section('beta')}
${section('prio_high', { ansible_group_priority: '10' })}
${section('zeta')}
${section('all')}
`);
}

function groupVarsFiles(dir: string, prefix: string): Record<string, unknown> {
  return Object.fromEntries(
    GROUPS.map((group) => [`${dir}/group_vars/${group}.yml`, groupVars(group, prefix)]),
  );
}

/** Every variable shown by a named debug task, the registered one through its `msg`. */
function showTasks(): unknown[] {
  const layerTasks = LAYERS.map((layer) => ({
    name: `show ${layer}`,
    debug: { var: layer === 'registered' ? `${varName(layer)}.msg` : varName(layer) },
    vars: definedBy('task_vars'),
  }));
  return [{ name: 'block with vars', vars: definedBy('block_vars'), block: layerTasks }];
}

function groupShowTasks(): unknown[] {
  return Object.keys(GROUP_CASES).flatMap((name) => [
    { name: `show inv_${name}`, debug: { var: `inv_${name}` } },
    { name: `show gv_${name}`, debug: { var: `gv_${name}` } },
  ]);
}

function projectFiles(): Record<string, unknown> {
  return {
    'inventory/hosts.ini': inventoryFile(),
    ...groupVarsFiles('inventory', 'gv_'),
    'inventory/group_vars/all.yml': { ...groupVars('all', 'gv_'), ...definedBy('inventory_group_vars_all') },
    'inventory/group_vars/alpha.yml': {
      ...groupVars('alpha', 'gv_'),
      ...definedBy('inventory_group_vars_group'),
    },
    'inventory/host_vars/h1.yml': definedBy('inventory_host_vars'),
    'group_vars/all.yml': definedBy('playbook_group_vars_all'),
    'group_vars/alpha.yml': definedBy('playbook_group_vars_group'),
    'host_vars/h1.yml': definedBy('playbook_host_vars'),
    'vars/play.yml': definedBy('play_vars_files'),
    'roles/r/defaults/main.yml': definedBy('role_defaults'),
    'roles/r/vars/main.yml': definedBy('role_vars'),
    'roles/r/vars/included.yml': definedBy('include_vars'),
    'roles/r/tasks/main.yml': [
      { name: 'include vars', include_vars: 'included.yml' },
      { name: 'set facts', set_fact: definedBy('set_fact') },
      { name: 'register', debug: { msg: 'registered' }, register: varName('registered') },
      { name: 'include show', include_tasks: 'show.yml', vars: definedBy('include_params') },
    ],
    'roles/r/tasks/show.yml': showTasks(),
    'site.yml': [
      {
        name: 'layers',
        hosts: 'h1',
        gather_facts: false,
        vars: definedBy('play_vars'),
        vars_files: ['vars/play.yml'],
        roles: [{ role: 'r', ...definedBy('role_params') }],
      },
      { name: 'groups', hosts: 'all', gather_facts: false, tasks: groupShowTasks() },
    ],
  };
}

describe('variable precedence is the same as ansible-playbook 2.14', () => {
  let project: Project;
  let runs: BothRuns;

  before(async () => {
    project = await writeProject(projectFiles());
    runs = await playBoth(project, [
      '-i',
      'inventory/hosts.ini',
      '-e',
      `${varName('extra_vars')}=extra_vars`,
      'site.yml',
    ]);
    expectExit(runs.ansible.run, 0);
    expectExit(runs.mcsync.run, 0);
  });
  after(() => project.remove());

  for (const layer of LAYERS) {
    it(`${layer} beats every layer below it`, () => {
      const task = `r : show ${layer}`;
      const ansible = shown(runs.ansible.record, task);
      assert.deepEqual(shown(runs.mcsync.record, task), ansible);
      // The case tests what it says: in Ansible too, the layer's own value won.
      assert.deepEqual(ansible, { h1: layer });
    });
  }

  for (const [name, { what }] of Object.entries(GROUP_CASES)) {
    it(`${what} (inventory file and group_vars/)`, () => {
      for (const task of [`show inv_${name}`, `show gv_${name}`]) {
        const ansible = shown(runs.ansible.record, task);
        assert.deepEqual(shown(runs.mcsync.record, task), ansible, task);
        assert.equal(ansible['h1'], GROUP_CASES[name]?.groups[1], task);
      }
    });
  }
});
