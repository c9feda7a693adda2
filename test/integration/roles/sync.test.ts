// The create and sync roles and k8s_sync through the real CLI (dist/, `npm run build` first) on
// three sandbox clusters: east is the master, west and south the slaves.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { changedPerHost, cleanupNamespace, mcsyncPlay, namespaceOn, project, seedMaster } from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const [east, west, south] = sandbox.clusters as [
  SandboxClusterHandle,
  SandboxClusterHandle,
  SandboxClusterHandle,
];
const slaves = [west, south];

/** A fresh namespace seeded on the master only, removed from every cluster afterwards. */
async function seeded(t: TestContext): Promise<string> {
  const ns = `sync-${Math.random().toString(16).slice(2, 10)}`;
  cleanupNamespace(t, sandbox.clusters, ns);
  await seedMaster(east, ns);
  return ns;
}

/** The seed-shaped playbook (create on all, sync to slaves) with vars for namespace `ns`. */
async function syncProject(t: TestContext, ns: string): Promise<string> {
  return project(t, {
    'create.yml': {
      projects: [{ name: ns, display: 'Sync test', description: 'made by the create role' }],
      users: [{ name: 'developer', fullname: 'Demo Developer' }],
      permissions: [{ role: 'edit', project: ns, users: ['developer'], serviceaccounts: ['deployer'] }],
      serviceaccounts: [{ name: 'deployer', project: ns }],
    },
    'sync.yml': {
      imagestreams: [{ name: 'app', project: ns }],
      dockerpullsecret: { serviceaccount: 'deployer', project: ns, registryhost: east.registry },
    },
    'play.yml': stringify([
      { name: 'create', hosts: 'all', gather_facts: false, vars_files: ['create.yml'], roles: ['create'] },
      { name: 'sync', hosts: 'slaves', gather_facts: false, vars_files: ['sync.yml'], roles: ['sync'] },
    ]),
  });
}

const play = (dir: string, ...flags: string[]) =>
  mcsyncPlay([`${dir}/play.yml`, '-i', sandbox.inventoryFile, '--output', 'json', ...flags]);

/** Runs `dir` with `cluster` stopped; it is started again after `t`. */
async function playWhileStopped(t: TestContext, dir: string, cluster: SandboxClusterHandle) {
  await sandbox.fault('stop', cluster.name);
  t.after(() => sandbox.fault('start', cluster.name));
  return play(dir);
}

describe('playbooks of the create and sync roles', () => {
  it('converges three clusters, then a second run reports changed=0 on every host', async (t) => {
    const ns = await seeded(t);
    const dir = await syncProject(t, ns);
    const first = await play(dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const c of sandbox.clusters) assert.ok((first.doc?.recap[c.name]?.changed ?? 0) > 0, c.name);
    for (const c of slaves) {
      const is = await c.admin.get(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`);
      assert.equal(is.status, 200, c.name);
      const body = is.json as {
        metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      };
      assert.equal(body.metadata.labels['app.kubernetes.io/managed-by'], 'mcsync');
      assert.equal(body.metadata.annotations['mcsync.io/origin-cluster'], east.name);
      const sa = (await c.admin.get(`/api/v1/namespaces/${ns}/serviceaccounts/deployer`)).json as {
        imagePullSecrets?: { name: string }[];
      };
      assert.deepEqual(sa.imagePullSecrets, [{ name: 'registry-dockercfg' }], c.name);
      const rb = await c.admin.get(
        `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/mcsync-edit`,
      );
      assert.equal(rb.status, 200);
    }
    const second = await play(dir);
    assert.equal(second.code, 0, second.stdout);
    assert.deepEqual(changedPerHost(second), { [east.name]: 0, [west.name]: 0, [south.name]: 0 });
  });

  it('with --check reports what would change and writes nothing; --diff masks Secret data', async (t) => {
    const ns = await seeded(t);
    const dir = await syncProject(t, ns);
    const run = await play(dir, '--check', '--diff');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok((run.doc?.recap[west.name]?.changed ?? 0) > 0);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}`)).status, 404);
    const secret = (await east.admin.get(`/api/v1/namespaces/${ns}/secrets/registry-dockercfg`)).json as {
      data: Record<string, string>;
    };
    assert.ok(!run.stdout.includes(secret.data['.dockercfg'] as string), 'Secret data printed');
    assert.match(run.stdout, /hmac:[0-9a-f]{8}/);
  });

  it('an unreachable slave leaves the others synced, shows unreachable=1 and exits 4', async (t) => {
    const ns = await seeded(t);
    const dir = await syncProject(t, ns);
    const run = await playWhileStopped(t, dir, south);
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.equal(run.doc?.recap[south.name]?.unreachable, 1);
    assert.equal(run.doc?.recap[west.name]?.failed, 0);
    assert.equal(
      (await west.admin.get(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`)).status,
      200,
    );
  });

  it('the restricted identity fails with a clear 403 message', async (t) => {
    const ns = await seeded(t);
    const dir = await syncProject(t, ns);
    const host = (c: SandboxClusterHandle, token: string) => ({
      api_url: c.apiUrl,
      token_file: token,
      ca_file: c.caFile,
    });
    const inventory = `${dir}/restricted.yml`;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      inventory,
      stringify({
        all: {
          children: {
            master: { hosts: { [east.name]: host(east, east.adminTokenFile) } },
            slaves: { hosts: { [west.name]: host(west, west.viewerTokenFile) } },
          },
        },
      }),
    );
    const run = await mcsyncPlay([`${dir}/play.yml`, '-i', inventory, '--output', 'json']);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.equal(run.doc?.recap[west.name]?.failed, 1);
    assert.match(
      run.stdout,
      /forbidden: user '[^']*viewer[^']*' cannot (create|patch) [a-z]+ .*on cluster west/,
    );
  });
});

describe('k8s_sync prune and conflicts', () => {
  const configMap = (ns: string, name: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels },
    data: { from: 'master' },
  });

  async function syncPlay(t: TestContext, ns: string, extra: Record<string, unknown> = {}): Promise<string> {
    const task = {
      name: 'sync config maps',
      k8s_sync: {
        objects: [{ kind: 'ConfigMap', namespace: ns, label_selector: 'sync=yes' }],
        create_namespace: true,
        ...extra,
      },
    };
    return project(t, {
      'play.yml': [{ name: 'sync', hosts: 'slaves', gather_facts: false, tasks: [task] }],
    });
  }

  /** A fresh seeded namespace whose master holds ConfigMaps `names`, labelled sync=yes. */
  async function seededWithMaps(t: TestContext, names: readonly string[]): Promise<string> {
    const ns = await seeded(t);
    for (const name of names)
      ok(
        await east.admin.apply(
          `/api/v1/namespaces/${ns}/configmaps/${name}`,
          configMap(ns, name, { sync: 'yes' }),
        ),
        name,
      );
    return ns;
  }

  /**
   * Runs `dir` once, then writes a ConfigMap `local` (sync=yes) on west only and deletes `b` on the
   * master, runs `dir` again and returns that run's result on west.
   */
  async function resyncAfterSourceDelete(ns: string, dir: string) {
    assert.equal((await play(dir)).code, 0);
    ok(
      await west.admin.apply(
        `/api/v1/namespaces/${ns}/configmaps/local`,
        configMap(ns, 'local', { sync: 'yes' }),
      ),
      'local',
    );
    ok(await east.admin.delete(`/api/v1/namespaces/${ns}/configmaps/b`), 'delete b');
    const run = await play(dir);
    assert.equal(run.code, 0, run.stdout);
    return run.doc?.plays[0]?.tasks[0]?.hosts[west.name] as unknown as {
      counts: Record<string, number>;
      orphans: unknown[];
      msg: string;
    };
  }

  it('prune deletes only objects mcsync synced from the master', async (t) => {
    const ns = await seededWithMaps(t, ['a', 'b']);
    const westTask = await resyncAfterSourceDelete(ns, await syncPlay(t, ns, { prune: true }));
    assert.equal(westTask.counts['pruned'], 1);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/b`)).status, 404);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/a`)).status, 200);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/local`)).status, 200);
  });

  it('without prune, copies whose source is gone are kept and listed as orphans', async (t) => {
    const ns = await seededWithMaps(t, ['a', 'b']);
    const westTask = await resyncAfterSourceDelete(ns, await syncPlay(t, ns));
    assert.deepEqual(westTask.orphans, [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'b' }]);
    assert.equal(westTask.counts['pruned'], 0);
    assert.match(westTask.msg, /1 orphan\(s\) kept \(prune: false\)/);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/b`)).status, 200, 'b is kept');
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/local`)).status, 200);
  });

  it('prune with names only looks at the named objects', async (t) => {
    const ns = await seededWithMaps(t, ['a', 'b']);
    assert.equal((await play(await syncPlay(t, ns))).code, 0);
    const onlyA = {
      objects: [{ kind: 'ConfigMap', namespace: ns, names: ['a'], label_selector: 'sync=yes' }],
      prune: true,
    };
    const run = await play(await syncPlay(t, ns, onlyA));
    assert.equal(run.code, 0, run.stdout);
    assert.equal(
      (await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/b`)).status,
      200,
      'b is not in scope',
    );
    ok(await east.admin.delete(`/api/v1/namespaces/${ns}/configmaps/a`), 'delete a');
    assert.equal((await play(await syncPlay(t, ns, onlyA))).code, 0);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/a`)).status, 404, 'a is pruned');
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/b`)).status, 200);
  });

  it('overrides patch the copy per group, then per host (a JSON patch on top of a merge patch)', async (t) => {
    const ns = await seeded(t);
    ok(
      await east.admin.apply(`/api/v1/namespaces/${ns}/configmaps/a`, {
        ...configMap(ns, 'a', { sync: 'yes' }),
        data: { from: 'master', registry: `${east.registry}/demo/app:1` },
      }),
      'a',
    );
    const overrides = {
      slaves: { merge: { metadata: { labels: { region: 'remote' } }, data: { from: 'override' } } },
      [west.name]: {
        json: [{ op: 'replace', path: '/data/registry', value: 'west.example.com/demo/app:1' }],
      },
    };
    const run = await play(await syncPlay(t, ns, { overrides }));
    assert.equal(run.code, 0, run.stdout);
    const read = async (c: SandboxClusterHandle) =>
      (await c.admin.get(`/api/v1/namespaces/${ns}/configmaps/a`)).json as {
        metadata: { labels: Record<string, string> };
        data: Record<string, string>;
      };
    const [onWest, onSouth, onEast] = [await read(west), await read(south), await read(east)];
    assert.deepEqual(onWest.data, { from: 'override', registry: 'west.example.com/demo/app:1' });
    assert.deepEqual(onSouth.data, { from: 'override', registry: `${east.registry}/demo/app:1` });
    assert.equal(onWest.metadata.labels['region'], 'remote');
    assert.equal(onEast.data['from'], 'master', 'the source is never patched');
    assert.deepEqual(changedPerHost(await play(await syncPlay(t, ns, { overrides }))), {
      [west.name]: 0,
      [south.name]: 0,
    });
  });

  it('an unreachable source fails the task on every target with a message naming the source', async (t) => {
    const ns = await seeded(t);
    const dir = await syncPlay(t, ns);
    const run = await playWhileStopped(t, dir, east);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    for (const slave of slaves) {
      assert.equal(run.doc?.recap[slave.name]?.failed, 1);
      assert.equal(run.doc?.recap[slave.name]?.unreachable, 0, 'the target itself is reachable');
    }
    assert.match(run.stdout, new RegExp(`source host ${east.name} could not be read: .*refused`));
  });

  it('an existing object mcsync did not write fails by default, with a clear message', async (t) => {
    const ns = await seededWithMaps(t, ['a']);
    await namespaceOn(west, ns, 'ns');
    ok(await west.admin.apply(`/api/v1/namespaces/${ns}/configmaps/a`, configMap(ns, 'a', {})), 'west a');
    const run = await play(await syncPlay(t, ns));
    assert.equal(run.code, 2, run.stdout);
    assert.match(
      run.stdout,
      /v1\/ConfigMap [a-z0-9-]+\/a exists on west but was not written by mcsync.*conflict: adopt/,
    );
    const skip = await play(await syncPlay(t, ns, { conflict: 'skip' }));
    assert.equal(skip.code, 0, skip.stdout);
    const adopt = await play(await syncPlay(t, ns, { conflict: 'adopt' }));
    assert.equal(adopt.code, 0, adopt.stdout);
    const cm = (await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/a`)).json as {
      data?: Record<string, string>;
    };
    assert.equal(cm.data?.['from'], 'master');
  });
});
