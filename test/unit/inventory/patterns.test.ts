import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadInventory, readLimit } from '../../../src/inventory/index.ts';
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

  it('unions with : and , in the order written, as ansible --list-hosts prints them', () => {
    assert.deepEqual(inventory.selectHosts('web10:master'), ['web10', 'east.example.com']);
    assert.deepEqual(inventory.selectHosts('web10,master'), ['web10', 'east.example.com']);
    assert.deepEqual(inventory.selectHosts(['web10', 'master']), ['web10', 'east.example.com']);
  });

  it('splits on commas only when there is one, so a:b,c is the terms a:b and c', () => {
    assert.deepEqual(inventory.selectHosts('web10:master,canary'), ['web02']);
    assert.deepEqual(inventory.evaluatePattern('web10:master,canary').unmatched, ['web10:master']);
  });

  it('intersects with :& and excludes with :!', () => {
    assert.deepEqual(inventory.selectHosts('slaves:&web'), ['web01', 'web02']);
    assert.deepEqual(inventory.selectHosts('slaves:!web'), ['west.example.com', 'apac.example.com']);
  });

  it('applies unions, then intersections, then exclusions, regardless of position', () => {
    assert.deepEqual(inventory.selectHosts('!canary:&web:slaves'), ['web01']);
    assert.deepEqual(inventory.selectHosts('slaves:!web:master'), [
      'west.example.com',
      'apac.example.com',
      'east.example.com',
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
    assert.deepEqual(inventory.selectHosts('slaves[3:9]'), ['web02']);
  });

  it("refuses a single subscript past the group's hosts, as ansible-playbook does", () => {
    assert.throws(() => inventory.selectHosts('slaves[9]'), {
      name: 'LoadError',
      message: "No hosts matched the subscripted pattern 'slaves[9]'",
    });
    assert.deepEqual(inventory.selectHosts('nosuch[0]'), []);
  });

  it('returns [] for a pattern matching nothing and reports the terms that matched nothing', () => {
    assert.deepEqual(inventory.selectHosts('nosuch'), []);
    assert.deepEqual(inventory.selectHosts('nosuch*'), []);
    // Ansible's get_hosts(''): no terms means `all` (a play's `hosts:` may not be empty anyway).
    assert.deepEqual(inventory.selectHosts(''), all);
    assert.deepEqual(inventory.evaluatePattern('nosuch:web10:!gone').unmatched, ['nosuch', 'gone']);
    assert.deepEqual(inventory.evaluatePattern('slaves[1:9]').unmatched, []);
    assert.deepEqual(inventory.evaluatePattern('all').unmatched, []);
  });

  it('matches the implicit localhost by name only, never through all or globs', () => {
    assert.deepEqual(inventory.selectHosts('localhost'), ['localhost']);
    assert.deepEqual(inventory.selectHosts('localhost:master'), ['localhost', 'east.example.com']);
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

  it('--limit terms are evaluated together: plain terms, then & intersections, then ! exclusions', () => {
    const limit = (pattern: string): string[] => inventory.selectTerms(readLimit(pattern, dir)).hosts;
    assert.deepEqual(limit('slaves,!web'), ['west.example.com', 'apac.example.com']);
    assert.deepEqual(limit('slaves:!web'), ['west.example.com', 'apac.example.com']);
    assert.deepEqual(limit('!web,!master'), ['west.example.com', 'apac.example.com']);
    assert.deepEqual(limit('slaves,&web'), ['web01', 'web02']);
    assert.deepEqual(limit('all,!web,&slaves'), ['west.example.com', 'apac.example.com']);
  });

  it('--limit @file reads one pattern per line, skipping blanks and comments', async () => {
    const file = join(dir, 'retry');
    await writeFile(file, '# failed last time\nweb02\n\napac.example.com\n');
    assert.deepEqual(readLimit(`@${file}`, dir), ['web02', 'apac.example.com']);
    assert.deepEqual(inventory.selectTerms(readLimit(`@${file},!web`, dir)).hosts, ['apac.example.com']);
    assert.throws(
      () => readLimit('@/nonexistent/limit', dir),
      /--limit @\/nonexistent\/limit: cannot read limit file/,
    );
    assert.throws(() => readLimit(`@${dir}`, dir), /must be a file, not a directory/);
  });
});
