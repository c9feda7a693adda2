import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadInventory } from '../../../src/inventory/index.ts';
import { detectFormat } from '../../../src/inventory/load-inventory.ts';
import { rejectsWith, writeTree } from './tree.ts';

describe('inventory sources', () => {
  it('gives only the implicit localhost when there are no sources', async () => {
    const inventory = await loadInventory([]);
    assert.deepEqual(inventory.hostNames(), []);
    assert.deepEqual(inventory.selectHosts('all'), []);
    assert.deepEqual(inventory.selectHosts('localhost'), ['localhost']);
    assert.ok(inventory.hasHost('localhost'));
    const vars = inventory.hostVars('localhost');
    assert.equal(vars['ansible_connection'], 'local');
    assert.equal(vars['inventory_hostname'], 'localhost');
    assert.deepEqual(vars['group_names'], []);
  });

  it('merges several sources, in order', async () => {
    const dir = await writeTree({
      'a.ini': '[master]\neast\n[master:vars]\nregion=us\n',
      'b.yml':
        'all:\n  children:\n    master:\n      vars: { region: eu }\n    slaves:\n      hosts: { west: }\n',
    });
    const inventory = await loadInventory([join(dir, 'a.ini'), join(dir, 'b.yml')]);
    assert.deepEqual(inventory.hostNames(), ['east', 'west']);
    assert.equal(inventory.hostVars('east')['region'], 'eu');
  });

  it('reads every inventory file of a directory in name order, skipping vars dirs and notes', async () => {
    const dir = await writeTree({
      '10-clusters.yml': 'all:\n  hosts: { east: }\n',
      '20-more': '[slaves]\nwest\n',
      'sub/30-extra.ini': '[slaves]\napac\n',
      'README.md': '# not an inventory [\n',
      '.hidden': 'garbage [\n',
      'old.ini~': 'garbage [\n',
      'site.retry': 'garbage [\n',
      'group_vars/all.yml': 'x: 1\n',
      'host_vars/east.yml': 'y: 2\n',
    });
    const inventory = await loadInventory([dir]);
    assert.deepEqual(inventory.hostNames(), ['east', 'west', 'apac']);
    assert.equal(inventory.hostVars('east')['y'], 2);
    assert.equal(inventory.hostVars('east')['inventory_file'], join(dir, '10-clusters.yml'));
    assert.equal(inventory.hostVars('apac')['inventory_dir'], join(dir, 'sub'));
  });

  it('names a missing source', async () => {
    await rejectsWith(
      loadInventory(['/nonexistent/inventory']),
      /inventory source not found: \/nonexistent\/inventory/,
    );
  });

  it('detects the format by extension, else by the first meaningful line', () => {
    assert.equal(detectFormat('hosts.yml', '[x]'), 'yaml');
    assert.equal(detectFormat('hosts.ini', 'all:'), 'ini');
    assert.equal(detectFormat('inventory', '# c\n[master]\neast\n'), 'ini');
    assert.equal(detectFormat('inventory', 'east clusterhost=x:8443\n'), 'ini');
    assert.equal(detectFormat('inventory', 'east:2222\n'), 'ini');
    assert.equal(detectFormat('inventory', '---\nall:\n'), 'yaml');
    assert.equal(detectFormat('inventory', '# c\nall:\n  hosts:\n'), 'yaml');
  });
});

describe('group children', () => {
  it('rejects a cycle naming the groups in order and the line closing it', async () => {
    const dir = await writeTree({ 'hosts.ini': '[a:children]\nb\n\n[b:children]\na\n' });
    await rejectsWith(
      loadInventory([join(dir, 'hosts.ini')]),
      /hosts\.ini:5:1: group children form a cycle: a → b → a/,
    );
  });

  it('rejects a self-cycle in YAML', async () => {
    const dir = await writeTree({ 'h.yml': 'all:\n  children:\n    a:\n      children:\n        a:\n' });
    await rejectsWith(loadInventory([join(dir, 'h.yml')]), /h\.yml:5:9: group children form a cycle: a → a/);
  });

  it('rejects all as a child', async () => {
    const dir = await writeTree({ 'hosts.ini': '[x:children]\nall\n' });
    await rejectsWith(
      loadInventory([join(dir, 'hosts.ini')]),
      /hosts\.ini:2:1: group 'all' cannot be a child of 'x'/,
    );
  });

  it('includes hosts of children (deduplicated, own hosts first, as ansible --list-hosts) and lists parents in hostGroups', async () => {
    const dir = await writeTree({
      'hosts.ini': '[top:children]\nmid\nleaf\n[mid:children]\nleaf\n[leaf]\nx\n[top]\ny\nx\n',
    });
    const inventory = await loadInventory([join(dir, 'hosts.ini')]);
    assert.deepEqual(inventory.groupHosts('top'), ['y', 'x']);
    assert.deepEqual(inventory.hostGroups('x'), ['all', 'top', 'mid', 'leaf']);
    assert.deepEqual(inventory.groupNames(), ['all', 'ungrouped', 'top', 'mid', 'leaf']);
  });
});
