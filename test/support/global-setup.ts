// Optional global setup for `node --test --test-global-setup=test/support/global-setup.ts`:
// starts ONE sandbox for all integration files (they run one after another) and
// stops it at the end, so `npm test` pays the startup once. Files find it through
// MCSYNC_TEST_SANDBOX_DIR (see clusters.ts); without this setup each file starts its own.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sandboxDown, sandboxUp } from '../../src/sandbox/sandbox.ts';
import { killOnExit } from './clusters.ts';

let dir: string | undefined;

export async function globalSetup(): Promise<void> {
  if (process.env.MCSYNC_TEST_SANDBOX_DIR) return;
  dir = await mkdtemp(path.join(tmpdir(), 'mcsync-sandbox-shared-'));
  killOnExit(dir);
  const up = await sandboxUp({ dir, clusters: 3, openshiftProjects: false });
  process.env.MCSYNC_TEST_SANDBOX_DIR = dir;
  console.log(`# shared sandbox: ${up.state.clusters.length} clusters in ${dir} (${up.elapsedMs} ms)`);
}

export async function globalTeardown(): Promise<void> {
  if (dir) await sandboxDown(dir, true);
}
