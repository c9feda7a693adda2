// The seed's use case 3 end to end on three sandbox clusters with real registries, real skopeo
// and the sandbox's image controller (push recording + importer): push to the master's (east's)
// registry, sync the ImageStream and its pull secret to the slaves (west, south), and each
// slave's importer resolves the pushed tags — from the master's registry (mirror) or from its
// own after mcsync copied the images (copy). Without the pull secret the slave's import fails
// and mcsync says why.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { pushLayout, writeLayeredImage } from '../../support/oci-images.ts';
import { startObserver, readiness, waitFor, watchPlaybookArgs } from '../observe/helpers.ts';
import { loginOf, mcsyncPlay } from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const east = sandbox.cluster('east');
const slaves = [sandbox.cluster('west'), sandbox.cluster('south')];

interface TagStatus {
  tag: string;
  items?: { image: string; dockerImageReference: string }[] | null;
  conditions?: { type: string; status: string; reason: string; message: string }[];
}
interface Stream {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  spec?: { tags?: { name: string; from?: { kind: string; name: string } }[] };
  status?: { dockerImageRepository?: string; tags?: TagStatus[] };
}

const streamPath = (ns: string, name = 'app'): string =>
  `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/${name}`;

async function stream(c: SandboxClusterHandle, ns: string): Promise<Stream | undefined> {
  const res = await c.admin.get(streamPath(ns));
  return res.status === 200 ? (res.json as Stream) : undefined;
}

function statusDigest(s: Stream | undefined, tag: string): string | undefined {
  return s?.status?.tags?.find((t) => t.tag === tag)?.items?.[0]?.image;
}

function specFrom(s: Stream | undefined, tag: string): string | undefined {
  return s?.spec?.tags?.find((t) => t.name === tag)?.from?.name;
}

/** Builds an image and pushes it with skopeo to east's registry as <ns>/app:<tag>. */
async function push(t: TestContext, ns: string, tag: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-oci-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const digest = await writeLayeredImage(dir, { layers: 2 });
  await pushLayout(dir, loginOf(east), `${ns}/app:${tag}`);
  return digest;
}

/** Waits until the master's ImageStream records the push, as OpenShift's registry does. */
async function masterHas(ns: string, tag: string, digest: string): Promise<Stream> {
  return waitFor<Stream | undefined>(`east ${ns}/app:${tag} in status`, async () => {
    const s = await stream(east, ns);
    return statusDigest(s, tag) === digest ? s : undefined;
  }) as Promise<Stream>;
}

/** The master as in the seed: namespace, pull secret for east's registry linked to deployer. */
async function seed(t: TestContext): Promise<string> {
  const ns = await sandbox.namespace(t, { prefix: 'is' });
  const auth = Buffer.from(`${east.registryUsername}:${east.registryPassword}`).toString('base64');
  ok(
    await east.admin.post(`/api/v1/namespaces/${ns}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockercfg',
      metadata: { name: 'east-pull' },
      data: { '.dockercfg': Buffer.from(JSON.stringify({ [east.registry]: { auth } })).toString('base64') },
    }),
    'pull secret',
  );
  ok(
    await east.admin.apply(`/api/v1/namespaces/${ns}/serviceaccounts/deployer`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'deployer', namespace: ns },
      imagePullSecrets: [{ name: 'east-pull' }],
    }),
    'service account',
  );
  return ns;
}

/** Vars for playbooks/sync.yml: only this namespace's objects. */
function syncVars(ns: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    projects: [{ name: ns, display: ns }],
    users: [],
    permissions: [],
    serviceaccounts: [{ name: 'deployer', project: ns }],
    objects: [],
    imagestreams: [{ name: 'app', project: ns }],
    dockerpullsecret: { serviceaccount: 'deployer', project: ns, registryhost: east.registry },
    ...extra,
  });
}

const syncPlay = (ns: string, extra: Record<string, unknown> = {}, flags: string[] = []) =>
  mcsyncPlay([
    'playbooks/sync.yml',
    '-i',
    sandbox.inventoryFile,
    '--output',
    'json',
    '-e',
    syncVars(ns, extra),
    ...flags,
  ]);

function skopeoDigest(c: SandboxClusterHandle, image: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'skopeo',
      [
        'inspect',
        '--authfile',
        sandbox.registryAuthFile,
        '--cert-dir',
        c.certDir,
        `docker://${c.registry}/${image}`,
      ],
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`skopeo inspect ${image}: ${stderr}`))
          : resolve((JSON.parse(stdout) as { Digest: string }).Digest),
    ),
  );
}

/**
 * `mcsync observe` on every namespace's ImageStreams with the shipped watch playbook, the pull
 * secret of `ns`'s deployer service account synced along; ready is awaited by the caller.
 */
async function mirrorObserver(t: TestContext, ns: string) {
  const health = await readiness();
  const obs = startObserver(t, [
    ...watchPlaybookArgs(sandbox.inventoryFile, ['-A']),
    '-e',
    JSON.stringify({
      dockerpullsecret: { serviceaccount: 'deployer', project: ns, registryhost: east.registry },
    }),
    health.flag,
  ]);
  return { health, obs };
}

/** Waits until each slave's stream imported tag v1 with digest `v1` (30 s each), then reads its pull secret. */
async function slavesImportV1(ns: string, v1: string): Promise<void> {
  for (const c of slaves) {
    await waitFor(`${c.name} imports v1`, async () => statusDigest(await stream(c, ns), 'v1') === v1, 30_000);
    ok(await c.admin.get(`/api/v1/namespaces/${ns}/secrets/east-pull`), `pull secret on ${c.name}`);
  }
}

describe('ImageStreams carry their pushed images to every slave', () => {
  it('mirror (mcsync-play playbooks/sync.yml): each slave imports the pushed tag from the master registry with the synced pull secret; a new tag is one change per slave; an unchanged rerun writes nothing', async (t) => {
    const ns = await seed(t);
    const v1 = await push(t, ns, 'v1');
    const master = await masterHas(ns, 'v1', v1);
    assert.equal(master.status?.dockerImageRepository, `${east.registry}/${ns}/app`);
    assert.equal(master.spec?.tags, undefined, 'pushed tags live only in status');

    const first = await syncPlay(ns);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const c of slaves) {
      const s = await stream(c, ns);
      assert.equal(specFrom(s, 'v1'), `${east.registry}/${ns}/app:v1`, c.name);
      assert.equal(statusDigest(s, 'v1'), v1, `${c.name} imported the master's digest`);
      ok(await c.admin.get(`/api/v1/namespaces/${ns}/secrets/east-pull`), `pull secret on ${c.name}`);
    }

    const v2 = await push(t, ns, 'v2');
    await masterHas(ns, 'v2', v2);
    const second = await syncPlay(ns);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const c of slaves) {
      assert.equal(second.doc?.recap[c.name]?.changed, 1, `one change on ${c.name}`);
      assert.equal(statusDigest(await stream(c, ns), 'v2'), v2, c.name);
    }

    const before = await Promise.all(slaves.map((c) => stream(c, ns)));
    const third = await syncPlay(ns);
    assert.equal(third.code, 0, third.stdout + third.stderr);
    for (const [i, c] of slaves.entries()) {
      assert.equal(third.doc?.recap[c.name]?.changed, 0, c.name);
      assert.equal(
        (await stream(c, ns))?.metadata.resourceVersion,
        before[i]?.metadata.resourceVersion,
        'nothing written',
      );
    }
    assert.equal(third.doc?.recap[east.name]?.changed, 0);
  });

  it('mirror (mcsync observe … --playbook playbooks/watch.yml --when-annotation sync=me): pushes and the pull secret arrive on every slave', async (t) => {
    const ns = await seed(t);
    const { health, obs } = await mirrorObserver(t, ns);
    await health.ready().catch((error: Error) => {
      throw new Error(`${error.message}; observer stderr:\n${obs.stderr()}`);
    });
    const v1 = await push(t, ns, 'v1');
    await masterHas(ns, 'v1', v1);
    ok(await east.admin.patch(streamPath(ns), { metadata: { annotations: { sync: 'me' } } }), 'annotate');
    await slavesImportV1(ns, v1);
    const v2 = await push(t, ns, 'v2');
    for (const c of slaves)
      await waitFor(
        `${c.name} imports v2`,
        async () => statusDigest(await stream(c, ns), 'v2') === v2,
        30_000,
      );
    assert.doesNotMatch(obs.stdout(), /failed=[1-9]/, obs.stdout() + obs.stderr());
  });

  it('mirror, annotated before the observer starts: its first pass brings the pull secret and the stream to every slave', async (t) => {
    const ns = await seed(t);
    const v1 = await push(t, ns, 'v1');
    await masterHas(ns, 'v1', v1);
    ok(await east.admin.patch(streamPath(ns), { metadata: { annotations: { sync: 'me' } } }), 'annotate');
    const { health, obs } = await mirrorObserver(t, ns);
    await health.ready(60_000).catch((error: Error) => {
      throw new Error(`${error.message}; observer stderr:\n${obs.stderr()}`);
    });
    await slavesImportV1(ns, v1);
    // The pass's line comes when the run ends: after every import it waited for.
    await waitFor(
      'the pass line',
      () => /# \S+ Sync east\/\*\/\* objects=\d+ exit=0 /.test(obs.stdout()),
      60_000,
    );
    assert.doesNotMatch(obs.stdout(), new RegExp(`east/${ns}/app exit=`), 'no run of its own');
  });

  it('copy: each slave registry holds the image with the same digest and the slave stream points at its own registry', async (t) => {
    const ns = await seed(t);
    const v1 = await push(t, ns, 'v1');
    await masterHas(ns, 'v1', v1);
    const first = await syncPlay(ns, { sync_imagestream_mode: 'copy' });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const c of slaves) {
      assert.equal(await skopeoDigest(c, `${ns}/app:v1`), v1, `${c.name} registry`);
      const s = await stream(c, ns);
      assert.equal(specFrom(s, 'v1'), `${c.registry}/${ns}/app@${v1}`, c.name);
      assert.equal(statusDigest(s, 'v1'), v1, c.name);
    }
    const rerun = await syncPlay(ns, { sync_imagestream_mode: 'copy' });
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    for (const c of slaves) assert.equal(rerun.doc?.recap[c.name]?.changed, 0, c.name);
  });

  it('without the pull secret the slave import fails, the recap and --diff say why, and a rerun with the secret repairs it', async (t) => {
    const ns = await seed(t);
    const v1 = await push(t, ns, 'v1');
    await masterHas(ns, 'v1', v1);
    const noSecret = { dockerpullsecret: [], sync_imagestream_import_timeout: 15 };
    const failed = await syncPlay(ns, noSecret, ['--diff']);
    assert.equal(failed.code, 2, failed.stdout + failed.stderr);
    for (const c of slaves) {
      assert.equal(failed.doc?.recap[c.name]?.failed, 1, c.name);
      const condition = (await stream(c, ns))?.status?.tags?.find((x) => x.tag === 'v1')?.conditions?.[0];
      assert.equal(condition?.reason, 'Unauthorized', c.name);
      assert.equal(condition?.status, 'False');
    }
    const text = JSON.stringify(failed.doc);
    assert.match(
      text,
      /could not import tag 'v1' from 127\.0\.0\.1:\d+\/is-[^/]+\/app:v1: Unauthorized: you may not have access/,
    );
    assert.match(text, /image import on the target/, '--diff shows the import failure');
    assert.ok(!text.includes(east.registryPassword), 'no registry password in the output');

    const repaired = await syncPlay(ns);
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    for (const c of slaves) assert.equal(statusDigest(await stream(c, ns), 'v1'), v1, c.name);
  });
});
