// `mcsync sandbox` gives tests and the demo real clusters: these tests prove
// the clusters are real, secured, OpenShift-shaped where the roles need it,
// and that the fault hooks inject the faults they promise.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runSandboxCommand } from '../../src/cli/sandbox-command.ts';
import { pinnedKubernetesVersion } from '../../src/sandbox/binary.ts';
import { writeOciImage } from '../../src/sandbox/oci-image.ts';
import { portInUse } from '../../src/sandbox/ports.ts';
import { processStatus } from '../../src/sandbox/processes.ts';
import { sandboxDown, sandboxUp } from '../../src/sandbox/sandbox.ts';
import { sandboxClusters } from '../support/clusters.ts';
import { kubeApi, ok } from '../support/kube-api.ts';

const exec = promisify(execFile);
const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const east = sandbox.cluster('east');

function configMap(name: string, data: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

describe('sandbox clusters', () => {
  it('starts three clusters named east, west and south, each ready', async () => {
    assert.deepEqual(
      sandbox.clusters.map((c) => c.name),
      ['east', 'west', 'south'],
    );
    for (const c of sandbox.clusters) assert.equal((await c.admin.get('/readyz')).text, 'ok');
  });

  it('reports the pinned Kubernetes version on /version', async () => {
    const pinned = await pinnedKubernetesVersion();
    const version = (await east.admin.get('/version')).json as {
      gitVersion: string;
      major: string;
      minor: string;
    };
    assert.equal(version.gitVersion, pinned);
    assert.equal(`v${version.major}.${version.minor}`, pinned.split('.').slice(0, 2).join('.'));
  });

  it('serves TLS that only the sandbox CA verifies', async () => {
    const error = await new Promise<Error>((resolve) => {
      https
        .get(`${east.apiUrl}/readyz`, (res) => resolve(new Error(`unexpected HTTP ${res.statusCode}`)))
        .on('error', resolve);
    });
    assert.match((error as NodeJS.ErrnoException).code ?? error.message, /UNABLE_TO_VERIFY|SELF_SIGNED|CERT/);
  });

  it('rejects a wrong token with 401', async () => {
    const stranger = kubeApi({ ...east.admin.target, token: 'not-a-token' });
    assert.equal((await stranger.get('/api/v1/namespaces')).status, 401);
  });

  it('lets the viewer read but not write (403)', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    assert.equal((await east.viewer.get(`/api/v1/namespaces/${ns}/configmaps`)).status, 200);
    const created = await east.viewer.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('nope', {}));
    assert.equal(created.status, 403);
  });

  it('serves ImageStreams, Users and Groups but not project.openshift.io', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    const stream = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app', annotations: { sync: 'me' } },
      spec: {
        lookupPolicy: { local: false },
        tags: [{ name: 'latest', from: { kind: 'DockerImage', name: 'example/app:1' } }],
      },
    };
    ok(
      await east.admin.post(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams`, stream),
      'create imagestream',
    );
    const user = {
      apiVersion: 'user.openshift.io/v1',
      kind: 'User',
      metadata: { name: `u-${ns}` },
      fullName: 'Test User',
      identities: [],
    };
    ok(await east.admin.apply(`/apis/user.openshift.io/v1/users/u-${ns}`, user), 'apply user');
    t.after(async () => void (await east.admin.delete(`/apis/user.openshift.io/v1/users/u-${ns}`)));
    const read = (await east.admin.get(`/apis/user.openshift.io/v1/users/u-${ns}`)).json as {
      fullName?: string;
    };
    assert.equal(read.fullName, 'Test User');
    assert.equal((await east.admin.get('/apis/user.openshift.io/v1/groups')).status, 200);
    assert.equal((await east.admin.get('/apis/project.openshift.io/v1')).status, 404);
  });

  it('deletes a namespace completely (namespace controller runs)', async () => {
    const name = `gone-${Date.now()}`;
    ok(
      await east.admin.post('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      }),
      'create ns',
    );
    ok(
      await east.admin.post(`/api/v1/namespaces/${name}/configmaps`, configMap('x', { a: '1' })),
      'create cm',
    );
    ok(await east.admin.delete(`/api/v1/namespaces/${name}`), 'delete ns');
    const deadline = Date.now() + 30_000;
    while ((await east.admin.get(`/api/v1/namespaces/${name}`)).status !== 404) {
      assert.ok(Date.now() < deadline, `namespace ${name} still exists after 30 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('garbage-collects dependents of a deleted owner (garbage collector runs)', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    const owner = ok(
      await east.admin.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('owner', {})),
      'owner',
    );
    const uid = (owner.json as { metadata: { uid: string } }).metadata.uid;
    const dependent = {
      ...configMap('dependent', {}),
      metadata: {
        name: 'dependent',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }],
      },
    };
    ok(await east.admin.post(`/api/v1/namespaces/${ns}/configmaps`, dependent), 'dependent');
    ok(await east.admin.delete(`/api/v1/namespaces/${ns}/configmaps/owner`), 'delete owner');
    const deadline = Date.now() + 30_000;
    while ((await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/dependent`)).status !== 404) {
      assert.ok(Date.now() < deadline, 'dependent still exists after 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('creates the default ServiceAccount and fills token Secrets (serviceaccount controllers run)', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['west'] });
    const west = sandbox.cluster('west');
    const deadline = Date.now() + 10_000;
    while ((await west.admin.get(`/api/v1/namespaces/${ns}/serviceaccounts/default`)).status !== 200) {
      assert.ok(Date.now() < deadline, 'no default ServiceAccount after 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'default-token', annotations: { 'kubernetes.io/service-account.name': 'default' } },
    };
    ok(await west.admin.post(`/api/v1/namespaces/${ns}/secrets`, secret), 'token secret');
    for (;;) {
      const read = (await west.admin.get(`/api/v1/namespaces/${ns}/secrets/default-token`)).json as {
        data?: { token?: string };
      };
      if (read.data?.token) break;
      assert.ok(Date.now() < deadline, 'token controller did not fill the token');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});

describe('sandbox registries', () => {
  it('require authentication (401 without, 200 with)', async () => {
    const anonymous = kubeApi({ url: east.registryApi.target.url, ca: east.ca });
    assert.equal((await anonymous.get('/v2/')).status, 401);
    assert.equal((await east.registryApi.get('/v2/')).status, 200);
  });

  it('accept a push from skopeo and serve it to skopeo inspect', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-oci-test-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const digest = await writeOciImage(dir, 'hello from the sandbox\n');
    const ref = `docker://${east.registry}/test/hello:1`;
    const auth = ['--authfile', sandbox.registryAuthFile];
    await exec('skopeo', [
      'copy',
      '--preserve-digests',
      '--dest-cert-dir',
      east.certDir,
      '--dest-authfile',
      sandbox.registryAuthFile,
      `oci:${dir}:latest`,
      ref,
    ]);
    const { stdout } = await exec('skopeo', ['inspect', '--cert-dir', east.certDir, ...auth, ref]);
    assert.equal((JSON.parse(stdout) as { Digest: string }).Digest, digest);
  });
});

describe('sandbox fault hooks', () => {
  it('compact makes a watch from an old resourceVersion fail with 410 Gone', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    const created = ok(
      await east.admin.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('c', { v: '0' })),
      'create',
    );
    const oldVersion = (created.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    for (const v of ['1', '2'])
      ok(await east.admin.patch(`/api/v1/namespaces/${ns}/configmaps/c`, { data: { v } }), 'patch');
    await sandbox.fault('compact', 'east');
    const watch = await east.admin.get(
      `/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${oldVersion}&timeoutSeconds=5`,
    );
    const event = JSON.parse(watch.text.split('\n')[0] ?? '{}') as { type: string; object: { code: number } };
    assert.equal(event.type, 'ERROR');
    assert.equal(event.object.code, 410);
    const list = await east.admin.get(
      `/api/v1/namespaces/${ns}/configmaps?resourceVersion=${oldVersion}&resourceVersionMatch=Exact`,
    );
    assert.equal(list.status, 410);
  });

  it('pause freezes a cluster until resume', async () => {
    const west = sandbox.cluster('west');
    await sandbox.fault('pause', 'west');
    try {
      await assert.rejects(west.admin.get('/readyz', 1_000), /timed out/);
    } finally {
      await sandbox.fault('resume', 'west');
    }
    assert.equal((await west.admin.get('/readyz')).status, 200);
  });

  it('kill -9 takes a cluster down and start brings it back with its data', async (t) => {
    const west = sandbox.cluster('west');
    const ns = await sandbox.namespace(t, { clusters: ['west'] });
    await sandbox.fault('kill', 'west');
    await assert.rejects(west.admin.get('/readyz', 1_000));
    await sandbox.fault('start', 'west');
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}`)).status, 200);
  });

  it('stop and start a registry', async () => {
    const south = sandbox.cluster('south');
    await sandbox.fault('stop', 'south', { registry: true });
    await assert.rejects(south.registryApi.get('/v2/', 1_000));
    await sandbox.fault('start', 'south', { registry: true });
    assert.equal((await south.registryApi.get('/v2/')).status, 200);
  });
});

describe('mcsync sandbox command', () => {
  it('status reports every cluster healthy', async () => {
    assert.equal(await runSandboxCommand(['status', '--dir', sandbox.dir]), 0);
  });

  it('rejects a bad option with exit code 5', async () => {
    assert.equal(await runSandboxCommand(['up', '--clusters', 'many']), 5);
    assert.equal(await runSandboxCommand(['explode']), 5);
  });

  it('writes an inventory with master, slaves and hubs, and a kubeconfig per cluster', async () => {
    const inventory = await readFile(sandbox.inventoryFile, 'utf8');
    for (const word of ['master:', 'slaves:', 'hubs:', 'api_url:', 'token_file:', 'registry_password_file:'])
      assert.ok(inventory.includes(word), word);
    const { stdout } = await exec('kubectl', [
      '--kubeconfig',
      sandbox.kubeconfigFile,
      '--context',
      'south',
      'get',
      'ns',
      'default',
      '-o',
      'name',
    ]);
    assert.equal(stdout.trim(), 'namespace/default');
    assert.equal((await stat(sandbox.cluster('east').adminTokenFile)).mode & 0o777, 0o600);
  });

  it('up is idempotent and down leaves no process running', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-sandbox-down-'));
    try {
      const first = await sandboxUp({ dir, clusters: 1, openshiftProjects: true });
      const again = await sandboxUp({ dir, clusters: 1, openshiftProjects: true });
      const [one] = first.state.clusters;
      const [same] = again.state.clusters;
      assert.ok(one && same);
      assert.equal(same.apiserver?.pid, one.apiserver?.pid);
      const api = kubeApi({
        url: `https://127.0.0.1:${one.apiPort}`,
        ca: await readFile(path.join(dir, 'certs', 'ca.crt'), 'utf8'),
        token: (await readFile(one.adminTokenFile, 'utf8')).trim(),
      });
      assert.equal((await api.get('/apis/project.openshift.io/v1/projects')).status, 200);
      assert.equal(await runSandboxCommand(['down', '--dir', dir]), 0);
      for (const p of [one.apiserver, one.registry])
        assert.equal(await processStatus(p?.pid ?? -1, 'sandbox'), 'dead');
      assert.equal(await portInUse(one.apiPort), false);
      assert.equal(await portInUse(one.registryPort), false);
    } finally {
      await sandboxDown(dir, true);
    }
  });
});
