// The watch wrapper in real pods: the image built from deploy/Containerfile, pushed to the master's
// sandbox registry and pulled by the sandbox nodes' containerd with a pull Secret, deployed by
// playbooks/deploy-observer.yml (two leader-elected replicas), syncing an ImageStream from the
// master to both slaves, handing the Lease over when the leader's pod is deleted, and held to its
// role's access. Needs root, containerd, runc, the CNI plugins and buildah (CI installs them).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { kubeApi, ok } from '../../support/kube-api.ts';
import {
  brokenCopy,
  buildAndPushImage,
  createPullSecret,
  deleteCopy,
  deployObserver,
  handOverState,
  isReady,
  lease,
  leaseHolder,
  NS,
  observerPods,
  podLog,
  waitFor,
  type Pod,
} from './observer-pods.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3, node: true });
const [east, west, south] = sandbox.clusters as [
  SandboxClusterHandle,
  SandboxClusterHandle,
  SandboxClusterHandle,
];
/** --lease-duration and --retry-period of mcsync observe (the Deployment keeps the defaults). */
const LEASE_DURATION_MS = 15_000;
const RETRY_PERIOD_MS = 2_000;

async function twoReadyPods(): Promise<Pod[]> {
  return waitFor(
    async () => {
      const pods = await observerPods(east);
      return pods.length === 2 && pods.every(isReady) ? pods : undefined;
    },
    240_000,
    async () =>
      JSON.stringify((await observerPods(east)).map((p) => ({ name: p.metadata.name, status: p.status }))),
  );
}

/** A new namespace `PREFIX-` and six hex digits on the master. */
async function newNamespace(prefix: string): Promise<string> {
  const ns = `${prefix}-${randomBytes(3).toString('hex')}`;
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
  ok(await east.admin.post('/api/v1/namespaces', namespace), 'ns');
  return ns;
}

async function annotatedStream(ns: string, tag: string): Promise<void> {
  ok(
    await east.admin.apply(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`, {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app', namespace: ns, annotations: { sync: 'me' }, labels: { tag } },
    }),
    'imagestream',
  );
}

async function onBothSlaves(ns: string, tag: string, timeoutMs: number): Promise<void> {
  for (const slave of [west, south]) {
    await waitFor(
      async () => {
        const res = await slave.admin.get(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`);
        return (
          res.status === 200 &&
          (res.json as { metadata: { labels?: Record<string, string> } }).metadata.labels?.tag === tag
        );
      },
      timeoutMs,
      async () => {
        const holder = await leaseHolder(east);
        const log = holder ? (await podLog(east, holder)).split('\n').slice(-40).join('\n') : '';
        return `ImageStream ${ns}/app with label tag=${tag} on ${slave.name}; leader ${holder || '(none)'} logged:\n${log}`;
      },
    );
  }
}

describe('the observer in real pods on the sandbox nodes', () => {
  let image = '';
  before(async () => {
    image = await buildAndPushImage(sandbox.dir);
    await createPullSecret(east);
    await deployObserver(sandbox, image);
  });

  it('pulls the image from the master registry and both replicas reach Ready through their probes; exactly one holds the Lease', async () => {
    const pods = await twoReadyPods();
    assert.ok(
      pods.every((p) => p.spec.nodeName),
      'scheduled by the scheduler',
    );
    assert.notEqual(
      pods[0]?.spec.nodeName,
      pods[1]?.spec.nodeName,
      'host ports keep the replicas on different nodes',
    );
    const holder = await waitFor(
      async () => leaseHolder(east),
      30_000,
      () => 'a Lease holder',
    );
    assert.equal(
      pods.filter((p) => p.metadata.name === holder).length,
      1,
      `holder ${holder} is one of the pods`,
    );
  });

  it('syncs an ImageStream annotated sync=me to both slaves from the leader pod (its log shows the run)', async () => {
    const ns = await newNamespace('pod');
    await annotatedStream(ns, 'one');
    await onBothSlaves(ns, 'one', 60_000);
    const leader = await leaseHolder(east);
    const log = await podLog(east, leader);
    assert.match(log, new RegExp(`${ns}/app`), log);
  });

  it('hands the Lease to the other replica when the leader pod is deleted; a change right after reaches both slaves; the new pod follows', async () => {
    const before = await twoReadyPods();
    const leader = await leaseHolder(east);
    const other = before.find((p) => p.metadata.name !== leader)?.metadata.name ?? '';
    const ns = await newNamespace('handover');
    const deletedAt = Date.now();
    ok(await east.admin.delete(`/api/v1/namespaces/${NS}/pods/${leader}`), 'delete leader');
    await annotatedStream(ns, 'after-delete');
    const took = await waitFor(
      async () => ((await leaseHolder(east)) === other ? Date.now() - deletedAt : undefined),
      LEASE_DURATION_MS + RETRY_PERIOD_MS + 5_000,
      async () =>
        `holder ${await leaseHolder(east)}, wanted ${other}, leader ${leader} deleted at ${new Date(deletedAt).toISOString()}\n${await handOverState(east, [leader, other])}`,
    );
    assert.ok(took <= LEASE_DURATION_MS + RETRY_PERIOD_MS, `took the Lease after ${took} ms`);
    await onBothSlaves(ns, 'after-delete', 60_000);
    const after = await twoReadyPods();
    const replacement = after.find((p) => p.metadata.name !== other);
    assert.ok(replacement && replacement.metadata.name !== leader, 'the ReplicaSet made a new pod');
    assert.equal(await leaseHolder(east), other, 'the new pod is a follower');
  });

  it('gives the pod identities the writes their derived roles need and no other (403)', async () => {
    const tokens = ok(
      await east.admin.get(`/api/v1/namespaces/${NS}/secrets/mcsync-observer-tokens`),
      'tokens',
    ).json as { data: Record<string, string> };
    const westToken = Buffer.from(tokens.data[west.name] ?? '', 'base64').toString('utf8');
    const asPodOnWest = kubeApi({ url: west.apiUrl, ca: west.ca, token: westToken });
    // Secrets are synced by playbooks/watch.yml (the pull secrets of vars/sync.yml's dockerpullsecret).
    const secret = await asPodOnWest.post(`/api/v1/namespaces/${NS}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pull-probe' },
      type: 'Opaque',
    });
    assert.equal(secret.status, 201, secret.text);
    ok(await west.admin.delete(`/api/v1/namespaces/${NS}/secrets/pull-probe`), 'cleanup');
    const forbidden = await asPodOnWest.post('/api/v1/namespaces/kube-system/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'nope' },
    });
    assert.equal(forbidden.status, 403, forbidden.text);
    const deployment = await asPodOnWest.post('/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nope' },
    });
    assert.equal(deployment.status, 403, deployment.text);
  });

  it('keeps a replica whose token has no access unready, with a log line naming the cause', async () => {
    // The same pod with the namespace's `default` service account: a token the master rejects for
    // ImageStreams. Without --leader-elect it lists at once (a standby would be ready by design).
    const name = 'mcsync-observer-badtoken';
    await brokenCopy(east, name, 11252, (spec) => {
      spec.template.spec.serviceAccountName = 'default';
      for (const c of spec.template.spec.containers) c.args = c.args.filter((a) => a !== '--leader-elect');
    });
    const pod = await waitFor(
      async () => (await observerPods(east, name))[0],
      60_000,
      () => `a pod of ${name}`,
    );
    const log = await waitFor(
      async () => {
        const text = await podLog(east, pod.metadata.name);
        return /forbidden|403/i.test(text) ? text : undefined;
      },
      120_000,
      async () => podLog(east, pod.metadata.name),
    );
    assert.match(log, /imagestreams/i, log);
    const now = (await observerPods(east, name))[0];
    assert.ok(now && !isReady(now), 'the readiness probe keeps it out');
    await deleteCopy(east, name);
  });

  it('crash-loops a replica whose mounted inventory has a bad key, never Ready, its log naming the file, line and key', async () => {
    // An operator's typo in the ConfigMap: `hostz:` for `hosts:`. mcsync observe refuses the
    // config before it listens (exit 4), so the kubelet restarts it with back-off
    // (CrashLoopBackOff) and `kubectl logs --previous` names the mistake.
    const name = 'mcsync-observer-badconfig';
    const config = ok(
      await east.admin.get(`/api/v1/namespaces/${NS}/configmaps/mcsync-observer-config`),
      'config',
    ).json as { data: Record<string, string> };
    const inventory = (config.data['inventory.yml'] ?? '').replace('hosts:', 'hostz:');
    ok(
      await east.admin.apply(`/api/v1/namespaces/${NS}/configmaps/${name}`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: NS },
        data: { ...config.data, 'inventory.yml': inventory },
      }),
      'broken config',
    );
    await brokenCopy(east, name, 11253, (spec) => {
      for (const v of spec.template.spec.volumes) if (v.configMap) v.configMap.name = name;
    });
    const pod = await waitFor(
      async () => {
        const found = (await observerPods(east, name))[0];
        const status = found?.status.containerStatuses?.[0];
        return status && status.restartCount >= 1 ? found : undefined;
      },
      180_000,
      async () => JSON.stringify((await observerPods(east, name))[0]?.status),
    );
    const status = pod.status.containerStatuses?.[0];
    assert.equal(status?.lastState?.['terminated']?.exitCode, 4, JSON.stringify(status));
    assert.ok(!isReady(pod), 'never Ready');
    const log = await podLog(east, pod.metadata.name, { previous: true });
    assert.match(log, /\/etc\/mcsync\/config\/inventory\.yml:\d+:\d+: unknown key 'hostz'/, log);
    assert.equal(await lease(east, name), undefined, 'it never got as far as electing');
    await deleteCopy(east, name);
    ok(await east.admin.delete(`/api/v1/namespaces/${NS}/configmaps/${name}`), 'cleanup');
  });

  it('leaves a replica whose image does not exist in the registry in ImagePullBackOff, as the kubelet reports, with no Lease taken', async () => {
    const name = 'mcsync-observer-badimage';
    const missing = `${image.replace(/:[^:/]+$/, '')}:does-not-exist`;
    await brokenCopy(east, name, 11254, (spec) => {
      for (const c of spec.template.spec.containers) c.image = missing;
    });
    const reasons = new Set<string>();
    const pod = await waitFor(
      async () => {
        const found = (await observerPods(east, name))[0];
        const reason = found?.status.containerStatuses?.[0]?.state?.['waiting']?.reason;
        if (reason) reasons.add(reason);
        return reason === 'ImagePullBackOff' ? found : undefined;
      },
      120_000,
      async () => JSON.stringify((await observerPods(east, name))[0]?.status),
    );
    assert.ok(reasons.has('ErrImagePull') || reasons.has('ImagePullBackOff'), [...reasons].join(','));
    const waiting = pod.status.containerStatuses?.[0]?.state?.['waiting'];
    assert.match(waiting?.message ?? '', /does-not-exist/, JSON.stringify(waiting));
    assert.ok(!isReady(pod), 'never Ready');
    assert.equal(await lease(east, name), undefined, 'no Lease is taken');
    assert.notEqual(await leaseHolder(east), pod.metadata.name, 'nor the shipped one');
    await deleteCopy(east, name);
  });
});
