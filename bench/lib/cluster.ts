/**
 * The benchmark's own sandbox (`mcsync sandbox up --dir .sandbox-bench/suite`) and a small REST
 * client on its clusters for what the bench itself does: seeding, cleaning up, snapshots.
 * Tokens are read from the inventory's token files and only ever sent in request headers.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { httpsRequest, type HttpsResponse } from '../../src/sandbox/https-json.ts';
import { root } from './exec.ts';

/** A Kubernetes object as JSON. */
export type KubeJson = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } & Record<string, unknown>;
};

/** One cluster of the sandbox, with what the bench needs to call its API. */
export interface BenchHost {
  name: string;
  url: string;
  token: string;
  ca: string;
  vars: Record<string, unknown>;
}

/** The running sandbox: its directory, inventory and hosts (master first). */
export interface BenchSandbox {
  dir: string;
  inventory: string;
  kubeconfig: string;
  hosts: BenchHost[];
}

/** Default sandbox directory, inside the git-ignored .sandbox-bench/. */
export const SANDBOX_DIR = join(root, '.sandbox-bench/suite');

function mcsync(args: string[]): void {
  execFileSync(process.execPath, [join(root, 'bin/mcsync.js'), ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

interface InventoryGroup {
  hosts?: Record<string, Record<string, unknown> | null>;
}

/** Starts (or reuses) the sandbox with `clusters` clusters and reads its inventory. */
export function sandboxUp(dir: string, clusters: number): BenchSandbox {
  mcsync(['sandbox', 'up', '--dir', dir, '--clusters', String(clusters)]);
  return readSandbox(dir);
}

/** Stops the sandbox's processes (its data stays for the next run). */
export function sandboxDown(dir: string): void {
  mcsync(['sandbox', 'down', '--dir', dir]);
}

/** Reads DIR/inventory.yml: the master first, then the slaves in inventory order. */
export function readSandbox(dir: string): BenchSandbox {
  const inventory = join(dir, 'inventory.yml');
  const doc = parse(readFileSync(inventory, 'utf8')) as { all: { children: Record<string, InventoryGroup> } };
  const groups = doc.all.children;
  const entries = [
    ...Object.entries(groups['master']?.hosts ?? {}),
    ...Object.entries(groups['slaves']?.hosts ?? {}),
  ];
  const hosts = entries.map(([name, vars]) => {
    const v = vars ?? {};
    return {
      name,
      url: String(v['api_url']),
      token: readFileSync(String(v['token_file']), 'utf8').trim(),
      ca: readFileSync(String(v['ca_file']), 'utf8'),
      vars: v,
    };
  });
  return { dir, inventory, kubeconfig: join(dir, 'kubeconfig'), hosts };
}

/**
 * Writes an inventory of the first `count` hosts (master + count-1 slaves), same shape and
 * connection variables as the sandbox's, for points of the scale curve with fewer clusters.
 */
export function writeSubsetInventory(sandbox: BenchSandbox, count: number, file: string): string {
  const [master, ...slaves] = sandbox.hosts.slice(0, count);
  const hosts = (list: BenchHost[]): Record<string, Record<string, unknown>> =>
    Object.fromEntries(list.map((host) => [host.name, host.vars]));
  const doc = {
    all: { children: { master: { hosts: hosts([master!]) }, slaves: { hosts: hosts(slaves) } } },
  };
  writeFileSync(file, stringify(doc));
  return file;
}

/** One API request; throws on transport errors and, unless allowed, on non-2xx answers. */
export async function api(
  host: BenchHost,
  method: string,
  path: string,
  body?: unknown,
  allow: number[] = [],
): Promise<HttpsResponse> {
  const contentType = method === 'PATCH' ? 'application/merge-patch+json' : undefined;
  const res = await httpsRequest({ url: host.url, ca: host.ca, token: host.token }, method, path, {
    body,
    ...(contentType ? { contentType } : {}),
    timeoutMs: 60_000,
  });
  if ((res.status < 200 || res.status >= 300) && !allow.includes(res.status))
    throw new Error(`${host.name}: ${method} ${path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return res;
}

/** Lists a collection path completely (500 per page). */
export async function listAll(host: BenchHost, path: string, query = ''): Promise<KubeJson[]> {
  const items: KubeJson[] = [];
  let next = '';
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = `${path}${sep}limit=500${query ? `&${query}` : ''}${next ? `&continue=${encodeURIComponent(next)}` : ''}`;
    const res = await api(host, 'GET', page, undefined, [404]);
    if (res.status === 404) return items;
    const list = res.json as {
      apiVersion?: string;
      kind?: string;
      items?: KubeJson[];
      metadata?: { continue?: string };
    };
    // List items come without apiVersion and kind: take them from the list.
    const kind = list.kind?.replace(/List$/, '');
    items.push(...(list.items ?? []).map((item) => ({ apiVersion: list.apiVersion, kind, ...item })));
    next = list.metadata?.continue ?? '';
  } while (next);
  return items;
}

/** Deletes the objects at `paths` (404 is fine) and waits until every one is gone. */
export async function deleteAndWait(host: BenchHost, paths: string[], timeoutMs = 300_000): Promise<void> {
  await Promise.all(paths.map((path) => api(host, 'DELETE', path, undefined, [404, 409])));
  const deadline = Date.now() + timeoutMs;
  let left = paths;
  while (left.length > 0) {
    if (Date.now() > deadline)
      throw new Error(
        `${host.name}: still not deleted after ${timeoutMs / 1000} s: ${left.slice(0, 5).join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
    const present = await Promise.all(
      left.map(async (path) => (await api(host, 'GET', path, undefined, [404])).status !== 404),
    );
    left = left.filter((_, i) => present[i]);
  }
}

/** Deletes namespaces with a name prefix on every given host and waits until they are gone. */
export async function deleteNamespaces(hosts: BenchHost[], prefix: string): Promise<void> {
  await Promise.all(
    hosts.map(async (host) => {
      const names = (await listAll(host, '/api/v1/namespaces'))
        .map((ns) => ns.metadata?.name ?? '')
        .filter((name) => name.startsWith(prefix));
      await deleteAndWait(
        host,
        names.map((name) => `/api/v1/namespaces/${name}`),
      );
    }),
  );
}
