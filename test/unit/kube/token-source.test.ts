import assert from 'node:assert/strict';
import { rename, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileToken } from '../../../src/kube/token-source.ts';
import { tempProject } from '../../support/play.ts';

describe('token file source', () => {
  it('picks up a rotated token file after the check interval, registering the new token', async (t) => {
    const dir = await tempProject(t, { token: 'first\n' }, 'mcsync-token-');
    const file = path.join(dir, 'token');
    let clock = 1_000;
    const seen: string[] = [];
    const source = fileToken(
      file,
      'first',
      (token) => seen.push(token),
      5_000,
      () => clock,
    );
    // The kubelet swaps the file atomically; give it a later mtime.
    await writeFile(path.join(dir, 'next'), 'second\n');
    await utimes(path.join(dir, 'next'), new Date(), new Date(Date.now() + 10_000));
    await rename(path.join(dir, 'next'), file);
    assert.equal(source.current(), 'first', 'not checked again within the interval');
    clock += 5_000;
    assert.equal(source.current(), 'second');
    assert.deepEqual(seen, ['second']);
  });

  it('keeps the last good token when the file disappears or is empty', async (t) => {
    const dir = await tempProject(t, { token: 'good' }, 'mcsync-token-');
    const file = path.join(dir, 'token');
    let clock = 0;
    const source = fileToken(file, 'good', undefined, 1, () => clock);
    await writeFile(file, '');
    await utimes(file, new Date(), new Date(Date.now() + 10_000));
    clock += 10;
    assert.equal(source.current(), 'good');
    await rm(file);
    clock += 10;
    assert.equal(source.current(), 'good');
  });
});
