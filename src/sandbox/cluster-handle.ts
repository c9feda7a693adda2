import { readFile } from 'node:fs/promises';
import type { HttpsTarget } from './https-json.ts';
import { clusterLayout, sandboxLayout, type ClusterLayout, type SandboxLayout } from './layout.ts';
import { readSecret, REGISTRY_USER } from './secrets.ts';
import type { ClusterRecord } from './state.ts';

/** Text in /proc/<pid>/cmdline that marks this cluster's control plane (its data dir is unique). */
export function controlPlaneMark(cluster: ClusterLayout): string {
  return `--data-dir=${cluster.dataDir}`;
}

/** Text in /proc/<pid>/cmdline that marks this cluster's registry (its config path is unique). */
export function registryMark(cluster: ClusterLayout): string {
  return cluster.registryConfig;
}

/** Base URL of a cluster's API server. */
export function apiUrl(record: ClusterRecord): string {
  return `https://127.0.0.1:${record.apiPort}`;
}

/** host:port of a cluster's registry, as image references and skopeo want it. */
export function registryHost(record: ClusterRecord): string {
  return `127.0.0.1:${record.registryPort}`;
}

/** HTTPS targets for one cluster: admin and viewer on the API, the registry with its login. */
export interface ClusterTargets {
  admin: HttpsTarget;
  viewer: HttpsTarget;
  registry: HttpsTarget;
}

/** Reads the CA and secrets of one cluster and builds its HTTPS targets. */
export async function clusterTargets(dir: string, record: ClusterRecord): Promise<ClusterTargets> {
  const layout: SandboxLayout = sandboxLayout(dir);
  const files = clusterLayout(layout, record.name);
  const ca = await readFile(layout.caCert, 'utf8');
  const url = apiUrl(record);
  return {
    admin: { url, ca, token: await readSecret(files.adminToken) },
    viewer: { url, ca, token: await readSecret(files.viewerToken) },
    registry: {
      url: `https://${registryHost(record)}`,
      ca,
      basic: { username: REGISTRY_USER, password: await readSecret(files.registryPassword) },
    },
  };
}
