import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadInventory } from '../../../src/inventory/index.ts';
import type { Inventory } from '../../../src/inventory/index.ts';
import { writeTree } from './tree.ts';

const HOSTS = `
[master]
east.example.com
[slaves]
west.example.com
apac.example.com
web01
web02
[web]
web01
web02
web10
[canary]
web02
`;

describe('host patterns', () => {
  let inventory: Inventory;
  let dir: string;
  before(async () => {
    dir = await writeTree({ 'hosts.ini': HOSTS });
    inventory = await loadInventory([join(dir, 'hosts.ini')]);
  });
  const all = ['east.example.com', 'west.example.com', 'apac.example.com', 'web01', 'web02', 'web10'];

  it('all and * select every defined host in inventory order', () => {
    assert.deepEqual(inventory.selectHosts('all'), all);
    assert.deepEqual(inventory.selectHosts('*'), all);
  });

  it('selects a host by name and a group by name (with its hosts in inventory order)', () => {
    assert.deepEqual(inventory.selectHosts('web10'), ['web10']);
    assert.deepEqual(inventory.selectHosts('slaves'), [
      'west.example.com',
      'apac.example.com',
      'web01',
      'web02',
    ]);
  });

  it('matches globs against hosts and groups', () => {
    assert.deepEqual(inventory.selectHosts('*.example.com'), [
      'east.example.com',
      'west.example.com',
      'apac.example.com',
    ]);
    assert.deepEqual(inventory.selectHosts('web0?'), ['web01', 'web02']);
    assert.deepEqual(inventory.selectHosts('mast*'), ['east.example.com']);
    assert.deepEqual(inventory.selectHosts('web[!0]*'), ['web10']);
  });

  it('matches ~regex from the start of the name', () => {
    assert.deepEqual(inventory.selectHosts('~web\\d+'), ['web01', 'web02', 'web10']);
    assert.deepEqual(inventory.selectHosts('~example'), []);
    assert.deepEqual(inventory.selectHosts('~(east|west)\\.'), ['east.example.com', 'west.example.com']);
  });

  it('unions with : and , and returns inventory order whatever the written order', () => {
    assert.deepEqual(inventory.selectHosts('web10:master'), ['east.example.com', 'web10']);
    assert.deepEqual(inventory.selectHosts('web10,master'), ['east.example.com', 'web10']);
    assert.deepEqual(inventory.selectHosts(['web10', 'master']), ['east.example.com', 'web10']);
  });

  it('intersects with :& and excludes with :!', () => {
    assert.deepEqual(inventory.selectHosts('slaves:&web'), ['web01', 'web02']);
    assert.deepEqual(inventory.selectHosts('slaves:!web'), ['west.example.com', 'apac.example.com']);
  });

  it('applies unions, then intersections, then exclusions, regardless of position', () => {
    assert.deepEqual(inventory.selectHosts('!canary:&web:slaves'), ['web01']);
    assert.deepEqual(inventory.selectHosts('slaves:!web:master'), [
      'east.example.com',
      'west.example.com',
      'apac.example.com',
    ]);
  });

  it('starts from all when a pattern has only exclusions or intersections', () => {
    assert.deepEqual(inventory.selectHosts('!slaves'), ['east.example.com', 'web10']);
    assert.deepEqual(inventory.selectHosts('&canary'), ['web02']);
  });

  it('takes subscripts of a group (inclusive ranges, negative indexes)', () => {
    assert.deepEqual(inventory.selectHosts('slaves[0]'), ['west.example.com']);
    assert.deepEqual(inventory.selectHosts('slaves[-1]'), ['web02']);
    assert.deepEqual(inventory.selectHosts('slaves[1:2]'), ['apac.example.com', 'web01']);
    assert.deepEqual(inventory.selectHosts('slaves[2:]'), ['web01', 'web02']);
  });

  it('returns [] for a pattern matching nothing', () => {
    assert.deepEqual(inventory.selectHosts('nosuch'), []);
    assert.deepEqual(inventory.selectHosts('nosuch*'), []);
    assert.deepEqual(inventory.selectHosts(''), []);
  });

  it('matches the implicit localhost by name only, never through all or globs', () => {
    assert.deepEqual(inventory.selectHosts('localhost'), ['localhost']);
    assert.deepEqual(inventory.selectHosts('localhost:master'), ['east.example.com', 'localhost']);
    assert.ok(!inventory.selectHosts('all').includes('localhost'));
    assert.deepEqual(inventory.selectHosts('local*'), []);
    assert.equal(inventory.hasHost('localhost'), true);
    assert.equal(inventory.hasHost('nosuch'), false);
  });

  it('treats a defined localhost as an ordinary host, part of all', async () => {
    const other = await writeTree({ 'hosts.ini': 'localhost ansible_connection=local\n[g]\nh\n' });
    const withLocal = await loadInventory([join(other, 'hosts.ini')]);
    assert.deepEqual(withLocal.selectHosts('all'), ['localhost', 'h']);
    assert.deepEqual(withLocal.hostVars('localhost')['group_names'], ['ungrouped']);
  });

  it('rejects an invalid regular expression', () => {
    assert.throws(
      () => inventory.selectHosts('~web('),
      /invalid regular expression in host pattern '~web\('/,
    );
  });

  it('--limit narrows a host list, keeping its order; several limits combine as one pattern', async () => {
    const hosts = inventory.selectHosts('all');
    assert.deepEqual(await inventory.limitHosts(hosts, []), hosts);
    assert.deepEqual(await inventory.limitHosts(hosts, ['slaves:!web']), [
      'west.example.com',
      'apac.example.com',
    ]);
    assert.deepEqual(await inventory.limitHosts(hosts, ['slaves', '!web']), [
      'west.example.com',
      'apac.example.com',
    ]);
    assert.deepEqual(await inventory.limitHosts(['web01', 'east.example.com'], ['all']), [
      'web01',
      'east.example.com',
    ]);
  });

  it('--limit @file reads host names one per line, skipping blanks and comments', async () => {
    const file = join(dir, 'retry');
    await writeFile(file, '# failed last time\nweb02\n\napac.example.com\n');
    assert.deepEqual(await inventory.limitHosts(all, [`@${file}`]), ['apac.example.com', 'web02']);
    assert.deepEqual(await inventory.limitHosts(all, [`@${file}`, '!web']), ['apac.example.com']);
    await assert.rejects(inventory.limitHosts(all, ['@/nonexistent/limit']), /cannot read --limit file/);
  });
});
