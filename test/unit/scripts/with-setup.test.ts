// scripts/with-setup.sh (what `npm test`, `npm run demo` and `npm run sandbox` start) on a stub
// project: its own copy of the script beside stub set-up scripts, and a fake `npm` that records
// its calls and "installs" the way `npm ci` does (node_modules/.package-lock.json and one folder
// per package). What runs when: npm ci only when node_modules is missing or differs from the
// lockfile, the Go builds only when not cached and a clear message when one fails, prereqs
// failing stops before anything else, and COMMAND runs with its arguments intact.
// test/integration/setup/clean-clone.test.ts runs the real script on a clean clone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

interface Lock {
  packages: Record<string, Record<string, unknown>>;
}

const LOCK: Lock = {
  packages: {
    '': { name: 'stub', dependencies: { a: '^1.0.0' }, devDependencies: { b: '^2.0.0' } },
    'node_modules/a': { version: '1.0.0', integrity: 'sha512-a' },
    'node_modules/b': { version: '2.0.0', integrity: 'sha512-b', dev: true },
    'node_modules/b/node_modules/c': { version: '3.0.0', integrity: 'sha512-c', dev: true },
    // A platform package npm skips here: missing from node_modules is fine.
    'node_modules/b-darwin-arm64': { version: '2.0.0', optional: true, dev: true, os: ['darwin'] },
  },
};

// `npm ci` as far as the script can tell: the hidden lockfile without the root and the skipped
// optional packages, and a package.json per installed folder.
const FAKE_NPM = `#!/bin/sh
echo "npm $*" >> "$STUB_LOG"
[ "$1" = ci ] || exit 0
rm -rf node_modules
"$STUB_NODE" -e '
const fs = require("fs");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const packages = {};
for (const [key, entry] of Object.entries(lock.packages)) {
  if (key === "" || entry.optional) continue;
  packages[key] = entry;
  fs.mkdirSync(key, { recursive: true });
  fs.writeFileSync(key + "/package.json", "{}");
}
fs.writeFileSync("node_modules/.package-lock.json", JSON.stringify({ lockfileVersion: 3, packages }));
'
`;

// --cached-only: exit 0 when the stub cache has it; otherwise "build" it and log that.
const fakeBuild = (name: string): string => `#!/bin/sh
if [ -e "cache/${name}" ]; then echo "cache/${name}"; exit 0; fi
[ "\${1:-}" = --cached-only ] && exit 1
if [ -e build-fails ]; then echo "build-${name}: no Go toolchain (scripts/ensure-go.sh failed)" >&2; exit 3; fi
mkdir -p cache && touch "cache/${name}" && echo "build ${name}" >> "$STUB_LOG"
`;

interface Stub {
  dir: string;
  /** Run the script. */
  run(args: string[], options?: { env?: NodeJS.ProcessEnv }): Run;
  /** Lines logged by the fake npm and the fake builds since the last call. */
  log(): string[];
  lock(): Lock;
  writeLock(lock: Lock): void;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function stub(t: TestContext): Stub {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcsync-with-setup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string, mode = 0o644): void => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text, { mode });
  };
  mkdirSync(path.join(dir, 'scripts'));
  copyFileSync(path.join(repoRoot, 'scripts', 'with-setup.sh'), path.join(dir, 'scripts', 'with-setup.sh'));
  file('scripts/install-prereqs.sh', 'if [ -e no-prereqs ]; then echo "missing: skopeo" >&2; exit 1; fi\n');
  // Node's own directory may hold a real npm: the script's node directory holds only node.
  mkdirSync(path.join(dir, 'node-bin'));
  symlinkSync(process.execPath, path.join(dir, 'node-bin', 'node'));
  file('scripts/ensure-node.sh', `echo ${JSON.stringify(path.join(dir, 'node-bin'))}\n`);
  file('scripts/build-sandbox-cluster.sh', fakeBuild('sandbox'));
  file('scripts/build-s3-server.sh', fakeBuild('s3'));
  file('bin/npm', FAKE_NPM, 0o755);
  file(
    'package.json',
    JSON.stringify({ name: 'stub', dependencies: { a: '^1.0.0' }, devDependencies: { b: '^2.0.0' } }),
  );
  file('package-lock.json', JSON.stringify(LOCK));
  const logFile = path.join(dir, 'log');
  let seen = 0;
  return {
    dir,
    run(args, options = {}) {
      // No real go or npm: /usr/bin and /bin for sh, bash, awk and the like.
      const dirs = [path.join(dir, 'bin'), '/usr/bin', '/bin'];
      const result = spawnSync('sh', [path.join(dir, 'scripts', 'with-setup.sh'), ...args], {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: {
          HOME: dir,
          PATH: dirs.join(':'),
          STUB_LOG: logFile,
          STUB_NODE: process.execPath,
          ...options.env,
        },
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    log() {
      const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : [];
      const fresh = lines.slice(seen);
      seen = lines.length;
      return fresh;
    },
    lock: () => JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as Lock,
    writeLock: (lock) => writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock)),
  };
}

const printArgs = ['node', '-e', 'console.log(JSON.stringify(process.argv.slice(1)))'];

describe('scripts/with-setup.sh', () => {
  it('on a fresh clone runs npm ci and the Go build, then COMMAND with its arguments; warm, nothing', (t) => {
    const s = stub(t);
    const first = s.run([...printArgs, 'a b', '--flag']);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), ['a b', '--flag']);
    assert.deepEqual(s.log(), ['npm ci --no-audit --no-fund', 'build sandbox']);
    assert.match(first.stderr, /setup: npm ci \(node_modules is missing\)/);
    assert.match(first.stderr, /setup: building the sandbox cluster binary/);
    // Warm: no go needed, nothing installed or built, nothing printed.
    const second = s.run([...printArgs, 'x']);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), ['x']);
    assert.deepEqual(s.log(), []);
    assert.equal(second.stderr, '');
  });

  it('runs COMMAND under the node ensure-node.sh names, first on PATH', (t) => {
    const s = stub(t);
    const run = s.run(['sh', '-c', 'command -v node']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), path.join(s.dir, 'node-bin', 'node'));
  });

  it('runs npm ci again when node_modules no longer matches package-lock.json, and says why', (t) => {
    const s = stub(t);
    assert.equal(s.run(['true']).status, 0);
    s.log();
    const again = (why: RegExp): void => {
      const run = s.run(['true']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, why);
      assert.deepEqual(s.log(), ['npm ci --no-audit --no-fund']);
      assert.equal(s.run(['true']).stderr, '', 'the npm ci made it current');
    };
    // A newer lockfile (git pull): another version of a package.
    const lock = s.lock();
    lock.packages['node_modules/a'] = { version: '1.1.0', integrity: 'sha512-a2' };
    s.writeLock(lock);
    again(/node_modules\/a is 1\.0\.0, package-lock.json wants 1\.1\.0/);
    // A new package in the lockfile.
    lock.packages['node_modules/d'] = { version: '1.0.0', integrity: 'sha512-d' };
    s.writeLock(lock);
    again(/node_modules\/d is not installed/);
    // A package folder removed by hand.
    rmSync(path.join(s.dir, 'node_modules', 'b', 'node_modules', 'c'), { recursive: true });
    again(/node_modules\/b\/node_modules\/c was removed/);
    // A package installed that the lockfile does not have.
    const hidden = path.join(s.dir, 'node_modules', '.package-lock.json');
    const installed = JSON.parse(readFileSync(hidden, 'utf8')) as Lock;
    installed.packages['node_modules/e'] = { version: '1.0.0' };
    writeFileSync(hidden, JSON.stringify(installed));
    again(/node_modules\/e is installed but not in package-lock.json/);
  });

  it('runs npm ci (which then names the mismatch) when package.json dependencies differ from the lockfile', (t) => {
    const s = stub(t);
    assert.equal(s.run(['true']).status, 0);
    s.log();
    writeFileSync(
      path.join(s.dir, 'package.json'),
      JSON.stringify({
        name: 'stub',
        dependencies: { a: '^1.0.0', z: '^1.0.0' },
        devDependencies: { b: '^2.0.0' },
      }),
    );
    const run = s.run(['true']);
    assert.match(run.stderr, /npm ci \(package.json dependencies changed since package-lock.json\)/);
    assert.deepEqual(s.log(), ['npm ci --no-audit --no-fund']);
  });

  it('stops before anything else when Debian packages are missing', (t) => {
    const s = stub(t);
    writeFileSync(path.join(s.dir, 'no-prereqs'), '');
    const run = s.run(['echo', 'ran']);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /missing: skopeo\nsetup: install the packages above/);
    assert.deepEqual(s.log(), []);
  });

  it('when a Go build fails (no Go could be had), says which and runs nothing', (t) => {
    const s = stub(t);
    writeFileSync(path.join(s.dir, 'build-fails'), '');
    const run = s.run(['echo', 'ran']);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /build-sandbox: no Go toolchain \(scripts\/ensure-go\.sh failed\)/);
    assert.match(
      run.stderr,
      /setup: building the sandbox cluster binary \(tools\/sandbox-cluster\) failed \(see above\)/,
    );
    // MCSYNC_SANDBOX_BINARY: a binary built elsewhere, so no Go build.
    const withBinary = s.run(['echo', 'ran'], { env: { MCSYNC_SANDBOX_BINARY: '/opt/sandbox-cluster' } });
    assert.equal(withBinary.status, 0, withBinary.stderr);
    assert.equal(withBinary.stdout, 'ran\n');
  });

  it('--s3 also builds the S3 server; MCSYNC_SETUP_ONLY=1 sets up and runs nothing', (t) => {
    const s = stub(t);
    const run = s.run(['--s3', 'echo', 'ran'], { env: { MCSYNC_SETUP_ONLY: '1' } });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^ready: node v\d+\.\d+\.\d+ \(.*node-bin\/node\); would run: echo ran\n$/);
    assert.deepEqual(s.log(), ['npm ci --no-audit --no-fund', 'build sandbox', 'build s3']);
    assert.equal(s.run(['--s3', 'echo', 'ran']).stdout, 'ran\n');
    assert.deepEqual(s.log(), []);
  });

  it('without a command prints its usage', (t) => {
    const run = stub(t).run([]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /usage: sh scripts\/with-setup.sh \[--s3\] COMMAND/);
  });
});
