// The copy-image role (playbooks/copy-image.yml → image_copy → real skopeo) on three sandbox
// clusters with real registries: east is the master (source), west and south the targets.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import {
  manifestDigest,
  pullImage,
  pushLayout,
  writeImageIndex,
  writeLayeredImage,
} from '../../support/oci-images.ts';
import { copyResult, imagesOf, loginOf, mcsyncPlay, skopeoShim } from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const [east, west, south] = sandbox.clusters as [
  SandboxClusterHandle,
  SandboxClusterHandle,
  SandboxClusterHandle,
];
const targets = [west, south];

/** A unique repository namespace, so tests never see each other's images. */
function repoNamespace(): string {
  return `img-${Math.random().toString(16).slice(2, 10)}`;
}

/** A temporary directory `PREFIX…`, removed after `t`. */
async function tempDir(t: TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Builds an image of `layers` layers in a temp OCI layout and pushes it to the master as `name`. */
async function pushToMaster(t: TestContext, name: string, layers = 3): Promise<string> {
  const dir = await tempDir(t, 'mcsync-oci-');
  const digest = await writeLayeredImage(dir, { layers });
  await pushLayout(dir, loginOf(east), name);
  return digest;
}

/** Writes a manifest list (one image per platform) in a temp OCI layout, pushes it to the master as `name`. */
async function pushIndexToMaster(t: TestContext, name: string) {
  const dir = await tempDir(t, 'mcsync-oci-');
  const index = await writeImageIndex(dir);
  await pushLayout(dir, loginOf(east), name);
  return index;
}

const play = (
  vars: Record<string, unknown>,
  flags: string[] = [],
  env: NodeJS.ProcessEnv = {},
  inventory = sandbox.inventoryFile,
) =>
  mcsyncPlay(
    ['playbooks/copy-image.yml', '-i', inventory, '--output', 'json', '-e', JSON.stringify(vars), ...flags],
    env,
  );

describe('playbooks/copy-image.yml', () => {
  it('copies a multi-layer image to both targets with equal, pullable digests; a rerun starts no skopeo', async (t) => {
    const ns = repoNamespace();
    const digest = await pushToMaster(t, `${ns}/app:v1`);
    const shim = await skopeoShim(t);
    const first = await play({ images: [`${ns}/app:v1`] }, [], shim.env);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    // The source host skips all three image_copy tasks of the role (observed, observed batch, images).
    assert.equal(first.doc?.recap[east.name]?.skipped, 3);
    for (const c of targets) {
      assert.equal(first.doc?.recap[c.name]?.changed, 1, c.name);
      assert.equal(await pullImage(loginOf(c), `${ns}/app`, 'v1'), digest, c.name);
      assert.deepEqual(copyResult(first, c.name)?.['digests'], { [`${c.registry}/${ns}/app:v1`]: digest });
    }
    const lines = await shim.lines();
    assert.equal(await shim.starts(), 2);
    const authFiles = lines.filter((l) => l.startsWith('authfile '));
    assert.equal(authFiles.length, 4, lines.join('\n'));
    for (const line of authFiles) {
      const [, mode, file] = line.split(' ');
      assert.equal(mode, '600', line);
      await assert.rejects(stat(file as string), { code: 'ENOENT' }, 'auth file left behind');
    }
    for (const c of sandbox.clusters)
      assert.ok(!lines.join('\n').includes(c.registryPassword), 'password on argv');

    const second = await play({ images: [`${ns}/app:v1`] }, [], shim.env);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const c of targets) {
      assert.equal(second.doc?.recap[c.name]?.changed, 0, c.name);
      assert.equal(second.doc?.recap[c.name]?.ok, 1, c.name);
      assert.deepEqual(
        imagesOf(second, c.name).map((i) => i.action),
        ['unchanged'],
      );
    }
    assert.equal(await shim.starts(), 2, 'the second run started skopeo');
  });

  it('--check reports what would be copied and copies nothing; --diff shows old → new digest', async (t) => {
    const ns = repoNamespace();
    const digest = await pushToMaster(t, `${ns}/app:v1`);
    const shim = await skopeoShim(t);
    const run = await play({ images: [`${ns}/app:v1`] }, ['--check', '--diff'], shim.env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const c of targets) {
      assert.equal(run.doc?.recap[c.name]?.changed, 1);
      assert.deepEqual(
        imagesOf(run, c.name).map((i) => [i.action, i.digest]),
        [['would copy', digest]],
      );
      assert.equal(await manifestDigest(loginOf(c), `${ns}/app`, 'v1'), undefined, `${c.name} got the image`);
      const diff = copyResult(run, c.name)?.['diff'] as { before: string; after: string }[];
      assert.deepEqual(
        diff.map((d) => [d.before.trim(), d.after.trim()]),
        [['(absent)', digest]],
      );
    }
    assert.equal(await shim.starts(), 0);
  });

  it('`to` gives the image another name at the targets; a by-digest source keeps its digest', async (t) => {
    const ns = repoNamespace();
    const digest = await pushToMaster(t, `${ns}/app:v1`, 2);
    const images = [
      { name: `${ns}/app:v1`, to: `${ns}/renamed:stable` },
      { name: `${ns}/app@${digest}`, to: `${ns}/pinned:v1` },
    ];
    const run = await play({ images }, ['--limit', west.name]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(await manifestDigest(loginOf(west), `${ns}/renamed`, 'stable'), digest);
    assert.equal(await manifestDigest(loginOf(west), `${ns}/pinned`, 'v1'), digest);
    assert.equal(
      await manifestDigest(loginOf(west), `${ns}/app`, 'v1'),
      undefined,
      'copied under the old name',
    );
  });

  it('a manifest list copies whole with all: the index digest is equal and every platform pullable', async (t) => {
    const ns = repoNamespace();
    const index = await pushIndexToMaster(t, `${ns}/multi:v1`);
    const run = await play({ images: [`${ns}/multi:v1`], copy_image_all: true });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const c of targets) {
      assert.equal(await manifestDigest(loginOf(c), `${ns}/multi`, 'v1'), index.digest, c.name);
      assert.equal(await pullImage(loginOf(c), `${ns}/multi`, 'v1'), index.digest);
    }
    const again = await play({ images: [`${ns}/multi:v1`], copy_image_all: true });
    for (const c of targets) assert.equal(again.doc?.recap[c.name]?.changed, 0);
  });

  it('without all, a manifest list copies only this platform image and reruns are ok', async (t) => {
    const ns = repoNamespace();
    const index = await pushIndexToMaster(t, `${ns}/multi:v1`);
    const run = await play({ images: [`${ns}/multi:v1`] }, ['--limit', west.name]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
    assert.equal(await manifestDigest(loginOf(west), `${ns}/multi`, 'v1'), index.platforms[arch]);
    const again = await play({ images: [`${ns}/multi:v1`] }, ['--limit', west.name]);
    assert.equal(again.doc?.recap[west.name]?.changed, 0, again.stdout);
  });

  it('update_imagestream points the target ImageStream tag at the copied digest', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'img' });
    const digest = await pushToMaster(t, `${ns}/app:v1`);
    const isPath = `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`;
    ok(
      await south.admin.apply(isPath, {
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStream',
        metadata: { name: 'app', namespace: ns },
        spec: { tags: [{ name: 'old', from: { kind: 'DockerImage', name: 'example.com/old:1' } }] },
      }),
      'seed south ImageStream',
    );
    const vars = { images: [`${ns}/app:v1`], copy_image_update_imagestream: true };
    const run = await play(vars);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const c of targets) {
      const is = (await c.admin.get(isPath)).json as {
        spec: { tags: { name: string; from: { name: string } }[] };
      };
      const tag = is.spec.tags.find((x) => x.name === 'v1');
      assert.equal(tag?.from.name, `${c.registry}/${ns}/app@${digest}`, c.name);
    }
    const southIs = (await south.admin.get(isPath)).json as { spec: { tags: { name: string }[] } };
    assert.deepEqual(
      southIs.spec.tags.map((x) => x.name),
      ['old', 'v1'],
      'other tags kept',
    );
    const again = await play(vars);
    for (const c of targets) assert.equal(again.doc?.recap[c.name]?.changed, 0, c.name);
  });

  it('with observed (watch mode) copies every tag of the observed ImageStream from its cluster', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'img' });
    const v1 = await pushToMaster(t, `${ns}/app:v1`, 1);
    const v2 = await pushToMaster(t, `${ns}/app:v2`, 2);
    const object = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app', namespace: ns, annotations: { sync: 'me' } },
      spec: {
        tags: ['v1', 'v2'].map((tag) => ({
          name: tag,
          from: { kind: 'DockerImage', name: `${east.registry}/${ns}/app:${tag}` },
        })),
      },
    };
    ok(
      await east.admin.apply(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`, object),
      'seed IS',
    );
    const observed = {
      kind: 'ImageStream',
      namespace: ns,
      name: 'app',
      cluster: east.name,
      type: 'Updated',
      object,
    };
    const run = await play({ observed, images: [] });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const c of targets) {
      assert.equal(await manifestDigest(loginOf(c), `${ns}/app`, 'v1'), v1, c.name);
      assert.equal(await manifestDigest(loginOf(c), `${ns}/app`, 'v2'), v2, c.name);
    }
  });

  it('wrong credentials fail with the registry and the reason, and the password is printed nowhere', async (t) => {
    const ns = repoNamespace();
    await pushToMaster(t, `${ns}/app:v1`, 1);
    const { writeFile, readFile } = await import('node:fs/promises');
    const dir = await tempDir(t, 'mcsync-inv-');
    const wrong = 'Wr0ng-Passw0rd-4-test';
    const inventory = (await readFile(sandbox.inventoryFile, 'utf8')).replace(
      `registry_password_file: ${west.registryPasswordFile}`,
      `registry_password: ${wrong}`,
    );
    assert.ok(inventory.includes(wrong), 'inventory rewrite failed');
    await writeFile(path.join(dir, 'inventory.yml'), inventory);
    for (const flags of [[], ['-vvv']]) {
      const run = await play({ images: [`${ns}/app:v1`] }, flags, {}, path.join(dir, 'inventory.yml'));
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.equal(run.doc?.recap[west.name]?.failed, 1);
      assert.equal(run.doc?.recap[south.name]?.changed ?? 0, flags.length ? 0 : 1);
      const msg = String(copyResult(run, west.name)?.['msg']);
      assert.match(
        msg,
        new RegExp(`registry ${west.registry.replace(/\./g, '\\.')} \\(host ${west.name}\\)`),
      );
      assert.match(msg, /authentication failed with the registry_password/);
      const output = run.stdout + run.stderr;
      assert.ok(!output.includes(wrong), 'the password was printed');
      assert.ok(
        !output.includes(Buffer.from(`mcsync:${wrong}`).toString('base64')),
        'the basic auth was printed',
      );
      for (const c of sandbox.clusters)
        assert.ok(!output.includes(c.registryPassword), `${c.name} password printed`);
    }
  });

  it('a stopped target registry fails that host after retries while the other target is copied', async (t) => {
    const ns = repoNamespace();
    const digest = await pushToMaster(t, `${ns}/app:v1`, 1);
    await sandbox.fault('stop', west.name, { registry: true });
    t.after(() => sandbox.fault('start', west.name, { registry: true }));
    const run = await play({ images: [`${ns}/app:v1`], copy_image_retries: 2, copy_image_retry_delay: 0.1 });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.equal(run.doc?.recap[west.name]?.failed, 1);
    assert.equal(run.doc?.recap[south.name]?.changed, 1);
    const msg = String(copyResult(run, west.name)?.['msg']);
    assert.match(
      msg,
      new RegExp(
        `registry ${west.registry.replace(/\./g, '\\.')} \\(host ${west.name}\\): cannot connect: connection refused \\(after 3 tries\\)`,
      ),
    );
    assert.equal(await manifestDigest(loginOf(south), `${ns}/app`, 'v1'), digest);
  });
});
