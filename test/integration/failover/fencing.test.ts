// Fencing on real hubs, in-process: claims are compare-and-swap writes of the leadership record,
// so of two claims racing for the same epoch exactly one wins, and a stale epoch never wins. The
// same holds for two monitors taking over one stalled restore.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { claimLeadership, readRecords } from '../../../src/failover/fencing.ts';
import { closeHubs, connectHubs } from '../../../src/failover/hubs.ts';
import type { HubHandle } from '../../../src/failover/hubs.ts';
import { parseHubPool } from '../../../src/failover/hubpool.ts';
import { writeRecord } from '../../../src/failover/record.ts';
import {
  takeOverRestore,
  withFinishedRestore,
  withPendingRestore,
} from '../../../src/failover/restore-state.ts';
import { sandboxClusters } from '../../support/clusters.ts';
import { poolName, recordOn } from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });

async function hubsFor(name: string): Promise<HubHandle[]> {
  const config = parseHubPool({
    document: { metadata: { name }, spec: { pool: ['east', 'west', 'south'], ping_period: '1s' } },
  });
  const vars = Object.fromEntries(
    sandbox.clusters.map((c) => [
      c.name,
      { api_url: c.apiUrl, token_file: c.adminTokenFile, ca_file: c.caFile },
    ]),
  );
  const hubs = await connectHubs(config, (host) => vars[host] ?? {});
  after(() => closeHubs(hubs));
  return hubs;
}

const record = (leader: string, epoch: number, by: string) => ({
  leader,
  epoch,
  previous: 'east',
  electedAt: new Date().toISOString(),
  electedBy: by,
});

describe('fencing with leadership records', () => {
  it('of two claims racing for the same epoch, exactly one wins and its record is on every voter', async () => {
    for (let round = 0; round < 5; round++) {
      const name = poolName('race');
      const hubs = await hubsFor(name);
      const voters = hubs.filter((h) => h.name !== 'east');
      const claims = await Promise.all(
        ['monitor-a', 'monitor-b'].map((by) =>
          claimLeadership({ voters, pool: name, record: record('west', 1, by), quorum: 2, timeoutMs: 5000 }),
        ),
      );
      assert.equal(claims.filter((c) => c.won).length, 1, JSON.stringify(claims));
      const winner = claims[0]?.won ? 'monitor-a' : 'monitor-b';
      const records = await readRecords(voters, name, 5000);
      for (const [hub, stored] of records) assert.equal(stored.record?.electedBy, winner, hub);
    }
  });

  it('a claim for an epoch that a hub already holds loses and leaves nothing behind', async () => {
    const name = poolName('stale');
    const hubs = await hubsFor(name);
    const voters = hubs.filter((h) => h.name !== 'east');
    const first = await claimLeadership({
      voters,
      pool: name,
      record: record('west', 2, 'a'),
      quorum: 2,
      timeoutMs: 5000,
    });
    assert.equal(first.won, true);
    const stale = await claimLeadership({
      voters,
      pool: name,
      record: record('south', 2, 'b'),
      quorum: 2,
      timeoutMs: 5000,
    });
    assert.equal(stale.won, false);
    assert.match(String(stale.reason), /already holds epoch 2 \(leader west\)/);
    for (const c of [sandbox.cluster('west'), sandbox.cluster('south')]) {
      assert.deepEqual(
        [(await recordOn(c, name))?.['leader'], (await recordOn(c, name))?.['epoch']],
        ['west', '2'],
      );
    }
  });

  it('a claim without a quorum of voters takes back what it wrote', async () => {
    const name = poolName('quorum');
    const hubs = await hubsFor(name);
    const west = hubs.filter((h) => h.name === 'west');
    const claim = await claimLeadership({
      voters: west,
      pool: name,
      record: record('west', 1, 'a'),
      quorum: 2,
      timeoutMs: 5000,
    });
    assert.equal(claim.won, false);
    assert.match(String(claim.reason), /only 1 of 1 voting hubs accepted; 2 needed/);
    assert.equal(await recordOn(sandbox.cluster('west'), name), undefined);
  });

  it('of two monitors taking over the same stalled restore, exactly one wins; a finished one is not taken', async () => {
    for (let round = 0; round < 5; round++) {
      const name = poolName('takeover');
      const hubs = await hubsFor(name);
      const west = hubs.find((h) => h.name === 'west') as HubHandle;
      const stalled = withPendingRestore(record('west', 1, 'crashed'), 'crashed');
      assert.equal((await writeRecord(west.client, name, stalled, undefined, 5000)).outcome, 'written');
      const takes = await Promise.all(
        ['monitor-a', 'monitor-b'].map((identity) =>
          takeOverRestore({
            leader: west,
            pool: name,
            seen: stalled,
            identity,
            now: new Date().toISOString(),
            timeoutMs: 5000,
          }),
        ),
      );
      assert.equal(takes.filter((x) => x.won).length, 1, JSON.stringify(takes));
      const loser = takes.find((x) => !x.won);
      assert.match(
        String(loser && !loser.won && loser.reason),
        /another monitor wrote the record on west first|took the restore over \(attempt 2\)/,
      );
      const stored = (await readRecords([west], name, 5000)).get('west')?.record?.restore;
      assert.deepEqual([stored?.status, stored?.attempt], ['pending', 2]);
    }
    const name = poolName('finished');
    const hubs = await hubsFor(name);
    const west = hubs.find((h) => h.name === 'west') as HubHandle;
    const claimed = withPendingRestore(record('west', 1, 'm1'), 'm1');
    const done = withFinishedRestore(claimed, { status: 'done', backup: 'b1' });
    assert.ok(done);
    await writeRecord(west.client, name, done, undefined, 5000);
    const late = await takeOverRestore({
      leader: west,
      pool: name,
      seen: claimed,
      identity: 'm2',
      now: new Date().toISOString(),
      timeoutMs: 5000,
    });
    assert.deepEqual(late, { won: false, reason: 'the restore is done' });
  });
});
