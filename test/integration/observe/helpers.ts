// Helpers for the observe integration tests: ImageStreams on sandbox clusters, and the observer
// helpers of test/support/observer.ts re-exported for the suites that import them from here.
import { sandboxClusters } from '../../support/clusters.ts';
import type { Hooks, SandboxClusterHandle, SandboxFixture } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { cleanupNamespace } from '../../support/namespaces.ts';
import { startReadyObserver, waitFor } from '../../support/observer.ts';
import type { ReadyObserver } from '../../support/observer.ts';

export {
  freePort,
  readiness,
  readLines,
  REPO,
  scripts,
  startObserver,
  startReadyObserver,
  waitFor,
} from '../../support/observer.ts';
export type { Observer, ReadyObserver } from '../../support/observer.ts';

/** The observe suites' three sandbox clusters: `east` the master, `west` and `south` the slaves. */
export interface ObserveSandbox {
  sandbox: SandboxFixture;
  east: SandboxClusterHandle;
  west: SandboxClusterHandle;
  south: SandboxClusterHandle;
  /** `[west, south]`. */
  slaves: SandboxClusterHandle[];
}

/** `sandboxClusters(hooks, { clusters: 3 })` with its clusters by role; call once at file level. */
export async function observeSandbox(hooks: Hooks): Promise<ObserveSandbox> {
  const sandbox = await sandboxClusters(hooks, { clusters: 3 });
  const west = sandbox.cluster('west');
  const south = sandbox.cluster('south');
  return { sandbox, east: sandbox.cluster('east'), west, south, slaves: [west, south] };
}

/**
 * The set-up of the watch-mode playbook suites: a fresh namespace on the master `east` (also
 * deleted after `t` from `targets`, where the playbook creates it) and a ready observer of its
 * ImageStreams running `playbook` (default playbooks/watch.yml) over `inventory` (default the
 * sandbox inventory), with `args` after those.
 */
export async function observeImageStreams(
  t: Hooks,
  sandbox: SandboxFixture,
  targets: readonly SandboxClusterHandle[],
  options: { playbook?: string; inventory?: string; args?: string[]; cwd?: string } = {},
): Promise<{ ns: string; obs: ReadyObserver }> {
  const ns = await sandbox.namespace(t, { clusters: ['east'] });
  cleanupNamespace(t, targets, ns);
  const playbook = options.playbook ?? 'playbooks/watch.yml';
  const inventory = options.inventory ?? sandbox.inventoryFile;
  const obs = await startReadyObserver(
    t,
    ['imagestreams', '-n', ns, '-i', inventory, '--playbook', playbook, ...(options.args ?? [])],
    { ...(options.cwd !== undefined && { cwd: options.cwd }) },
  );
  return { ns, obs };
}

export async function putImageStream(
  c: SandboxClusterHandle,
  namespace: string,
  name: string,
  annotations: Record<string, string> = {},
): Promise<void> {
  const path = `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`;
  const body = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace, annotations },
    spec: {},
  };
  const existing = await c.admin.get(`${path}/${name}`);
  if (existing.status === 200) {
    const current = existing.json as { metadata: { resourceVersion: string } };
    ok(
      await c.admin.put(`${path}/${name}`, {
        ...body,
        metadata: { ...body.metadata, resourceVersion: current.metadata.resourceVersion },
      }),
      `update ${name}`,
    );
  } else ok(await c.admin.post(path, body), `create ${name}`);
}

export async function imageStreamStatus(
  c: SandboxClusterHandle,
  namespace: string,
  name: string,
): Promise<number> {
  return (await c.admin.get(`/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/${name}`))
    .status;
}

/**
 * Waits until ImageStream `name` in `namespace` answers `status` (default 200: it is there) on each
 * of `clusters` in turn, each within `timeoutMs`; `what` names the wait on one cluster in the
 * timeout error (default `NAME on CLUSTER`).
 */
export async function waitForImageStream(
  clusters: readonly SandboxClusterHandle[],
  namespace: string,
  name: string,
  timeoutMs: number,
  options: { status?: number; what?: (c: SandboxClusterHandle) => string } = {},
): Promise<void> {
  for (const c of clusters)
    await waitFor(
      options.what?.(c) ?? `${name} on ${c.name}`,
      async () => (await imageStreamStatus(c, namespace, name)) === (options.status ?? 200),
      timeoutMs,
    );
}

/** The ImageStreams in `namespace` on `c`: their mcsync origin cluster (if mcsync wrote them) and version. */
export async function streamsOn(
  c: SandboxClusterHandle,
  namespace: string,
): Promise<Map<string, { origin: string | undefined; resourceVersion: string }>> {
  const list = ok(
    await c.admin.get(`/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`),
    `list imagestreams on ${c.name}`,
  ).json as {
    items: {
      metadata: {
        name: string;
        resourceVersion: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
    }[];
  };
  return new Map(
    list.items.map(({ metadata: m }) => [
      m.name,
      {
        origin:
          m.labels?.['app.kubernetes.io/managed-by'] === 'mcsync'
            ? m.annotations?.['mcsync.io/origin-cluster']
            : undefined,
        resourceVersion: m.resourceVersion,
      },
    ]),
  );
}

/** The value of one series in Prometheus text (`name{labels} value`), undefined when absent. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/**
 * The start of `mcsync observe`'s arguments for the shipped watch path: ImageStreams in `scope`
 * (`['-n', ns]` or `['-A']`) synced to the slaves by playbooks/watch.yml when annotated sync=me.
 */
export function watchPlaybookArgs(inventory: string, scope: readonly string[]): string[] {
  return [
    'imagestreams',
    ...scope,
    '-i',
    inventory,
    '--playbook',
    'playbooks/watch.yml',
    '--when-annotation',
    'sync=me',
  ];
}
