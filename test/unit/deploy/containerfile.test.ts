// The Containerfile checked statically (test/integration/deploy/observer-pod.test.ts builds and runs
// it): what it copies exists, the entrypoint is the observe launcher, the user is not root, skopeo.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');
const text = readFileSync(path.join(root, 'deploy/Containerfile'), 'utf8');
const lines = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages = text.split(/^FROM /m).slice(1);

describe('deploy/Containerfile', () => {
  it('builds both stages on ARG BASE, which defaults to Node 24 slim', () => {
    assert.ok(lines.includes('ARG BASE=docker.io/library/node:24-slim'));
    const froms = lines.filter((l) => l.startsWith('FROM '));
    assert.equal(froms.length, 2);
    for (const from of froms) assert.match(from, /^FROM \$\{BASE\}/);
  });

  it('copies only files that exist in the repository', () => {
    const copies = lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    assert.ok(copies.length >= 5);
    for (const copy of copies) {
      const sources = copy.split(/\s+/).slice(1, -1);
      for (const source of sources)
        assert.ok(existsSync(path.join(root, source)), `${copy}: ${source} missing`);
    }
  });

  it('runs the observe launcher as an unprivileged user, with skopeo installed', () => {
    const final = stages.at(-1) ?? '';
    assert.match(final, /apt-get install -y --no-install-recommends skopeo/);
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(final);
    assert.ok(user && Number(user[1]) > 0, 'USER must be a non-root uid');
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(final);
    assert.ok(entrypoint);
    const argv = JSON.parse(entrypoint[1] ?? '[]') as string[];
    assert.deepEqual(argv, ['node', '/app/bin/mcsync-observe.js']);
    assert.ok(existsSync(path.join(root, 'bin/mcsync-observe.js')));
    assert.match(final, /^EXPOSE 11251$/m);
  });
});
