// `mcsync init --from-kubeconfig` on the sandbox's kubeconfig, then the project's own
// playbooks/sync.yml run from its directory: the README's lines as written, and every example of
// the generated vars files uncommented, each converging with a second run that changes nothing.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { after, describe, it } from 'node:test';
import { sandboxClusters } from '../../support/clusters.ts';
import type { SandboxClusterHandle } from '../../support/clusters.ts';
import { uncommentExamples } from '../../support/init-project.ts';
import { ok } from '../../support/kube-api.ts';
import { runCli } from '../../unit/cli/run-cli.ts';
import { changedPerHost, cleanupNamespace, repoRoot, seedMaster } from './helpers.ts';
import { runPlay } from '../../support/play.ts';
import type { PlayRun } from '../../support/play.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const [east, west, south] = sandbox.clusters as [
  SandboxClusterHandle,
  SandboxClusterHandle,
  SandboxClusterHandle,
];

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-init-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `mcsync init ARGS` in `cwd`, with the sandbox's kubeconfig where the README says .sandbox/kubeconfig. */
async function init(args: readonly string[], cwd: string): Promise<void> {
  const argv = args.map((arg) => (arg === '.sandbox/kubeconfig' ? sandbox.kubeconfigFile : arg));
  const run = await runCli(['init', ...argv], { bin: 'mcsync.js', cwd });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`^master: ${east.name}$`, 'm'));
}

/** The project's playbooks/sync.yml, run from the project directory (no -i: mcsync.yaml's inventory). */
function sync(project: string, ...extra: string[]): Promise<PlayRun> {
  return runPlay(['playbooks/sync.yml', '--output', 'json', ...extra], { cwd: project });
}

const allZero = { [east.name]: 0, [west.name]: 0, [south.name]: 0 };

describe('mcsync init --from-kubeconfig on the sandbox', () => {
  it("the README's lines: init, --check, then playbooks/sync.yml converges and a rerun changes nothing", async (t) => {
    const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Start a project from a kubeconfig'));
    const lines = /```sh\n([\s\S]*?)```/.exec(section)?.[1]?.trim().split('\n') ?? [];
    assert.ok(
      lines.some((line) => line.startsWith('npx mcsync init ')),
      'the README shows mcsync init',
    );
    let cwd = await tempDir(t);
    for (const line of lines) {
      const [command, ...args] = line.split(/\s+/);
      if (command === 'cd') cwd = path.resolve(cwd, args[0] as string);
      else if (args[0] === 'mcsync') await init(args.slice(2), cwd);
      else if (args[0] === 'mcsync-play') {
        const run = await runPlay([...args.slice(1), '--output', 'json'], { cwd });
        assert.equal(run.code, 0, `${line}: ${run.stdout}${run.stderr}`);
        assert.deepEqual(Object.keys(run.doc?.recap ?? {}).sort(), [east.name, south.name, west.name].sort());
      } else assert.fail(`README line not understood: ${line}`);
    }
    assert.deepEqual(changedPerHost(await sync(cwd)), allZero);
  });

  it('with every example of vars/create.yml and vars/sync.yml uncommented, sync.yml converges, then changes nothing', async (t) => {
    cleanupNamespace(t, sandbox.clusters, 'team-a');
    t.after(async () => {
      for (const c of sandbox.clusters) {
        await c.admin.delete('/apis/user.openshift.io/v1/users/alice').catch(() => undefined);
        await c.admin.delete('/apis/user.openshift.io/v1/groups/team-a-developers').catch(() => undefined);
      }
    });
    await seedMaster(east, 'team-a');
    ok(
      await east.admin.apply('/api/v1/namespaces/team-a/configmaps/settings', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: 'team-a', labels: { sync: 'me' } },
        data: { colour: 'blue' },
      }),
      'seed the ConfigMap',
    );
    const project = await tempDir(t);
    await init(['--from-kubeconfig', sandbox.kubeconfigFile, '--master', east.name], project);
    for (const name of ['create.yml', 'sync.yml']) {
      const file = path.join(project, 'vars', name);
      await writeFile(file, uncommentExamples(await readFile(file, 'utf8')));
    }
    const first = await sync(project);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const c of sandbox.clusters) {
      const get = (p: string): Promise<number> => c.admin.get(p).then((r) => r.status);
      assert.equal(await get('/api/v1/namespaces/team-a/serviceaccounts/deployer'), 200, c.name);
      assert.equal(
        await get('/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/mcsync-edit'),
        200,
      );
      assert.equal(await get('/apis/user.openshift.io/v1/users/alice'), 200);
    }
    for (const c of [west, south]) {
      const cm = await c.admin.get('/api/v1/namespaces/team-a/configmaps/settings');
      assert.equal(cm.status, 200, `${c.name} got the ConfigMap`);
      const body = cm.json as { data: Record<string, string>; metadata: { labels: Record<string, string> } };
      assert.equal(body.data['colour'], 'blue');
      assert.equal(body.metadata.labels['copied-by'], 'mcsync', 'sync_overrides applied');
      assert.equal(
        (await c.admin.get('/apis/image.openshift.io/v1/namespaces/team-a/imagestreams/app')).status,
        200,
      );
      assert.equal((await c.admin.get('/api/v1/namespaces/team-a/secrets/registry-dockercfg')).status, 200);
    }
    assert.deepEqual(changedPerHost(await sync(project)), allZero);
  });
});
