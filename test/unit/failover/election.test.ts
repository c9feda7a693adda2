import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countFailures, currentView, nextLeader, quorumSize } from '../../../src/failover/election.ts';
import type { LeaderRecord } from '../../../src/failover/election.ts';

const pool = ['hub0', 'hub1', 'hub2'];
const rec = (leader: string, epoch: number, previous?: string): LeaderRecord => ({
  leader,
  epoch,
  previous,
  electedAt: '2024-01-01T00:00:00.000Z',
  electedBy: 'test',
});

describe('election', () => {
  it('elects the next healthy hub in pool order after the leader', () => {
    assert.equal(nextLeader(pool, 'hub0', new Set(['hub1', 'hub2'])), 'hub1');
    assert.equal(nextLeader(pool, 'hub0', new Set(['hub2'])), 'hub2');
  });

  it('wraps around the pool and never elects the failed leader', () => {
    assert.equal(nextLeader(pool, 'hub2', new Set(['hub0', 'hub1', 'hub2'])), 'hub0');
    assert.equal(nextLeader(pool, 'hub1', new Set(['hub1'])), undefined);
  });

  it('gives every monitor the same answer whatever order it saw the hubs in', () => {
    assert.equal(
      nextLeader(pool, 'hub0', new Set(['hub2', 'hub1'])),
      nextLeader(pool, 'hub0', new Set(['hub1', 'hub2'])),
    );
  });

  it('a leader that is not in the pool hands over to the first healthy hub', () => {
    assert.equal(nextLeader(pool, 'gone', new Set(['hub1', 'hub2'])), 'hub1');
  });
});

describe('epochs', () => {
  it('without records the initial leader leads at epoch 0', () => {
    const view = currentView([undefined, undefined], pool, 'hub0');
    assert.deepEqual([view.leader, view.epoch, view.record], ['hub0', 0, undefined]);
  });

  it('the record with the highest epoch wins, so a returning old leader is a follower', () => {
    const view = currentView([rec('hub0', 0), rec('hub1', 1, 'hub0'), undefined], pool, 'hub0');
    assert.deepEqual([view.leader, view.epoch, view.previous], ['hub1', 1, 'hub0']);
    assert.equal(currentView([rec('hub2', 2, 'hub1'), rec('hub1', 1)], pool, 'hub0').leader, 'hub2');
  });

  it('two records with the same epoch resolve to the leader earliest in pool order', () => {
    assert.equal(currentView([rec('hub2', 3), rec('hub1', 3)], pool, 'hub0').leader, 'hub1');
    assert.equal(currentView([rec('hub1', 3), rec('hub2', 3)], pool, 'hub0').leader, 'hub1');
  });

  it('a claim needs a majority of the pool without the replaced leader', () => {
    assert.equal(quorumSize(pool, 'hub0'), 2);
    assert.equal(quorumSize(['a', 'b'], 'a'), 1);
    assert.equal(quorumSize(['a', 'b', 'c', 'd', 'e'], 'a'), 3);
  });

  it('counts consecutive failures and resets a hub that answers', () => {
    let counts = countFailures(
      new Map(),
      new Map([
        ['hub0', false],
        ['hub1', true],
      ]),
    );
    counts = countFailures(
      counts,
      new Map([
        ['hub0', false],
        ['hub1', false],
      ]),
    );
    assert.deepEqual(Object.fromEntries(counts), { hub0: 2, hub1: 1 });
    counts = countFailures(
      counts,
      new Map([
        ['hub0', true],
        ['hub1', false],
      ]),
    );
    assert.deepEqual(Object.fromEntries(counts), { hub0: 0, hub1: 2 });
  });
});
