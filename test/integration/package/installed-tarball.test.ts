// The npm package as a user gets it: `npm pack` in the repository, `npm install ./mcsync-*.tgz`
// in an empty directory, then the installed bins through npx, from that directory. The shipped
// playbooks/sync.yml (found in the package, since the directory has none), with the shipped roles
// and vars/, converges the sandbox clusters. Packed with --ignore-scripts: `prepare` would only
// rebuild the dist/ that `npm test` has just built (test/integration needs a built dist/ anyway).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { JsonDocument } from '../../../src/report/json-renderer.ts';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { cleanupNamespace } from '../../support/namespaces.ts';
import { repoRoot } from '../../support/play.ts';
import { seedMaster } from '../roles/helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const [east, west, south] = sandbox.clusters as [
  SandboxClusterHandle,
  SandboxClusterHandle,
  SandboxClusterHandle,
];
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  files: string[];
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A user's shell: this test's Node first on PATH, none of the repository's node_modules/.bin, and
 * none of the npm_* variables `npm test` sets (they would point npm at the repository).
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'NODE') env[key] = value;
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => !d.includes('node_modules'));
  env.PATH = [path.dirname(process.execPath), ...dirs].join(path.delimiter);
  env.NO_COLOR = '1';
  return env;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...userEnv(), ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the npm package', () => {
  it(
    'installed from its tarball into an empty directory, runs the shipped playbooks/sync.yml on the sandbox',
    { timeout: 600_000 },
    async (t) => {
      assert.ok(existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js')), 'dist/ is built (npm run build)');
      const app = await mkdtemp(path.join(tmpdir(), 'mcsync-installed-'));
      t.after(() => rm(app, { recursive: true, force: true }));

      const pack = await run(
        'npm',
        ['pack', '--ignore-scripts', '--json', '--pack-destination', app],
        repoRoot,
      );
      assert.equal(pack.code, 0, pack.stderr);
      const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
      assert.ok(packed);
      const files = packed.files.map((f) => f.path);
      for (const entry of pkg.files)
        assert.ok(
          files.some((f) => f === entry || f.startsWith(`${entry}/`)),
          `package.json files: ${entry} is not in the tarball`,
        );
      for (const file of ['vars/sync.yml', 'vars/create.yml', 'playbooks/sync.yml', 'dist/cli/main.js'])
        assert.ok(files.includes(file), `${file} is not in the tarball`);
      assert.deepEqual(
        files.filter((f) => /^(src|test|bench|node_modules)\//.test(f)),
        [],
        'sources and tests stay out of the package',
      );

      const install = await run(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${packed.filename}`],
        app,
      );
      assert.equal(install.code, 0, install.stdout + install.stderr);
      const installed = realpathSync(path.join(app, 'node_modules', 'mcsync'));
      for (const dev of ['typescript', 'eslint', 'prettier'])
        assert.ok(!existsSync(path.join(app, 'node_modules', dev)), `dev dependency ${dev} was installed`);
      assert.ok(!existsSync(path.join(installed, 'src')), 'the installed package has no sources to build');

      const version = await run('npx', ['mcsync', '--version'], app);
      assert.equal(version.code, 0, version.stderr);
      assert.equal(version.stdout.trim(), `mcsync ${pkg.version}`);
      const help = await run('npx', ['mcsync', 'observe', '--help'], app);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^Usage: mcsync observe RESOURCE/);

      // The command is bin/mcsync-play.js run by sh first: its line 2 starts Node with a larger
      // young generation (every Node process reports its flags, npx's own too).
      const reporter = path.join(app, 'report-exec-argv.cjs');
      writeFileSync(
        reporter,
        "process.stderr.write('execArgv ' + JSON.stringify(process.execArgv) + '\\n');\n",
      );
      const launched = await run('npx', ['mcsync-play', '--help'], app, {
        NODE_OPTIONS: `--require=${reporter}`,
      });
      assert.equal(launched.code, 0, launched.stderr);
      assert.match(launched.stdout, /^Usage: mcsync-play /m);
      assert.match(launched.stderr, /^execArgv \["--min-semi-space-size=32","--max-semi-space-size=32"\]$/m);

      // The bare name and the path both fall back to the package's playbooks/.
      const shipped = path.join(installed, 'playbooks', 'sync.yml');
      const syntax = await run(
        'npx',
        ['mcsync-play', 'sync.yml', '-i', sandbox.inventoryFile, '--syntax-check'],
        app,
      );
      assert.equal(syntax.code, 0, syntax.stdout + syntax.stderr);
      assert.match(syntax.stdout, new RegExp(`playbook: ${shipped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

      cleanupNamespace(t, sandbox.clusters, 'demo');
      await seedMaster(east, 'demo');
      const play = async (): Promise<JsonDocument> => {
        const r = await run(
          'npx',
          ['mcsync-play', 'playbooks/sync.yml', '-i', sandbox.inventoryFile, '--output', 'json'],
          app,
        );
        assert.equal(r.code, 0, r.stdout + r.stderr);
        return JSON.parse(r.stdout) as JsonDocument;
      };
      const first = await play();
      assert.equal(first.playbook, shipped);
      for (const c of sandbox.clusters) assert.ok((first.recap[c.name]?.changed ?? 0) > 0, c.name);
      for (const c of [west, south]) {
        const is = await c.admin.get('/apis/image.openshift.io/v1/namespaces/demo/imagestreams/app');
        assert.equal(is.status, 200, c.name);
        const meta = (
          is.json as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } }
        ).metadata;
        assert.equal(meta.labels['app.kubernetes.io/managed-by'], 'mcsync');
        assert.equal(meta.annotations['mcsync.io/origin-cluster'], east.name);
        assert.equal((await c.admin.get('/api/v1/namespaces/demo/secrets/registry-dockercfg')).status, 200);
        const sa = (await c.admin.get('/api/v1/namespaces/demo/serviceaccounts/deployer')).json as {
          imagePullSecrets?: { name: string }[];
        };
        assert.deepEqual(sa.imagePullSecrets, [{ name: 'registry-dockercfg' }], c.name);
        // vars/create.yml's permission, made by the shipped create role.
        const rb = await c.admin.get(
          '/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings/mcsync-edit',
        );
        assert.equal(rb.status, 200, c.name);
      }
      const second = await play();
      assert.deepEqual(
        Object.fromEntries(Object.entries(second.recap).map(([host, r]) => [host, r.changed])),
        { [east.name]: 0, [west.name]: 0, [south.name]: 0 },
      );
    },
  );
});
