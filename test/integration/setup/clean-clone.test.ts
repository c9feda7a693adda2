// `npm test` and `npm run demo` as the first commands on a clean clone, with the system's Node
// (Debian's 20) first on PATH: their set-up (scripts/with-setup.sh) installs the dependencies with
// `npm ci` (which builds dist/), finds the Node 24 that ensure-node.sh caches, and runs the step
// under it. MCSYNC_SETUP_ONLY=1 stops where the suite or the demo would start: .ci/run runs both
// for real on a clean clone. The user cache (~/.cache/mcsync: Node 24, the Go builds) and the npm
// cache are the machine's, so this measures the clone's own set-up. The clone is of HEAD plus the
// working tree's uncommitted changes, so that what is tested is what is checked out.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../support/play.ts';

const SYSTEM_NODE = '/usr/bin/node';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `git clone` of the repository, then its uncommitted changes (modified, new, deleted files). */
function cleanClone(dir: string): void {
  execFileSync('git', ['clone', '--quiet', repoRoot, dir]);
  const list = (...flags: string[]): string[] =>
    execFileSync('git', ['ls-files', '-z', ...flags], { cwd: repoRoot, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
  const deleted = new Set(list('--deleted'));
  for (const file of deleted) rmSync(path.join(dir, file), { force: true });
  for (const file of list('--modified', '--others', '--exclude-standard')) {
    if (deleted.has(file)) continue;
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(repoRoot, file), path.join(dir, file));
  }
}

/** Set around this test by `npm test` and the suite; MCSYNC_SANDBOX_BINARY and the like stay. */
const DROPPED = new Set(['INIT_CWD', 'NODE', 'MCSYNC_SETUP_ONLY', 'MCSYNC_TEST_SANDBOX_DIR']);

/**
 * A newcomer's shell: the system's node first on PATH, no other node, none of the repository's
 * node_modules/.bin and none of the npm_* variables `npm test` sets around this test.
 */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key) && !DROPPED.has(key)) env[key] = value;
  const dirs = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((d) => d && !d.includes('node_modules') && !existsSync(path.join(d, 'node')));
  env.PATH = [path.dirname(SYSTEM_NODE), ...dirs].join(path.delimiter);
  return env;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...newcomerEnv(), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
  });
}

const systemNode = existsSync(SYSTEM_NODE)
  ? execFileSync(SYSTEM_NODE, ['--version'], { encoding: 'utf8' }).trim()
  : undefined;

describe('a clean clone', { skip: systemNode ? false : `no ${SYSTEM_NODE}` }, () => {
  it(
    'npm test sets itself up under the system Node and runs the suite under Node 24',
    { timeout: 900_000 },
    async (t) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-clone-'));
      t.after(() => rm(dir, { recursive: true, force: true }));
      cleanClone(dir);
      assert.ok(!existsSync(path.join(dir, 'node_modules')) && !existsSync(path.join(dir, 'dist')));
      const onPath = await run('node', ['--version'], dir, {});
      assert.equal(onPath.stdout.trim(), systemNode, 'the system node comes first on PATH');
      t.diagnostic(`node first on PATH: ${SYSTEM_NODE} ${systemNode}`);

      const setupOnly = { MCSYNC_SETUP_ONLY: '1' };
      const first = await run('npm', ['test'], dir, setupOnly);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stderr, /setup: npm ci \(node_modules is missing\)/);
      const ready = /ready: node (v(\d+)\.(\d+)\.\d+) \((.+)\); would run: npm run test:all --/.exec(
        first.stdout,
      );
      assert.ok(ready, first.stdout);
      const [major, minor] = [Number(ready[2]), Number(ready[3])];
      assert.ok(major > 22 || (major === 22 && minor >= 22), `runs under Node ${major}.${minor}`);
      assert.ok(existsSync(path.join(dir, 'node_modules', '.package-lock.json')));
      assert.ok(existsSync(path.join(dir, 'dist', 'cli', 'main.js')), 'npm ci built dist/ (prepare)');
      t.diagnostic(`clean clone: npm test's set-up took ${first.ms} ms (npm ci and its build)`);

      // Warm: nothing to do, nothing printed, well under a second of set-up.
      const demo = await run('npm', ['run', 'demo'], dir, setupOnly);
      assert.equal(demo.code, 0, demo.stdout + demo.stderr);
      assert.doesNotMatch(demo.stderr, /setup:/);
      assert.match(demo.stdout, /would run: npm run demo:run --/);
      const warm: number[] = [];
      for (let i = 0; i < 3; i++) {
        const again = await run('sh', ['scripts/with-setup.sh', '--s3', 'true'], dir, {});
        assert.equal(again.code, 0, again.stderr);
        assert.equal(again.stderr, '');
        warm.push(again.ms);
      }
      t.diagnostic(
        `warm set-up: ${warm.join(', ')} ms; npm run demo (npm under ${systemNode} + set-up): ${demo.ms} ms`,
      );
      assert.ok(Math.min(...warm) < 2000, `warm set-up took ${Math.min(...warm)} ms`);

      // The real step runs under Node 24 with the built CLI, started from the system Node's npm.
      const help = await run('npm', ['run', '--silent', 'sandbox', '--', '--help'], dir, {});
      assert.equal(help.code, 0, help.stdout + help.stderr);
      assert.match(help.stdout, /^Usage: mcsync sandbox/);
      const node = await run('sh', ['scripts/with-setup.sh', 'node', '-p', 'process.version'], dir, {});
      assert.equal(node.code, 0, node.stderr);
      assert.equal(node.stdout.trim(), ready[1]);
    },
  );
});
