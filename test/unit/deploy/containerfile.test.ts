// The Containerfile checked statically (test/integration/deploy/observer-pod.test.ts builds and runs
// it): the stages scripts/build-image.sh relies on, what it copies exists, the entrypoint is the
// observe launcher, the user is not root, skopeo.
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
  it('builds the runtime and build stages on ARG BASE (default Node 24 slim) and the image on the runtime stage', () => {
    assert.ok(lines.includes('ARG BASE=docker.io/library/node:24-slim'));
    const froms = lines.filter((l) => l.startsWith('FROM '));
    assert.deepEqual(froms, ['FROM ${BASE} AS runtime', 'FROM ${BASE} AS build', 'FROM runtime']);
  });

  it('keeps the slow part in the runtime stage, which reads nothing but the package files', () => {
    const runtime = stages[0] ?? '';
    assert.match(runtime, /apt-get install -y --no-install-recommends skopeo/);
    assert.match(runtime, /npm ci --omit=dev/);
    const copies = runtime.split('\n').filter((l) => l.startsWith('COPY '));
    assert.deepEqual(copies, ['COPY package.json package-lock.json ./']);
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

  it('runs the observe launcher as an unprivileged user, with the compiled code from the build stage', () => {
    const final = stages.at(-1) ?? '';
    assert.match(final, /^COPY --from=build \/src\/dist \.\/dist$/m);
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
