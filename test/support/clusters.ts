// Test fixture: real sandbox clusters for integration suites.
//
// One sandbox per test process by default (a few seconds to start once the
// binary is built), in a temporary directory, torn down by an `after` hook even
// when tests fail, and by an exit handler if the process dies first. When the
// test runner's global setup (test/support/global-setup.ts) has started a
// shared sandbox, MCSYNC_TEST_SANDBOX_DIR points at it and every file reuses it
// instead; the global teardown stops it.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clusterTargets, registryHost } from '../../src/sandbox/cluster-handle.ts';
import { runFault, type FaultAction } from '../../src/sandbox/faults.ts';
import { sandboxLayout } from '../../src/sandbox/layout.ts';
import { sandboxDown, sandboxUp } from '../../src/sandbox/sandbox.ts';
import { readState, type SandboxState } from '../../src/sandbox/state.ts';
import { sandboxStatus } from '../../src/sandbox/status.ts';
import { kubeApi, ok, type KubeApi } from './kube-api.ts';

export interface SandboxClusterHandle {
  name: string;
  apiUrl: string;
  /** PEM of the sandbox CA. */
  ca: string;
  caFile: string;
  /** Folder with only ca.crt in it: `skopeo --cert-dir`. */
  certDir: string;
  admin: KubeApi;
  viewer: KubeApi;
  adminTokenFile: string;
  viewerTokenFile: string;
  /** host:port */
  registry: string;
  registryUsername: string;
  registryPassword: string;
  registryPasswordFile: string;
  /** Basic-auth HTTPS client for the registry API. */
  registryApi: KubeApi;
  etcdPort: number;
}

export interface SandboxFixture {
  dir: string;
  inventoryFile: string;
  kubeconfigFile: string;
  registryAuthFile: string;
  kubernetesVersion: string;
  clusters: SandboxClusterHandle[];
  cluster(name: string): SandboxClusterHandle;
  /** Creates a namespace with a unique name on every cluster (or the ones named) and deletes it after `t`. */
  namespace(t: Hooks, options?: { prefix?: string; clusters?: string[] }): Promise<string>;
  /** Fault hooks: stop, start, kill, pause, resume, compact. */
  fault(action: FaultAction, name: string, options?: { registry?: boolean }): Promise<string>;
}

/** Anything with an `after` hook: a TestContext, or `{ after }` from node:test at file level. */
export interface Hooks {
  after(fn: () => Promise<void> | void): void;
}

export interface SandboxClustersOptions {
  clusters?: number;
  openshiftProjects?: boolean;
  /** Real nodes for the master (`up --node`): an own sandbox, never the shared one. */
  node?: boolean;
}

async function sharedSandbox(wanted: number): Promise<string | null> {
  const dir = process.env.MCSYNC_TEST_SANDBOX_DIR;
  if (!dir) return null;
  const state = await readState(sandboxLayout(dir).stateFile);
  if (!state || state.clusters.length < wanted) return null;
  const rows = await sandboxStatus(dir);
  return rows.every((r) => r.apiserver.healthy && r.registry.healthy) ? dir : null;
}

/**
 * Last-resort cleanup if the test process exits without running its `after`
 * hooks: SIGKILL every pid recorded in DIR/state.json (read at exit time, so
 * processes restarted by fault hooks are covered too).
 */
export function killOnExit(dir: string): () => void {
  const handler = (): void => {
    let state: SandboxState;
    try {
      state = JSON.parse(readFileSync(sandboxLayout(dir).stateFile, 'utf8')) as SandboxState;
    } catch {
      return;
    }
    const nodes = (state.nodes ?? []).flatMap((n) => [n.kubelet, n.containerd]);
    for (const p of [...state.clusters.flatMap((c) => [c.apiserver, c.registry]), ...nodes]) {
      try {
        if (p) process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', handler);
  return () => process.off('exit', handler);
}

async function handle(dir: string, state: SandboxState, name: string): Promise<SandboxClusterHandle> {
  const record = state.clusters.find((c) => c.name === name);
  if (!record) throw new Error(`no cluster ${name}`);
  const targets = await clusterTargets(dir, record);
  const layout = sandboxLayout(dir);
  return {
    name,
    apiUrl: targets.admin.url,
    ca: targets.admin.ca,
    caFile: layout.caCert,
    certDir: layout.certDir,
    admin: kubeApi(targets.admin),
    viewer: kubeApi(targets.viewer),
    adminTokenFile: record.adminTokenFile,
    viewerTokenFile: record.viewerTokenFile,
    registry: registryHost(record),
    registryUsername: record.registryUsername,
    registryPassword: targets.registry.basic?.password ?? '',
    registryPasswordFile: record.registryPasswordFile,
    registryApi: kubeApi(targets.registry),
    etcdPort: record.etcdPort,
  };
}

/**
 * Gives a test file N real clusters (default 3: east, west, south) with
 * registries. Call once at file level: `await sandboxClusters({ after }, { clusters: 3 })`.
 */
export async function sandboxClusters(
  hooks: Hooks,
  options: SandboxClustersOptions = {},
): Promise<SandboxFixture> {
  const wanted = options.clusters ?? 3;
  let dir = options.openshiftProjects || options.node ? null : await sharedSandbox(wanted);
  if (!dir) {
    dir = await mkdtemp(path.join(tmpdir(), 'mcsync-sandbox-'));
    const ownDir = dir;
    const forget = killOnExit(ownDir);
    hooks.after(async () => {
      await sandboxDown(ownDir, true);
      forget();
    });
    await sandboxUp({
      dir,
      clusters: wanted,
      openshiftProjects: options.openshiftProjects ?? false,
      node: options.node ?? false,
    });
  }
  const sandboxDir = dir;
  const state = await readState(sandboxLayout(sandboxDir).stateFile);
  if (!state) throw new Error(`sandbox in ${sandboxDir} has no state`);
  const clusters = await Promise.all(
    state.clusters.slice(0, wanted).map((c) => handle(sandboxDir, state, c.name)),
  );
  const layout = sandboxLayout(sandboxDir);
  const byName = (name: string): SandboxClusterHandle => {
    const found = clusters.find((c) => c.name === name);
    if (!found) throw new Error(`no sandbox cluster named ${name}`);
    return found;
  };
  return {
    dir: sandboxDir,
    inventoryFile: layout.inventoryFile,
    kubeconfigFile: layout.kubeconfigFile,
    registryAuthFile: layout.registryAuthFile,
    kubernetesVersion: state.kubernetesVersion,
    clusters,
    cluster: byName,
    async namespace(t, nsOptions = {}) {
      const name = `${nsOptions.prefix ?? 'test'}-${randomBytes(4).toString('hex')}`;
      const targets = (nsOptions.clusters ?? clusters.map((c) => c.name)).map(byName);
      await Promise.all(
        targets.map(async (c) =>
          ok(
            await c.admin.post('/api/v1/namespaces', {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name },
            }),
            `create namespace ${name} on ${c.name}`,
          ),
        ),
      );
      t.after(async () => {
        await Promise.all(
          targets.map((c) => c.admin.delete(`/api/v1/namespaces/${name}`).catch(() => undefined)),
        );
      });
      return name;
    },
    fault: (action, name, faultOptions = {}) =>
      runFault({ dir: sandboxDir, name, action, registry: faultOptions.registry ?? false }),
  };
}

/** Reads a token or password file (tests pass files to the CLI and raw values to HTTP). */
export async function readTokenFile(file: string): Promise<string> {
  return (await readFile(file, 'utf8')).trim();
}
