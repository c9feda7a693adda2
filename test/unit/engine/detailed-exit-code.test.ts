// The exit code of `--check --detailed-exitcode`: pending changes only speak when nothing worse did.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detailedExitCode, EXIT } from '../../../src/engine/playbook-runner.ts';
import { emptyRecap } from '../../../src/model/result.ts';
import type { RecapCounts } from '../../../src/model/result.ts';

const host = (counts: Partial<RecapCounts>): RecapCounts => ({ ...emptyRecap(), ...counts });

describe('detailedExitCode', () => {
  it('is 6, a code ansible-playbook and mcsync use for nothing else, when a host would change', () => {
    assert.equal(EXIT.changesPending, 6);
    const used = Object.entries(EXIT).filter(([name]) => name !== 'changesPending');
    assert.ok(used.every(([, code]) => code !== EXIT.changesPending));
    // ansible-playbook's own codes, including 1 (error), 3 and 8 (TaskQueueManager) and 255.
    assert.ok(![0, 1, 2, 3, 4, 5, 8, 99, 250, 255].includes(EXIT.changesPending));
    assert.equal(
      detailedExitCode(EXIT.ok, [{ east: host({ ok: 3 }), west: host({ ok: 2, changed: 1 }) }]),
      6,
    );
  });

  it('is 0 when no host of any playbook would change', () => {
    assert.equal(detailedExitCode(EXIT.ok, [{ east: host({ ok: 3 }) }, { west: host({ skipped: 1 }) }]), 0);
    assert.equal(detailedExitCode(EXIT.ok, []), 0);
  });

  it('counts a change in any playbook of the run, not only the last', () => {
    assert.equal(detailedExitCode(EXIT.ok, [{ east: host({ changed: 1 }) }, { east: host({ ok: 1 }) }]), 6);
  });

  it('keeps failed (2), unreachable (4) and interrupted (99) over pending changes', () => {
    const changed = [{ east: host({ changed: 2 }) }];
    assert.equal(detailedExitCode(EXIT.failed, changed), 2);
    assert.equal(detailedExitCode(EXIT.unreachable, changed), 4);
    assert.equal(detailedExitCode(EXIT.interrupted, changed), 99);
  });
});
