import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadInventory } from '../../../src/inventory/index.ts';
import { rejectsWith, writeTree } from './tree.ts';

// One variable per precedence level: each level sets `v` and its own marker; `v` tells who won.
const INVENTORY = `
[all:vars]
v=file-all
[slaves:children]
west
[slaves:vars]
v=file-slaves
[west]
west-1 v2=file-host
[west:vars]
v=file-west
`;

async function project(files: Record<string, string>) {
  const root = await writeTree({ 'inventory/hosts.ini': INVENTORY, 'playbooks/site.yml': '[]\n', ...files });
  return loadInventory([join(root, 'inventory')], { playbookDir: join(root, 'playbooks') });
}

describe('group_vars and host_vars precedence (Ansible order)', () => {
  it('a deeper group beats its parent, which beats all, within the inventory file', async () => {
    const inventory = await project({});
    assert.equal(inventory.hostVars('west-1')['v'], 'file-west');
  });

  it('inventory group_vars/ beats inventory-file group vars', async () => {
    const inventory = await project({ 'inventory/group_vars/slaves.yml': 'v: dir-slaves\n' });
    assert.equal(inventory.hostVars('west-1')['v'], 'dir-slaves');
  });

  it('group_vars/all/ beats inventory-file vars even of a specific group (Ansible levels 3 < 4)', async () => {
    const inventory = await project({ 'inventory/group_vars/all.yml': 'v: dir-all\n' });
    assert.equal(inventory.hostVars('west-1')['v'], 'dir-all');
  });

  it('playbook group_vars/all beats inventory group_vars/all but loses to group_vars/<group>', async () => {
    let inventory = await project({
      'inventory/group_vars/all.yml': 'v: inv-all\n',
      'playbooks/group_vars/all.yml': 'v: pb-all\n',
    });
    assert.equal(inventory.hostVars('west-1')['v'], 'pb-all');
    inventory = await project({
      'playbooks/group_vars/all.yml': 'v: pb-all\n',
      'inventory/group_vars/slaves.yml': 'v: inv-slaves\n',
    });
    assert.equal(inventory.hostVars('west-1')['v'], 'inv-slaves');
  });

  it('playbook group_vars/ beats inventory group_vars/ for the same group', async () => {
    const inventory = await project({
      'inventory/group_vars/west.yml': 'v: inv-west\n',
      'playbooks/group_vars/west.yml': 'v: pb-west\n',
    });
    assert.equal(inventory.hostVars('west-1')['v'], 'pb-west');
  });

  it('orders groups by depth in a dir, so a child group beats its parent', async () => {
    const inventory = await project({
      'inventory/group_vars/west.yml': 'v: inv-west\n',
      'inventory/group_vars/slaves.yml': 'v: inv-slaves\n',
    });
    assert.equal(inventory.hostVars('west-1')['v'], 'inv-west');
  });

  it('orders sibling groups by name, unless ansible_group_priority says otherwise', async () => {
    const root = await writeTree({ 'hosts.ini': '[b]\nh\n[a]\nh\n[a:vars]\nv=a\n[b:vars]\nv=b\n' });
    const inventory = await loadInventory([join(root, 'hosts.ini')]);
    assert.equal(inventory.hostVars('h')['v'], 'b');
    const root2 = await writeTree({
      'hosts.ini': '[b]\nh\n[a]\nh\n[a:vars]\nv=a\nansible_group_priority=5\n[b:vars]\nv=b\n',
    });
    assert.equal((await loadInventory([join(root2, 'hosts.ini')])).hostVars('h')['v'], 'a');
  });

  it('applies playbook group_vars/ after inventory group_vars/ of every group', async () => {
    const inventory = await project({
      'inventory/group_vars/west.yml': 'v: inv-west\n',
      'playbooks/group_vars/slaves.yml': 'v: pb-slaves\n',
    });
    // Ansible applies inventory dirs for all groups before playbook dirs: pb-slaves wins.
    assert.equal(inventory.hostVars('west-1')['v'], 'pb-slaves');
  });

  it('host vars beat group vars: file < inventory host_vars/ < playbook host_vars/', async () => {
    let inventory = await project({ 'playbooks/group_vars/west.yml': 'v2: pb-group\n' });
    assert.equal(inventory.hostVars('west-1')['v2'], 'file-host');
    inventory = await project({ 'inventory/host_vars/west-1.yml': 'v2: inv-host\n' });
    assert.equal(inventory.hostVars('west-1')['v2'], 'inv-host');
    inventory = await project({
      'inventory/host_vars/west-1.yml': 'v2: inv-host\n',
      'playbooks/host_vars/west-1.yaml': 'v2: pb-host\n',
    });
    assert.equal(inventory.hostVars('west-1')['v2'], 'pb-host');
  });

  it('replaces whole values per top-level key (no deep merge)', async () => {
    const inventory = await project({
      'inventory/group_vars/all.yml': 'labels: { a: 1, b: 2 }\n',
      'inventory/group_vars/west.yml': 'labels: { b: 3 }\n',
    });
    assert.deepEqual(inventory.hostVars('west-1')['labels'], { b: 3 });
  });

  it('merges a group_vars directory in name order, JSON and extension-less files included', async () => {
    const inventory = await project({
      'inventory/group_vars/west/10-base.yml': 'v: ten\nbase: true\n',
      'inventory/group_vars/west/20-override.json': '{"v": "twenty"}',
      'inventory/group_vars/west/sub/30': 'deep: true\n',
      'inventory/group_vars/west/notes.txt': 'v: ignored\n',
      'inventory/group_vars/west/.hidden.yml': 'v: hidden\n',
    });
    const vars = inventory.hostVars('west-1');
    assert.equal(vars['v'], 'twenty');
    assert.equal(vars['base'], true);
    assert.equal(vars['deep'], true);
  });

  it('gives the implicit localhost group_vars/all and host_vars/localhost', async () => {
    const inventory = await project({
      'inventory/group_vars/all.yml': 'shared: 1\n',
      'playbooks/host_vars/localhost.yml': 'mine: 2\n',
    });
    const vars = inventory.hostVars('localhost');
    assert.equal(vars['shared'], 1);
    assert.equal(vars['mine'], 2);
    assert.equal(vars['ansible_connection'], 'local');
  });

  it('sets magic vars: inventory_hostname, group_names sorted without all, groups', async () => {
    const inventory = await project({});
    const vars = inventory.hostVars('west-1');
    assert.equal(vars['inventory_hostname'], 'west-1');
    assert.deepEqual(vars['group_names'], ['slaves', 'west']);
    assert.deepEqual((vars['groups'] as Record<string, string[]>)['slaves'], ['west-1']);
    assert.deepEqual((vars['groups'] as Record<string, string[]>)['all'], ['west-1']);
  });

  it('rejects a vars file that is not a mapping, naming it', async () => {
    await rejectsWith(
      project({ 'inventory/group_vars/west.yml': '- a\n' }),
      /group_vars\/west\.yml:1:1: a vars file must hold a mapping/,
    );
  });

  it('names the unknown host asked for, with the nearest one', async () => {
    const inventory = await project({});
    assert.throws(() => inventory.hostVars('west1'), /unknown host 'west1'; did you mean 'west-1'/);
  });
});
