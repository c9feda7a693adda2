import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../../src/failover/duration.ts';
import { shortDuration as formatDuration } from '../../../src/shared/duration.ts';

describe('HubPool durations', () => {
  it("reads the seed's 2m and sub-second periods", () => {
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('200ms'), 200);
    assert.equal(parseDuration('1h'), 3_600_000);
  });

  it('reads Go-style combinations, fractions and bare seconds', () => {
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration(30), 30_000);
    assert.equal(parseDuration('30'), 30_000);
  });

  it('refuses what is not a positive duration', () => {
    for (const bad of ['', 'soon', '2 minutes', '-1s', '0s', '5x', 'm', null, true, 0]) {
      assert.equal(parseDuration(bad), undefined, String(bad));
    }
  });

  it('formats milliseconds the short way', () => {
    assert.equal(formatDuration(120_000), '2m');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(200), '200ms');
    assert.equal(formatDuration(1500), '1.5s');
  });
});
