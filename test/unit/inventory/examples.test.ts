import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hostConnection, loadInventory } from '../../../src/inventory/index.ts';

const EXAMPLES = join(import.meta.dirname, '../../../inventory');

describe('the example inventories in inventory/', () => {
  for (const source of ['hosts.ini', 'hosts.yml', '.']) {
    it(`${source} loads with master and slaves and a usable connection for every host`, async () => {
      const inventory = await loadInventory([join(EXAMPLES, source)]);
      assert.deepEqual(inventory.hostNames(), ['east', 'west']);
      assert.deepEqual(inventory.selectHosts('master'), ['east']);
      assert.deepEqual(inventory.selectHosts('slaves'), ['west']);
      for (const host of inventory.hostNames()) {
        const connection = hostConnection(inventory.hostVars(host), host);
        assert.equal(connection.apiUrl, `https://api.${host}.example.com:6443`);
        assert.equal(connection.tokenFile, `~/.config/mcsync/${host}.token`);
      }
    });
  }
});
