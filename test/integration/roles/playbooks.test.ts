// The shipped playbooks and vars files as they are: playbooks/sync.yml with vars/create.yml and
// vars/sync.yml (the seed's shapes), playbooks/apply.yml and playbooks/exchange-secrets.yml.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import {
  changedPerHost,
  cleanupNamespace,
  mcsyncPlay,
  project,
  seedMaster,
  type PlayRun,
} from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const [east, west, south] = sandbox.clusters as [
  SandboxClusterHandle,
  SandboxClusterHandle,
  SandboxClusterHandle,
];

describe('the shipped playbooks', () => {
  it('playbooks/sync.yml runs the seed-shaped vars files unchanged and converges', async (t) => {
    cleanupNamespace(t, sandbox.clusters, 'demo');
    await seedMaster(east, 'demo');
    const args = ['playbooks/sync.yml', '-i', sandbox.inventoryFile, '--output', 'json'];
    const first = await mcsyncPlay(args);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const c of [west, south]) {
      assert.equal(
        (await c.admin.get('/apis/image.openshift.io/v1/namespaces/demo/imagestreams/app')).status,
        200,
      );
      assert.equal((await c.admin.get('/api/v1/namespaces/demo/secrets/registry-dockercfg')).status, 200);
    }
    const second = await mcsyncPlay(args);
    assert.deepEqual(changedPerHost(second), { [east.name]: 0, [west.name]: 0, [south.name]: 0 });
  });

  it('the seed-shaped INI inventory (clusterhost, inline token) runs playbooks/sync.yml; tokens never print', async (t) => {
    cleanupNamespace(t, sandbox.clusters, 'demo');
    await seedMaster(east, 'demo');
    const tokens = await Promise.all(sandbox.clusters.map((c) => readFile(c.adminTokenFile, 'utf8')));
    const section = (c: SandboxClusterHandle, token: string): string =>
      `[${c.name}]\n${c.name}\n\n[${c.name}:vars]\nclusterhost=${c.apiUrl}\ntoken=${token.trim()}\nca_file=${c.caFile}\n`;
    const ini = [
      `[master:children]\n${east.name}\n`,
      `[slaves:children]\n${west.name}\n${south.name}\n`,
      ...sandbox.clusters.map((c, i) => section(c, tokens[i] ?? '')),
      '[all:vars]\noc=oc\n',
    ].join('\n');
    const dir = await project(t, { inventory: ini });
    const run = await mcsyncPlay(['playbooks/sync.yml', '-i', path.join(dir, 'inventory'), '-vvv']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`${west.name}\\s+: ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=0`),
    );
    for (const c of [west, south])
      assert.equal(
        (await c.admin.get('/apis/image.openshift.io/v1/namespaces/demo/imagestreams/app')).status,
        200,
      );
    for (const token of tokens) {
      assert.ok(
        !run.stdout.includes(token.trim()) && !run.stderr.includes(token.trim()),
        'a token was printed',
      );
    }
  });

  it('playbooks/apply.yml reports each object created, then unchanged', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'apply' });
    const dir = await project(t, {
      'cm.yml': {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'applied', namespace: ns },
        data: { a: '1' },
      },
    });
    const args = ['playbooks/apply.yml', '-i', sandbox.inventoryFile, '-e', `apply_manifests=${dir}/cm.yml`];
    const first = await mcsyncPlay([...args, '--output', 'json']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /created: ConfigMap apply-[0-9a-f]+\/applied/);
    const second = await mcsyncPlay([...args, '--output', 'json']);
    assert.match(second.stdout, /unchanged: ConfigMap apply-[0-9a-f]+\/applied/);
    assert.deepEqual(changedPerHost(second), { [east.name]: 0, [west.name]: 0, [south.name]: 0 });
  });

  it('playbooks/apply.yml with apply_prune deletes only the set members the manifests dropped', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'prune' });
    const cm = (name: string): Record<string, unknown> => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: ns },
      data: { name },
    });
    const both = await project(t, { 'a.yml': cm('a'), 'b.yml': cm('b') });
    const onlyA = await project(t, { 'a.yml': cm('a') });
    const play = (dir: string, ...extra: string[]): Promise<PlayRun> =>
      mcsyncPlay([
        'playbooks/apply.yml',
        '-i',
        sandbox.inventoryFile,
        '--limit',
        west.name,
        '-e',
        `apply_manifests=${dir}`,
        '-e',
        `apply_set=${ns}`,
        '-e',
        'apply_prune=true',
        '--output',
        'json',
        ...extra,
      ]);
    assert.equal((await play(both)).code, 0);
    // Someone else's ConfigMap in the same namespace, with the set's label but not mcsync's mark.
    ok(
      await west.admin.apply(`/api/v1/namespaces/${ns}/configmaps/foreign`, {
        ...cm('foreign'),
        metadata: { name: 'foreign', namespace: ns, labels: { 'mcsync.io/apply-set': ns } },
      }),
      'foreign',
    );
    const check = await play(onlyA, '--check');
    assert.match(check.stdout, new RegExp(`pruned: ConfigMap ${ns}/b`));
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/b`)).status, 200);

    const pruned = await play(onlyA);
    assert.equal(pruned.code, 0, pruned.stdout + pruned.stderr);
    assert.match(pruned.stdout, new RegExp(`unchanged: ConfigMap ${ns}/a; pruned: ConfigMap ${ns}/b`));
    assert.deepEqual(changedPerHost(pruned), { [west.name]: 1 });
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/b`)).status, 404);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/a`)).status, 200);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/foreign`)).status, 200);
    assert.deepEqual(changedPerHost(await play(onlyA)), { [west.name]: 0 });
  });

  it('playbooks/exchange-secrets.yml copies every cluster’s secret to every other, named by origin', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'peer' });
    for (const c of sandbox.clusters)
      ok(
        await c.admin.apply(`/api/v1/namespaces/${ns}/secrets/peer-token`, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'peer-token', namespace: ns },
          stringData: { token: `token-of-${c.name}` },
        }),
        c.name,
      );
    const run = await mcsyncPlay([
      'playbooks/exchange-secrets.yml',
      '-i',
      sandbox.inventoryFile,
      '--output',
      'json',
      '-e',
      `exchange_namespace=${ns}`,
    ]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const target of sandbox.clusters)
      for (const origin of sandbox.clusters.filter((c) => c !== target)) {
        const res = await target.admin.get(`/api/v1/namespaces/${ns}/secrets/${origin.name}-peer-token`);
        assert.equal(res.status, 200, `${origin.name} -> ${target.name}`);
        const data = (res.json as { data: Record<string, string> }).data;
        assert.equal(Buffer.from(data['token'] as string, 'base64').toString(), `token-of-${origin.name}`);
      }
  });
});
