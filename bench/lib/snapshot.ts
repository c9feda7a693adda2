/**
 * "Both tools end with identical objects": a snapshot is every selected object of every host,
 * reduced to what a user declared, keyed by host/apiVersion/kind/namespace/name. Removed before
 * comparing: what the API server owns or allocates (uid, resourceVersion, timestamps,
 * managedFields, generation, status, Service cluster IPs) and the bookkeeping marks of each
 * tool (mcsync's managed-by label and mcsync.io/* annotations, kubectl's last-applied
 * annotation). Everything else must be equal.
 */
import { isDeepStrictEqual } from 'node:util';
import { listAll, type BenchHost, type KubeJson } from './cluster.ts';
import { SERVER_METADATA } from './strip.ts';

/** What a snapshot selects on each host: a collection path, optionally narrowed. */
export interface Selection {
  path: string;
  query?: string;
  keep?: (object: KubeJson) => boolean;
}

/** host/apiVersion/kind/namespace/name → the object as compared. */
export type Snapshot = Map<string, KubeJson>;

function withoutKeys(
  record: Record<string, string> | undefined,
  drop: (key: string) => boolean,
): Record<string, string> | undefined {
  if (!record) return undefined;
  const kept = Object.fromEntries(Object.entries(record).filter(([key]) => !drop(key)));
  return Object.keys(kept).length ? kept : undefined;
}

/** The object without server-owned fields and either tool's marks (see the file comment). */
export function comparable(object: KubeJson): KubeJson {
  const copy = structuredClone(object);
  delete copy['status'];
  const meta = { ...copy.metadata };
  for (const key of SERVER_METADATA) delete meta[key];
  const labels = withoutKeys(meta.labels, (key) => key === 'app.kubernetes.io/managed-by');
  const annotations = withoutKeys(
    meta.annotations,
    (key) => key.startsWith('mcsync.io/') || key === 'kubectl.kubernetes.io/last-applied-configuration',
  );
  if (labels) meta.labels = labels;
  else delete meta.labels;
  if (annotations) meta.annotations = annotations;
  else delete meta.annotations;
  copy.metadata = meta;
  const spec = copy['spec'];
  if (copy.kind === 'Service' && spec && typeof spec === 'object') {
    const s = spec as Record<string, unknown>;
    if (s['clusterIP'] !== 'None') {
      delete s['clusterIP'];
      delete s['clusterIPs'];
    }
  }
  return copy;
}

/** Lists every selection on every host and keys the comparable objects. */
export async function snapshot(hosts: BenchHost[], selections: Selection[]): Promise<Snapshot> {
  const result: Snapshot = new Map();
  await Promise.all(
    hosts.map(async (host) => {
      for (const selection of selections) {
        for (const object of await listAll(host, selection.path, selection.query)) {
          if (selection.keep && !selection.keep(object)) continue;
          const m = object.metadata ?? {};
          const key = `${host.name}/${object.apiVersion}/${object.kind}/${m.namespace ?? ''}/${m.name}`;
          result.set(key, comparable(object));
        }
      }
    }),
  );
  return result;
}

/** The differences between two snapshots (at most `limit` lines); empty when identical. */
export function compareSnapshots(
  a: Snapshot,
  b: Snapshot,
  names = ['mcsync', 'ansible'],
  limit = 10,
): string[] {
  const out: string[] = [];
  for (const [key, object] of a) {
    const other = b.get(key);
    if (!other) out.push(`${key}: only after ${names[0]}`);
    else if (!isDeepStrictEqual(object, other))
      out.push(
        `${key}: differs\n  ${names[0]}: ${JSON.stringify(object)}\n  ${names[1]}: ${JSON.stringify(other)}`,
      );
  }
  for (const key of b.keys()) if (!a.has(key)) out.push(`${key}: only after ${names[1]}`);
  return out.slice(0, limit);
}

/** Throws unless the two snapshots are identical and non-empty. */
export function assertIdentical(what: string, a: Snapshot, b: Snapshot, names?: string[]): void {
  const diff = compareSnapshots(a, b, names);
  if (diff.length) throw new Error(`${what}: the two tools left different objects:\n${diff.join('\n')}`);
  if (a.size === 0) throw new Error(`${what}: no objects found to compare`);
}

/** Throws unless every slave holds exactly the master's objects (compared like the tools' snapshots). */
export function assertLikeMaster(
  what: string,
  master: Snapshot,
  slaves: Snapshot,
  slaveNames: string[],
  masterName: string,
): void {
  const expected: Snapshot = new Map();
  for (const name of slaveNames)
    for (const [key, object] of master) expected.set(`${name}/${key.slice(masterName.length + 1)}`, object);
  assertIdentical(what, expected, slaves, ['the master', 'the slaves']);
}
