import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadInventory } from '../../../src/inventory/index.ts';
import { rejectsWith, writeTree } from './tree.ts';

async function yaml(text: string, name = 'hosts.yml') {
  const dir = await writeTree({ [name]: text });
  return loadInventory([join(dir, name)]);
}

const CLUSTERS = `
all:
  vars:
    oc: oc
  hosts:
    bastion:
  children:
    master:
      hosts:
        east:
          api_url: https://api.east.example.com:6443
          token_file: ~/.mcsync/east.token
    slaves:
      vars:
        tier: runtime
      hosts:
        west: { api_url: https://api.west.example.com:6443 }
        apac:
      children:
        edge:
          hosts:
            edge[1:2]:
`;

describe('YAML inventories', () => {
  it('reads all: {hosts, vars, children} with nested children and null hosts', async () => {
    const inventory = await yaml(CLUSTERS);
    assert.deepEqual(inventory.hostNames(), ['bastion', 'east', 'west', 'apac', 'edge1', 'edge2']);
    assert.deepEqual(inventory.groupHosts('slaves'), ['west', 'apac', 'edge1', 'edge2']);
    assert.deepEqual(inventory.groupHosts('ungrouped'), ['bastion']);
    assert.equal(inventory.hostVars('east')['token_file'], '~/.mcsync/east.token');
    assert.equal(inventory.hostVars('edge2')['tier'], 'runtime');
    assert.equal(inventory.hostVars('apac')['oc'], 'oc');
    assert.deepEqual(inventory.hostVars('edge1')['group_names'], ['edge', 'slaves']);
  });

  it('keeps YAML types for vars (numbers, booleans, lists)', async () => {
    const inventory = await yaml('all:\n  hosts:\n    h: { n: 3, b: true, l: [1, 2] }\n');
    assert.deepEqual(
      { n: inventory.hostVars('h')['n'], b: inventory.hostVars('h')['b'], l: inventory.hostVars('h')['l'] },
      { n: 3, b: true, l: [1, 2] },
    );
  });

  it('accepts top-level groups beside all and merges a group defined twice', async () => {
    const inventory = await yaml(
      'all:\n  children:\n    slaves:\n      hosts: { west: }\nslaves:\n  hosts: { apac: }\n  vars: { tier: runtime }\n',
    );
    assert.deepEqual(inventory.groupHosts('slaves'), ['west', 'apac']);
    assert.equal(inventory.hostVars('west')['tier'], 'runtime');
  });

  it('reads JSON inventories in the same shape', async () => {
    const inventory = await yaml('{"all": {"hosts": {"east": {"api_url": "https://e:6443"}}}}', 'hosts.json');
    assert.equal(inventory.hostVars('east')['api_url'], 'https://e:6443');
  });

  it('rejects an unknown group key with its location and the nearest key', async () => {
    await rejectsWith(
      yaml('all:\n  children:\n    master:\n      host:\n        east:\n'),
      /hosts\.yml:4:7: unknown key 'host' in group 'master'.*did you mean 'hosts'\?/,
    );
  });

  it('rejects hosts written as a list, with a hint', async () => {
    await rejectsWith(
      yaml('all:\n  hosts:\n    - east\n'),
      /hosts\.yml:3:5: 'hosts' of group 'all' must be a mapping.*not a list item/,
    );
  });

  it('rejects host vars that are not a mapping', async () => {
    await rejectsWith(
      yaml('all:\n  hosts:\n    east: https://x\n'),
      /hosts\.yml:3:11: host 'east' must be a mapping/,
    );
  });

  it('rejects a top level that is not a mapping of groups', async () => {
    await rejectsWith(yaml('- east\n- west\n'), /hosts\.yml:1:1: expected a mapping of groups/);
  });

  it('accepts an empty file as an empty inventory', async () => {
    const inventory = await yaml('# nothing yet\n');
    assert.deepEqual(inventory.hostNames(), []);
  });
});
