import { mkdir, rm, writeFile } from 'node:fs/promises';
import { clusterBinaryCached, ensureClusterBinary } from './binary.ts';
import { renderInventory, renderKubeconfig, type ClusterEndpoint } from './client-files.ts';
import { apiUrl, registryHost } from './cluster-handle.ts';
import { SandboxUsageError } from './errors.ts';
import { clusterLayout, sandboxLayout, type SandboxLayout } from './layout.ts';
import { readyCluster, startMissing, stopCluster } from './lifecycle.ts';
import { clusterNames } from './names.ts';
import { ensurePki } from './pki.ts';
import { freePorts } from './ports.ts';
import { checkPrerequisites } from './prerequisites.ts';
import { readSecret, REGISTRY_USER, VIEWER_USER } from './secrets.ts';
import { checkNodePrerequisites } from './node/node-prerequisites.ts';
import { downNodes, upNodes } from './node/nodes.ts';
import { readState, writeState, type ClusterRecord, type SandboxState } from './state.ts';
import { recordedPids } from './recorded-pids.ts';
import { stopStrays, SUPERVISED_PROGRAMS } from './strays.ts';

/** Options of `mcsync sandbox up`. */
export interface UpOptions {
  dir: string;
  clusters: number;
  openshiftProjects: boolean;
  /** Give the master cluster real nodes (kubelet + containerd); see src/sandbox/node/. */
  node?: boolean;
  /** Progress lines (the CLI prints them; tests may drop them). */
  log?: (line: string) => void;
}

/** What `up` produced: the state plus the files clients use. */
export interface UpResult {
  state: SandboxState;
  inventoryFile: string;
  kubeconfigFile: string;
  registryAuthFile: string;
  elapsedMs: number;
}

async function newRecords(layout: SandboxLayout, names: readonly string[]): Promise<ClusterRecord[]> {
  const ports = await freePorts(names.length * 4);
  return names.map((name, i) => {
    const files = clusterLayout(layout, name);
    return {
      name,
      apiPort: ports[i * 4] ?? 0,
      etcdPort: ports[i * 4 + 1] ?? 0,
      registryPort: ports[i * 4 + 2] ?? 0,
      eventsPort: ports[i * 4 + 3] ?? 0,
      apiserver: null,
      registry: null,
      adminTokenFile: files.adminToken,
      viewerTokenFile: files.viewerToken,
      viewerUser: VIEWER_USER,
      registryUsername: REGISTRY_USER,
      registryPasswordFile: files.registryPassword,
    };
  });
}

function endpoint(state: SandboxState, record: ClusterRecord): ClusterEndpoint {
  return {
    name: record.name,
    apiUrl: apiUrl(record),
    adminTokenFile: record.adminTokenFile,
    caFile: state.caFile,
    registry: registryHost(record),
    registryUsername: record.registryUsername,
    registryPasswordFile: record.registryPasswordFile,
  };
}

/**
 * Writes DIR/inventory.yml, DIR/kubeconfig and DIR/registry-auth.json (a
 * containers-auth.json for `skopeo --authfile`) for the clusters in state.
 */
export async function writeClientFiles(layout: SandboxLayout, state: SandboxState): Promise<void> {
  const endpoints = state.clusters.map((c) => endpoint(state, c));
  await writeFile(layout.inventoryFile, renderInventory(endpoints), { mode: 0o600 });
  await writeFile(layout.kubeconfigFile, renderKubeconfig(endpoints), { mode: 0o600 });
  const auths = await Promise.all(
    state.clusters.map(async (c) => [
      registryHost(c),
      {
        auth: Buffer.from(`${c.registryUsername}:${await readSecret(c.registryPasswordFile)}`).toString(
          'base64',
        ),
      },
    ]),
  );
  await writeFile(
    layout.registryAuthFile,
    `${JSON.stringify({ auths: Object.fromEntries(auths) }, null, 2)}\n`,
    { mode: 0o600 },
  );
}

/**
 * `mcsync sandbox up`: N clusters with registries, ready to use. Idempotent:
 * running processes are reused, stopped ones restarted on their recorded ports
 * with their data, clusters beyond N stopped. Everything starts in parallel;
 * readiness is polled, never slept for.
 */
export async function sandboxUp(options: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const log = options.log ?? ((): void => undefined);
  await checkPrerequisites((await clusterBinaryCached()) ? ['go'] : []);
  if (options.node) await checkNodePrerequisites();
  const binary = await ensureClusterBinary();
  const layout = sandboxLayout(options.dir);
  await mkdir(layout.dir, { recursive: true, mode: 0o700 });
  await ensurePki(layout);

  const previous = await readState(layout.stateFile);
  const names = clusterNames(options.clusters);
  const kept = (previous?.clusters ?? []).filter((c) => names.includes(c.name));
  const extra = (previous?.clusters ?? []).filter((c) => !names.includes(c.name));
  const fresh = await newRecords(
    layout,
    names.filter((n) => !kept.some((c) => c.name === n)),
  );
  const state: SandboxState = {
    version: 1,
    binary: binary.path,
    kubernetesVersion: binary.kubernetesVersion,
    caFile: layout.caCert,
    openshiftProjects: options.openshiftProjects,
    clusters: names
      .map((n) => [...kept, ...fresh].find((c) => c.name === n))
      .filter((c): c is ClusterRecord => c !== undefined),
    nodes: previous?.nodes ?? [],
  };
  // Processes of this sandbox that state.json does not know (an interrupted `up`) would hold its ports and data.
  await stopStrays(layout.dir, recordedPids(previous), 5_000, SUPERVISED_PROGRAMS);
  await Promise.all(extra.map((c) => stopCluster(layout, c)));

  let saving = Promise.resolve();
  const save = (): Promise<void> => (saving = saving.then(() => writeState(layout.stateFile, state)));
  log(
    `starting ${state.clusters.length} clusters (kube-apiserver ${binary.kubernetesVersion}) in ${layout.dir}`,
  );
  await Promise.all(state.clusters.map((c) => startMissing(layout, binary.path, c, save)));
  await Promise.all(
    state.clusters.map(async (c) => {
      await readyCluster(layout, c, options.openshiftProjects);
      log(`  ${c.name}: ${apiUrl(c)} ready, registry ${registryHost(c)}`);
    }),
  );
  await save();
  await writeClientFiles(layout, state);
  if (options.node) await upNodes(layout, state, binary.path, save, log);
  else if (await downNodes(layout, state)) await save();
  return {
    state,
    inventoryFile: layout.inventoryFile,
    kubeconfigFile: layout.kubeconfigFile,
    registryAuthFile: layout.registryAuthFile,
    elapsedMs: Date.now() - started,
  };
}

/** Reads the state of an existing sandbox, or explains that there is none. */
export async function requireState(dir: string): Promise<SandboxState> {
  const layout = sandboxLayout(dir);
  const state = await readState(layout.stateFile);
  if (!state)
    throw new SandboxUsageError(`no sandbox in ${layout.dir} (run \`mcsync sandbox up --dir ${dir}\` first)`);
  return state;
}

/**
 * `mcsync sandbox down`: stops every process recorded in DIR/state.json and
 * waits until each is gone. `purge` also deletes DIR (data, certificates, tokens).
 */
export async function sandboxDown(dir: string, purge: boolean): Promise<number> {
  const layout = sandboxLayout(dir);
  const state = await readState(layout.stateFile);
  let stopped = 0;
  if (state) {
    stopped = state.clusters.filter((c) => c.apiserver || c.registry).length;
    await downNodes(layout, state);
    await Promise.all(state.clusters.map((c) => stopCluster(layout, c)));
    if (!purge) await writeState(layout.stateFile, state);
  }
  // Whatever an interrupted `up` started without recording it.
  await stopStrays(layout.dir);
  if (purge) await rm(layout.dir, { recursive: true, force: true });
  return stopped;
}
