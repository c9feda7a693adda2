// playbooks/deploy-observer.yml on the sandbox: the API servers validate every manifest of deploy/,
// the identities it creates have exactly the access the shipped watch playbook needs, and the
// container's entrypoint, run as a local process with the pod's config, identity and arguments,
// syncs an annotated ImageStream from the master to both slaves.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { freePorts } from '../../../src/sandbox/ports.ts';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { kubeApi, ok, type KubeApi } from '../../support/kube-api.ts';
import { changedPerHost, mcsyncPlay, repoRoot } from '../roles/helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const [east, west, south] = sandbox.clusters as [
  SandboxClusterHandle,
  SandboxClusterHandle,
  SandboxClusterHandle,
];
const NS = 'mcsync';

interface Deployment {
  spec: {
    replicas: number;
    template: {
      metadata: { annotations: Record<string, string> };
      spec: {
        serviceAccountName: string;
        securityContext: { runAsNonRoot: boolean };
        containers: {
          args: string[];
          livenessProbe: { httpGet: { path: string } };
          readinessProbe: { httpGet: { path: string } };
        }[];
      };
    };
  };
}

async function json<T>(api: KubeApi, apiPath: string): Promise<T> {
  return ok(await api.get(apiPath), apiPath).json as T;
}

/** A token for a service account on `cluster` (TokenRequest), as a client of that cluster. */
async function serviceAccountApi(cluster: SandboxClusterHandle, sa: string): Promise<KubeApi> {
  const res = ok(
    await cluster.admin.post(`/api/v1/namespaces/${NS}/serviceaccounts/${sa}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    }),
    'token request',
  );
  const token = (res.json as { status: { token: string } }).status.token;
  return kubeApi({ url: cluster.apiUrl, ca: cluster.ca, token });
}

describe('playbooks/deploy-observer.yml', () => {
  before(async () => {
    const run = await mcsyncPlay([
      'playbooks/deploy-observer.yml',
      '-i',
      sandbox.inventoryFile,
      '--output',
      'json',
    ]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });
  after(async () => {
    for (const c of sandbox.clusters) {
      await c.admin.delete(`/api/v1/namespaces/${NS}`);
      for (const name of ['mcsync-observer', 'mcsync-sync-target']) {
        await c.admin.delete(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`);
        await c.admin.delete(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}`);
      }
    }
    // Wait until the namespace is gone, so a later run does not write into a terminating one.
    for (const c of sandbox.clusters)
      await until(
        async () => (await c.admin.get(`/api/v1/namespaces/${NS}`)).status === 404,
        30_000,
        () => NS,
      );
  });

  it('is idempotent and never prints a token', async () => {
    const run = await mcsyncPlay(['playbooks/deploy-observer.yml', '-i', sandbox.inventoryFile, '-v']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`${east.name}\\s+: ok=3\\s+changed=0`));
    const tokens = await json<{ data: Record<string, string> }>(
      east.admin,
      `/api/v1/namespaces/${NS}/secrets/mcsync-observer-tokens`,
    );
    assert.deepEqual(Object.keys(tokens.data).sort(), [south.name, west.name].sort());
    for (const encoded of Object.values(tokens.data)) {
      const token = Buffer.from(encoded, 'base64').toString('utf8');
      assert.ok(token.length > 20 && !run.stdout.includes(token) && !run.stderr.includes(token));
    }
    const again = await mcsyncPlay([
      'playbooks/deploy-observer.yml',
      '-i',
      sandbox.inventoryFile,
      '--output',
      'json',
    ]);
    assert.deepEqual(changedPerHost(again), { [east.name]: 0, [west.name]: 0, [south.name]: 0 });
  });

  it('runs two leader-elected replicas, non-root, with probes on the health endpoints and scrape annotations', async () => {
    const deployment = await json<Deployment>(
      east.admin,
      `/apis/apps/v1/namespaces/${NS}/deployments/mcsync-observer`,
    );
    const pod = deployment.spec.template;
    const container = pod.spec.containers[0];
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(pod.spec.serviceAccountName, 'mcsync-observer');
    assert.equal(pod.spec.securityContext.runAsNonRoot, true);
    assert.ok(container?.args.includes('--leader-elect'));
    assert.equal(container?.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container?.readinessProbe.httpGet.path, '/healthz/ready');
    assert.equal(pod.metadata.annotations['prometheus.io/scrape'], 'true');
  });

  it('gives the slaves’ token the access derived from playbooks/watch.yml: the synced kinds only', async () => {
    const tokens = await json<{ data: Record<string, string> }>(
      east.admin,
      `/api/v1/namespaces/${NS}/secrets/mcsync-observer-tokens`,
    );
    const token = Buffer.from(tokens.data[west.name] ?? '', 'base64').toString('utf8');
    const asObserver = kubeApi({ url: west.apiUrl, ca: west.ca, token });
    assert.equal((await asObserver.get('/apis/image.openshift.io/v1/imagestreams')).status, 200);
    // Pull secrets are synced (dockerpullsecret in vars/sync.yml): Secrets are written, not watched.
    assert.equal((await asObserver.get('/api/v1/secrets')).status, 200);
    assert.equal((await asObserver.get('/api/v1/secrets?watch=true&timeoutSeconds=1')).status, 403);
    assert.equal((await asObserver.get('/api/v1/configmaps')).status, 403);
    assert.equal((await asObserver.get('/apis/apps/v1/deployments')).status, 403);
    const rules = await json<{ rules: { resources: string[]; verbs: string[] }[] }>(
      west.admin,
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/mcsync-sync-target',
    );
    assert.deepEqual(
      rules.rules.map((r) => `${r.resources.join(',')}:${r.verbs.join(',')}`),
      [
        'namespaces,secrets:get,list,create,patch',
        'serviceaccounts:get,create,patch',
        'imagestreams:get,list,create,patch,delete',
      ],
    );
  });

  it('lets the observer read, not write, on the master only what its playbook reads, and hold its Lease', async () => {
    const asObserver = await serviceAccountApi(east, 'mcsync-observer');
    assert.equal((await asObserver.get('/apis/image.openshift.io/v1/imagestreams?watch=false')).status, 200);
    assert.equal((await asObserver.get('/api/v1/secrets')).status, 200, 'the pull secrets k8s_sync copies');
    assert.equal((await asObserver.get('/api/v1/configmaps')).status, 403);
    const write = await asObserver.post('/apis/image.openshift.io/v1/namespaces/default/imagestreams', {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'nope' },
    });
    assert.equal(write.status, 403);
    assert.equal((await asObserver.get(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`)).status, 403);
    assert.equal(
      (await asObserver.get(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/mcsync-observe`)).status,
      404,
      'get is allowed (the Lease does not exist yet)',
    );
  });

  it('fails at deploy time, naming the file, task and key, when a kind of the watch playbook cannot be known; nothing is deployed', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-watch-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const playbook = path.join(dir, 'watch.yml');
    await writeFile(
      playbook,
      [
        '- hosts: slaves',
        '  gather_facts: false',
        '  tasks:',
        '    - name: Sync the chosen kind',
        '      k8s_sync:',
        '        objects: [{ kind: "{{ sync_kind }}", names: ["{{ observed.name }}"] }]',
        '',
      ].join('\n'),
    );
    const run = await mcsyncPlay([
      'playbooks/deploy-observer.yml',
      '-i',
      sandbox.inventoryFile,
      '-e',
      JSON.stringify({ observer_playbook: playbook, observer_replicas: 1 }),
    ]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const output = run.stdout + run.stderr;
    assert.ok(output.includes(`${playbook}:4:7`), output);
    assert.match(
      output,
      /task 'Sync the chosen kind': k8s_sync\.objects\[0\]\.kind .*undefined variable 'sync_kind'; give it in .*vars\/sync\.yml/,
    );
    const deployment = await json<Deployment>(
      east.admin,
      `/apis/apps/v1/namespaces/${NS}/deployments/mcsync-observer`,
    );
    assert.equal(deployment.spec.replicas, 2, 'the master play did not run');
  });

  it('the container entrypoint, run locally with the pod’s config and identity, syncs an annotated ImageStream', async (t) => {
    const pod = await podFilesystem(t);
    const ns = await sandbox.namespace(t, { prefix: 'deploy', clusters: [east.name] });
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/mcsync-observe.js'), ...pod.args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    t.after(() => child.kill('SIGKILL'));

    await until(
      async () =>
        (await fetch(`http://127.0.0.1:${pod.port}/healthz/ready`).catch(() => undefined))?.ok === true,
      20_000,
      () => output,
    );
    ok(
      await east.admin.apply(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`, {
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStream',
        metadata: { name: 'app', namespace: ns, annotations: { sync: 'me' } },
        spec: { lookupPolicy: { local: false } },
      }),
      'imagestream',
    );
    for (const slave of [west, south]) {
      t.after(() => slave.admin.delete(`/api/v1/namespaces/${ns}`));
      await until(
        async () =>
          (await slave.admin.get(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`)).status ===
          200,
        15_000,
        () => output,
      );
    }
    const lease = await json<{ spec: { holderIdentity: string } }>(
      east.admin,
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/mcsync-observe`,
    );
    assert.equal(lease.spec.holderIdentity, 'mcsync-observer-abc12');
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    const released = await json<{ spec: { holderIdentity?: string } }>(
      east.admin,
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/mcsync-observe`,
    );
    assert.ok(!released.spec.holderIdentity, 'the Lease is released on SIGTERM');
  });
});

async function until(check: () => Promise<boolean>, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`condition not met within ${timeoutMs} ms\n${context()}`);
}

/**
 * What the kubelet would give the pod, as local files: the ConfigMap and Secret mounted where the
 * Deployment mounts them, the service account token (TokenRequest) and CA. The in-cluster address
 * of the master is the only thing rewritten (no cluster DNS here); /etc/mcsync and /app map to a
 * temporary directory and the repository.
 */
async function podFilesystem(t: {
  after(fn: () => Promise<void>): void;
}): Promise<{ args: string[]; port: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-pod-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = await json<{ data: Record<string, string> }>(
    east.admin,
    `/api/v1/namespaces/${NS}/configmaps/mcsync-observer-config`,
  );
  const secret = await json<{ data: Record<string, string> }>(
    east.admin,
    `/api/v1/namespaces/${NS}/secrets/mcsync-observer-tokens`,
  );
  for (const sub of ['config', 'ca', 'tokens', 'serviceaccount']) await mkdir(path.join(dir, sub));
  for (const [key, value] of Object.entries(config.data)) await writeFile(path.join(dir, 'ca', key), value);
  for (const [key, value] of Object.entries(secret.data))
    await writeFile(path.join(dir, 'tokens', key), Buffer.from(value, 'base64'), { mode: 0o400 });
  const sa = await serviceAccountApi(east, 'mcsync-observer');
  await writeFile(path.join(dir, 'serviceaccount/token'), sa.target.token ?? '', { mode: 0o400 });
  await writeFile(path.join(dir, 'serviceaccount/ca.crt'), east.ca);
  const inventoryText = (config.data['inventory.yml'] ?? '')
    .replaceAll('https://kubernetes.default.svc', east.apiUrl)
    .replaceAll('/var/run/secrets/kubernetes.io/serviceaccount', path.join(dir, 'serviceaccount'))
    .replaceAll('/etc/mcsync', dir);
  assert.ok(parse(inventoryText), 'the inventory in the ConfigMap is YAML');
  await writeFile(path.join(dir, 'config/inventory.yml'), inventoryText);
  for (const key of ['playbook-vars.yml', 'vars.yml'])
    await writeFile(path.join(dir, 'config', key), stringify(parse(config.data[key] ?? '')));
  const deployment = await json<Deployment>(
    east.admin,
    `/apis/apps/v1/namespaces/${NS}/deployments/mcsync-observer`,
  );
  const [port = 0] = await freePorts(1);
  const args = (deployment.spec.template.spec.containers[0]?.args ?? []).map((arg) =>
    arg
      .replaceAll('/etc/mcsync', dir)
      .replaceAll('/app/', `${repoRoot}/`)
      .replaceAll('$(POD_NAME)', 'mcsync-observer-abc12')
      .replace(/^:11251$/, `127.0.0.1:${port}`),
  );
  return { args, port };
}
