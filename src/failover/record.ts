/**
 * The leadership record on one hub: ConfigMap `<pool>-leader` in namespace `mcsync`, written
 * only by compare-and-swap (create, or update with the resourceVersion read), never retried
 * blindly, so a hub accepts exactly one claim per epoch.
 */
import type { KubeClient, KubeResponse } from '../kube/index.ts';
import { isApiStatus, isRecord } from '../kube/index.ts';
import type { LeaderRecord, RestoreState } from './election.ts';
import { RECORD_NAMESPACE } from './types.ts';

/** A record as read, with the resourceVersion a CAS write must name (undefined: none exists). */
export interface StoredRecord {
  record: LeaderRecord | undefined;
  resourceVersion: string | undefined;
}

/** Name of the record's ConfigMap for a pool. */
export function recordName(pool: string): string {
  return `${pool}-leader`;
}

const PATH = `/api/v1/namespaces/${RECORD_NAMESPACE}/configmaps`;

/** Reads the record; a missing namespace or ConfigMap is "no record". Transport errors throw. */
export async function readRecord(client: KubeClient, pool: string, timeoutMs: number): Promise<StoredRecord> {
  try {
    const res = await client.request<unknown>({
      method: 'GET',
      path: `${PATH}/${recordName(pool)}`,
      timeoutMs,
    });
    const body = isRecord(res.body) ? res.body : {};
    const meta = isRecord(body['metadata']) ? body['metadata'] : {};
    const rv = typeof meta['resourceVersion'] === 'string' ? meta['resourceVersion'] : undefined;
    return { record: fromData(body['data']), resourceVersion: rv };
  } catch (error) {
    if (isApiStatus(error, 404)) return { record: undefined, resourceVersion: undefined };
    throw error;
  }
}

/**
 * Writes `record` if the stored object is still at `resourceVersion` (undefined: it must not
 * exist yet). Returns 'conflict' when someone else wrote first; other failures throw.
 */
export async function writeRecord(
  client: KubeClient,
  pool: string,
  record: LeaderRecord,
  resourceVersion: string | undefined,
  timeoutMs: number,
): Promise<{ outcome: 'written'; resourceVersion: string | undefined } | { outcome: 'conflict' }> {
  const name = recordName(pool);
  const body = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: RECORD_NAMESPACE,
      labels: { 'app.kubernetes.io/managed-by': 'mcsync', 'mcsync.io/hubpool': pool },
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    data: toData(record),
  };
  try {
    const written = resourceVersion
      ? await client.request<unknown>({
          method: 'PUT',
          path: `${PATH}/${name}`,
          body,
          retryConflicts: false,
          timeoutMs,
        })
      : await createWithNamespace(client, body, timeoutMs);
    return { outcome: 'written', resourceVersion: resourceVersionOf(written.body) };
  } catch (error) {
    if (isApiStatus(error, 409)) return { outcome: 'conflict' };
    throw error;
  }
}

/**
 * Deletes the record if it is still at `resourceVersion` (a claim that lost takes back what it
 * wrote); a record changed since is left alone.
 */
export async function deleteRecord(
  client: KubeClient,
  pool: string,
  resourceVersion: string,
  timeoutMs: number,
): Promise<void> {
  await client
    .request({
      method: 'DELETE',
      path: `${PATH}/${recordName(pool)}`,
      body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion } },
      retryConflicts: false,
      timeoutMs,
    })
    .catch((error: unknown) => {
      if (!isApiStatus(error, 409) && !isApiStatus(error, 404)) throw error;
    });
}

function resourceVersionOf(body: unknown): string | undefined {
  const meta = isRecord(body) && isRecord(body['metadata']) ? body['metadata'] : {};
  return typeof meta['resourceVersion'] === 'string' ? meta['resourceVersion'] : undefined;
}

async function createWithNamespace(
  client: KubeClient,
  body: unknown,
  timeoutMs: number,
): Promise<KubeResponse<unknown>> {
  try {
    return await client.request<unknown>({
      method: 'POST',
      path: PATH,
      body,
      retryConflicts: false,
      timeoutMs,
    });
  } catch (error) {
    if (!isApiStatus(error, 404)) throw error;
    await client
      .request({
        method: 'POST',
        path: '/api/v1/namespaces',
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: RECORD_NAMESPACE } },
        retryConflicts: false,
        timeoutMs,
      })
      .catch((e: unknown) => {
        if (!isApiStatus(e, 409)) throw e;
      });
    return client.request<unknown>({ method: 'POST', path: PATH, body, retryConflicts: false, timeoutMs });
  }
}

function toData(record: LeaderRecord): Record<string, string> {
  const restore = record.restore;
  return {
    leader: record.leader,
    epoch: String(record.epoch),
    ...(record.previous ? { previous: record.previous } : {}),
    elected_at: record.electedAt,
    elected_by: record.electedBy,
    ...(restore
      ? {
          restore: restore.status,
          restore_by: restore.by,
          restore_started_at: restore.startedAt,
          restore_attempt: String(restore.attempt),
          ...(restore.backup ? { restore_backup: restore.backup } : {}),
        }
      : {}),
  };
}

const RESTORE_STATUSES: readonly string[] = ['pending', 'done', 'failed'] satisfies RestoreState['status'][];

/** The restore keys of a record; records written before they existed have none. */
function restoreFromData(data: Record<string, unknown>): RestoreState | undefined {
  const status = data['restore'];
  if (typeof status !== 'string' || !RESTORE_STATUSES.includes(status)) return undefined;
  const attempt = Number(data['restore_attempt']);
  const str = (key: string): string | undefined => (typeof data[key] === 'string' ? data[key] : undefined);
  return {
    status: status as RestoreState['status'],
    by: str('restore_by') ?? '',
    startedAt: str('restore_started_at') ?? '',
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
    backup: str('restore_backup'),
  };
}

function fromData(data: unknown): LeaderRecord | undefined {
  if (!isRecord(data)) return undefined;
  const leader = data['leader'];
  const epoch = Number(data['epoch']);
  if (typeof leader !== 'string' || !leader || !Number.isInteger(epoch) || epoch < 0) return undefined;
  return {
    leader,
    epoch,
    previous: typeof data['previous'] === 'string' ? data['previous'] : undefined,
    electedAt: typeof data['elected_at'] === 'string' ? data['elected_at'] : '',
    electedBy: typeof data['elected_by'] === 'string' ? data['elected_by'] : '',
    restore: restoreFromData(data),
  };
}
