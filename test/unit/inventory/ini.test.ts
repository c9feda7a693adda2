import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LoadError } from '../../../src/errors.ts';
import { hostConnection, loadInventory } from '../../../src/inventory/index.ts';
import { rejectsWith, writeTree } from './tree.ts';

const SEED = join(import.meta.dirname, '../../fixtures/inventory/seed/inventory');

async function ini(text: string) {
  const dir = await writeTree({ 'hosts.ini': text });
  return { inventory: await loadInventory([join(dir, 'hosts.ini')]), file: join(dir, 'hosts.ini') };
}

describe('INI inventories', () => {
  it('loads the PoC-shaped inventory unchanged: groups, children and :vars', async () => {
    const inventory = await loadInventory([SEED]);
    assert.deepEqual(inventory.hostNames(), ['east', 'west', 'apac']);
    assert.deepEqual(inventory.groupHosts('master'), ['east']);
    assert.deepEqual(inventory.groupHosts('slaves'), ['west', 'apac']);
    assert.deepEqual(inventory.hostGroups('west'), ['all', 'slaves', 'west']);
    const east = inventory.hostVars('east');
    assert.equal(east['clusterhost'], 'east.example.com:8443');
    assert.equal(east['token'], 'eyJhbGciOiJSUzI1NiJ9.east-management-admin');
    assert.equal(east['ansible_connection'], 'local');
    assert.equal(east['oc'], '/usr/local/bin/oc', 'host-line vars beat [all:vars]');
    assert.deepEqual(east['group_names'], ['east', 'master']);
  });

  it("gives each caller its own copy of a host's variables", async () => {
    const inventory = await loadInventory([SEED]);
    const first = inventory.hostVars('west');
    first['oc'] = 'changed by a caller';
    delete first['token'];
    const again = inventory.hostVars('west');
    assert.equal(again['oc'], '/opt/oc 3.6/oc');
    assert.equal(again['token'], 'eyJhbGciOiJSUzI1NiJ9.west-management-admin');
    assert.notEqual(again, first);
  });

  it('unquotes quoted values on host lines and in :vars sections', async () => {
    const inventory = await loadInventory([SEED]);
    const west = inventory.hostVars('west');
    assert.equal(west['oc'], '/opt/oc 3.6/oc');
    assert.equal(west['token'], 'eyJhbGciOiJSUzI1NiJ9.west-management-admin');
    assert.equal(inventory.hostVars('apac')['oc'], 'oc');
  });

  it('turns the PoC clusterhost/token vars into connections for every host', async () => {
    const inventory = await loadInventory([SEED]);
    const connections = inventory.hostNames().map((host) => hostConnection(inventory.hostVars(host), host));
    assert.deepEqual(
      connections.map((c) => c.apiUrl),
      ['https://east.example.com:8443', 'https://west.example.com:8443', 'https://apac.example.com:8443'],
    );
    assert.ok(connections.every((c) => c.token?.startsWith('eyJ') && c.local && c.hasCluster));
  });

  it('puts hosts before any section into ungrouped, skipping # and ; comments', async () => {
    const { inventory } = await ini('; a comment\nlone port=8443 flag=True\n# another\n[g]\nother\n');
    assert.deepEqual(inventory.groupHosts('ungrouped'), ['lone']);
    assert.deepEqual(inventory.hostVars('lone')['group_names'], ['ungrouped']);
    assert.equal(inventory.hostVars('lone')['port'], 8443);
    assert.equal(inventory.hostVars('lone')['flag'], true);
  });

  it('expands host ranges with zero padding, letters and steps', async () => {
    const { inventory } = await ini('[web]\nweb[01:03] role=web\n[db]\ndb-[a:c]\n[n]\nn[0:10:5]\n');
    assert.deepEqual(inventory.groupHosts('web'), ['web01', 'web02', 'web03']);
    assert.equal(inventory.hostVars('web02')['role'], 'web');
    assert.deepEqual(inventory.groupHosts('db'), ['db-a', 'db-b', 'db-c']);
    assert.deepEqual(inventory.groupHosts('n'), ['n0', 'n5', 'n10']);
  });

  it('keeps a host:port as ansible_port', async () => {
    const { inventory } = await ini('[g]\nbastion:2222\n');
    assert.deepEqual(inventory.hostNames(), ['bastion']);
    assert.equal(inventory.hostVars('bastion')['ansible_port'], 2222);
  });

  it('creates a child group that is never defined, empty', async () => {
    const { inventory } = await ini('[parent:children]\nghost\n');
    assert.ok(inventory.groupNames().includes('ghost'));
    assert.deepEqual(inventory.groupHosts('ghost'), []);
  });

  it('rejects a host var without = naming file:line', async () => {
    const dir = await writeTree({ 'hosts.ini': '[g]\n\neast clusterhost\n' });
    await assert.rejects(loadInventory([join(dir, 'hosts.ini')]), (error: LoadError) => {
      assert.ok(error instanceof LoadError);
      assert.equal(error.location?.line, 3);
      assert.match(error.describe(), /hosts\.ini:3:1: expected key=value host variable/);
      return true;
    });
  });

  it('rejects an unknown section type with the nearest one', async () => {
    const dir = await writeTree({ 'hosts.ini': '[g]\nh\n[g:var]\nx=1\n' });
    await rejectsWith(
      loadInventory([join(dir, 'hosts.ini')]),
      /hosts\.ini:3:1: .*unknown type 'var'.*did you mean 'vars'/,
    );
  });

  it('rejects [x:vars] for a group the file never defines, suggesting the near name', async () => {
    const dir = await writeTree({ 'hosts.ini': '[slaves]\nwest\n[slave:vars]\ntoken=x\n' });
    await rejectsWith(
      loadInventory([join(dir, 'hosts.ini')]),
      /hosts\.ini:3:1: section \[slave:vars\].*never defines; did you mean 'slaves'/,
    );
  });

  it('rejects :vars lines without = and malformed section headers', async () => {
    const a = await writeTree({ 'hosts.ini': '[g:vars]\njust-a-word\n[g]\nh\n' });
    await rejectsWith(
      loadInventory([join(a, 'hosts.ini')]),
      /hosts\.ini:2:1: expected key=value in section \[g:vars\]/,
    );
    const b = await writeTree({ 'hosts.ini': '[bad group]\n' });
    await rejectsWith(loadInventory([join(b, 'hosts.ini')]), /hosts\.ini:1:1: invalid section header/);
  });

  it('rejects an unclosed quote on a host line', async () => {
    const dir = await writeTree({ 'hosts.ini': '[g]\nh token="abc\n' });
    await rejectsWith(loadInventory([join(dir, 'hosts.ini')]), /hosts\.ini:2:1: no closing quotation/);
  });
});
