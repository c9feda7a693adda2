// Helpers for the observer-in-a-pod tests: the image built and pushed to the master's sandbox
// registry, its pull Secret, the shipped playbook with the sandbox-only settings, and reading
// pods, their logs and the Lease through the master's API.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { SandboxClusterHandle, SandboxFixture } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { mcsyncPlay, repoRoot } from '../roles/helpers.ts';

export const NS = 'mcsync';
export const LEASE = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/mcsync-observe`;
export const PULL_SECRET = 'mcsync-pull';

/** The parts of the observer Deployment's spec the broken copies change. */
export interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: {
    metadata: { labels: Record<string, string> };
    spec: {
      serviceAccountName: string;
      containers: {
        image: string;
        args: string[];
        ports: { containerPort: number; hostPort?: number }[];
      }[];
      volumes: { name: string; configMap?: { name: string } }[];
    };
  };
}

/**
 * A one-replica copy `name` of the shipped Deployment, changed by `change` (the thing that is
 * wrong), listening on `port` (host networking: the real replicas hold 11251 on both nodes) and
 * electing on its own Lease `name`, so a copy that ever ran would show in that Lease.
 */
export async function brokenCopy(
  master: SandboxClusterHandle,
  name: string,
  port: number,
  change: (spec: DeploymentSpec) => void,
): Promise<void> {
  const current = ok(
    await master.admin.get(`/apis/apps/v1/namespaces/${NS}/deployments/mcsync-observer`),
    'deployment',
  ).json as { spec: DeploymentSpec };
  const labels = { 'app.kubernetes.io/name': name };
  const spec = structuredClone(current.spec);
  spec.replicas = 1;
  spec.selector = { matchLabels: labels };
  spec.template.metadata.labels = labels;
  for (const c of spec.template.spec.containers) {
    c.args = c.args.map((a) => a.replace(':11251', `:${port}`));
    c.args.push('--lease-name', name);
    for (const p of c.ports) Object.assign(p, { containerPort: port, hostPort: port });
  }
  change(spec);
  ok(
    await master.admin.apply(`/apis/apps/v1/namespaces/${NS}/deployments/${name}`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NS },
      spec,
    }),
    `deployment ${name}`,
  );
}

/** Deletes a broken copy and waits until its pods are gone (they hold host ports). */
export async function deleteCopy(master: SandboxClusterHandle, name: string): Promise<void> {
  await master.admin.delete(`/apis/apps/v1/namespaces/${NS}/deployments/${name}`);
  await waitFor(
    async () => (await observerPods(master, name)).length === 0,
    90_000,
    () => `pods of ${name} gone`,
  );
}

/** A pod as far as the tests read it. */
export interface Pod {
  metadata: { name: string; uid: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      ready: boolean;
      restartCount: number;
      state?: Record<string, { reason?: string; message?: string; exitCode?: number }>;
      lastState?: Record<string, { reason?: string; message?: string; exitCode?: number }>;
    }[];
  };
}

/** Builds the image (scripts/build-image.sh --sandbox) and returns the reference it printed last. */
export async function buildAndPushImage(sandboxDir: string): Promise<string> {
  const { stdout } = await promisify(execFile)('scripts/build-image.sh', ['--sandbox', sandboxDir], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ref = stdout.trim().split('\n').pop() ?? '';
  if (!/^127\.0\.0\.1:\d+\/mcsync\/observer:/.test(ref)) throw new Error(`build-image.sh printed ${ref}`);
  return ref;
}

/** The namespace and a kubernetes.io/dockerconfigjson pull Secret for the master's registry. */
export async function createPullSecret(master: SandboxClusterHandle): Promise<void> {
  ok(
    await master.admin.apply(`/api/v1/namespaces/${NS}`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NS },
    }),
    'namespace',
  );
  const auth = Buffer.from(`${master.registryUsername}:${master.registryPassword}`).toString('base64');
  const config = { auths: { [master.registry]: { auth } } };
  ok(
    await master.admin.apply(`/api/v1/namespaces/${NS}/secrets/${PULL_SECRET}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: PULL_SECRET, namespace: NS },
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
    }),
    'pull secret',
  );
}

/** The sandbox-only settings: host networking, the master by its inventory address, the pull Secret. */
export function sandboxExtraVars(master: SandboxClusterHandle, image: string): string {
  return JSON.stringify({
    observer_image: image,
    observer_host_network: true,
    observer_listen_addr: '$(POD_IP):11251',
    observer_master_api_url: master.apiUrl,
    observer_image_pull_secret: PULL_SECRET,
  });
}

/** Runs playbooks/deploy-observer.yml as a user would, with the sandbox settings. */
export async function deployObserver(sandbox: SandboxFixture, image: string): Promise<void> {
  const master = sandbox.clusters[0];
  if (!master) throw new Error('no master');
  const run = await mcsyncPlay([
    'playbooks/deploy-observer.yml',
    '-i',
    sandbox.inventoryFile,
    '-e',
    sandboxExtraVars(master, image),
  ]);
  if (run.code !== 0) throw new Error(`deploy-observer.yml exited ${run.code}\n${run.stdout}\n${run.stderr}`);
}

/** The observer's pods, those being deleted included. */
async function allObserverPods(master: SandboxClusterHandle, app = 'mcsync-observer'): Promise<Pod[]> {
  const res = ok(
    await master.admin.get(`/api/v1/namespaces/${NS}/pods?labelSelector=app.kubernetes.io/name=${app}`),
    'pods',
  );
  return (res.json as { items: Pod[] }).items ?? [];
}

/** The observer's pods that are not being deleted. */
export async function observerPods(master: SandboxClusterHandle, app = 'mcsync-observer'): Promise<Pod[]> {
  return (await allObserverPods(master, app)).filter((p) => !p.metadata.deletionTimestamp);
}

/** True when the pod's Ready condition (its readiness probe) is True. */
export function isReady(pod: Pod): boolean {
  return (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The Lease's holder, or '' when nobody holds it. */
export async function leaseHolder(master: SandboxClusterHandle): Promise<string> {
  const res = await master.admin.get(LEASE);
  return res.status === 200
    ? ((res.json as { spec: { holderIdentity?: string } }).spec.holderIdentity ?? '')
    : '';
}

/**
 * The container log of a pod, through the API server and the pod's kubelet; `previous`: the
 * container that ran before the current one (`kubectl logs --previous`, after a crash);
 * `timestamps` and `tailLines` as in `kubectl logs --timestamps --tail`.
 */
export async function podLog(
  master: SandboxClusterHandle,
  pod: string,
  options: { previous?: boolean; timestamps?: boolean; tailLines?: number } = {},
): Promise<string> {
  const query = new URLSearchParams();
  if (options.previous) query.set('previous', 'true');
  if (options.timestamps) query.set('timestamps', 'true');
  if (options.tailLines !== undefined) query.set('tailLines', String(options.tailLines));
  const res = await master.admin.get(
    `/api/v1/namespaces/${NS}/pods/${pod}/log${query.size ? `?${query}` : ''}`,
  );
  return res.status === 200 ? res.text : `(HTTP ${res.status}: ${res.text.slice(0, 200)})`;
}

/**
 * What a failed hand-over leaves to read: the Lease record, every observer pod (being deleted or
 * not) with its phase and container states, and the timestamped log of each pod named, so a CI
 * failure shows whether SIGTERM came late, the run in flight was slow or the follower could not take
 * the Lease.
 */
export async function handOverState(master: SandboxClusterHandle, pods: readonly string[]): Promise<string> {
  const lines: string[] = [];
  const leaseRes = await master.admin.get(LEASE);
  lines.push(
    `lease: ${leaseRes.status === 200 ? JSON.stringify((leaseRes.json as { spec: unknown }).spec) : leaseRes.status}`,
  );
  const listed = await allObserverPods(master).catch((error: unknown) => {
    lines.push(`pods: ${String(error)}`);
    return [];
  });
  for (const pod of listed)
    lines.push(
      `pod ${pod.metadata.name}: deletionTimestamp ${pod.metadata.deletionTimestamp ?? '-'}, phase ${pod.status.phase ?? '-'}, ready ${isReady(pod)}, containers ${JSON.stringify(pod.status.containerStatuses?.map((c) => c.state) ?? [])}`,
    );
  for (const pod of pods)
    lines.push(`log of ${pod}:\n${await podLog(master, pod, { timestamps: true, tailLines: 40 })}`);
  return lines.join('\n');
}

/** The Lease `name` in the observer's namespace, or undefined when it does not exist. */
export async function lease(
  master: SandboxClusterHandle,
  name: string,
): Promise<{ spec: { holderIdentity?: string } } | undefined> {
  const res = await master.admin.get(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/${name}`);
  return res.status === 200 ? (res.json as { spec: { holderIdentity?: string } }) : undefined;
}

/** Polls `check` every 250 ms until it returns a value; throws with `context()` after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  context: () => Promise<string> | string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await context()}`);
    await sleep(250);
  }
}
