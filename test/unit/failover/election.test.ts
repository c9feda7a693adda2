import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countFailures,
  currentView,
  nextLeader,
  quorumSize,
  supersedes,
} from '../../../src/failover/election.ts';
import type { LeaderRecord, RestoreState } from '../../../src/failover/election.ts';
import {
  restoreOverdue,
  withFinishedRestore,
  withPendingRestore,
} from '../../../src/failover/restore-state.ts';

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

describe('restore state in the record', () => {
  const pending = (attempt: number, by = 'm1'): LeaderRecord => ({
    ...rec('hub1', 2, 'hub0'),
    restore: { status: 'pending', by, startedAt: '2024-01-01T00:00:00.000Z', attempt },
  });
  const finished = (status: 'done' | 'failed'): LeaderRecord => ({
    ...pending(1),
    restore: { ...(pending(1).restore as RestoreState), status },
  });

  it('orders records of one election by how far their restore got', () => {
    assert.equal(supersedes(pending(1), rec('hub1', 2, 'hub0')), true);
    assert.equal(supersedes(pending(2), pending(1)), true);
    assert.equal(supersedes(finished('done'), pending(2)), true);
    assert.equal(supersedes(pending(2), finished('failed')), false);
    assert.equal(supersedes(finished('done'), finished('failed')), false);
    assert.equal(supersedes(pending(1), pending(1)), false);
  });

  it('never lets restore progress override a higher epoch or another leader', () => {
    assert.equal(supersedes(finished('done'), rec('hub1', 3)), false);
    assert.equal(supersedes({ ...finished('done'), leader: 'hub2' }, pending(1)), false);
    assert.equal(supersedes(rec('hub2', 3), finished('done')), true);
  });

  it('the view takes the record whose restore got furthest, whatever hub it came from', () => {
    const view = currentView([pending(1), finished('done'), pending(2, 'm2')], pool, 'hub0');
    assert.equal(view.record?.restore?.status, 'done');
    assert.equal(currentView([pending(1), pending(2, 'm2')], pool, 'hub0').record?.restore?.by, 'm2');
  });

  it('a pending restore is overdue after restore_timeout, or when its start time is unreadable', () => {
    const start = Date.parse('2024-01-01T00:00:00.000Z');
    const restore = pending(1).restore as RestoreState;
    assert.equal(restoreOverdue(restore, start + 59_999, 60_000), false);
    assert.equal(restoreOverdue(restore, start + 60_000, 60_000), true);
    assert.equal(restoreOverdue({ ...restore, startedAt: 'garbage' }, start, 60_000), true);
  });

  it('the winner records a pending first attempt, and its end only when there was one', () => {
    const claimed = withPendingRestore(rec('hub1', 2, 'hub0'), 'm1');
    assert.deepEqual(claimed.restore, {
      status: 'pending',
      by: 'm1',
      startedAt: '2024-01-01T00:00:00.000Z',
      attempt: 1,
    });
    assert.equal(withFinishedRestore(claimed, { status: 'done', backup: 'b1' })?.restore?.backup, 'b1');
    assert.equal(withFinishedRestore(rec('hub1', 2), { status: 'done' }), undefined);
    assert.equal(withFinishedRestore(claimed, undefined), undefined);
  });
});
