/**
 * Applying a backup onto the new leader: every object sanitized (no uid, resourceVersion,
 * status or cluster-allocated fields), annotated with the backup it came from, and written by
 * server-side apply in dependency order (namespaces and CRDs first; custom resources wait until
 * their CRDs are Established). Idempotent: a second restore of the same backup is all
 * `unchanged`. Failures are counted per object and do not stop the other objects.
 */
import { errorMessage } from '../errors.ts';
import type { KubeClient, KubeObject } from '../kube/index.ts';
import {
  applyObject,
  describeRef,
  refOf,
  sanitizeForSync,
  waitForObject,
  withAnnotations,
  writeWaves,
} from '../kube/index.ts';
import { settleBounded } from '../shared/bounded.ts';
import type { Clock } from '../model/module.ts';
import { liveKey, liveObjects } from './live-objects.ts';

/** What a restore did, for the report and the alert. */
export interface RestoreSummary {
  backup: string;
  objects: number;
  created: number;
  configured: number;
  unchanged: number;
  failed: number;
  /** Objects per kind, e.g. {Namespace: 2, ConfigMap: 40}. */
  kinds: Record<string, number>;
  /** The first failures (at most 10), `v1/ConfigMap demo/x: message`. */
  failures: string[];
  durationMs: number;
}

export const RESTORED_FROM_ANNOTATION = 'mcsync.io/restored-from';

/** Applies `objects` (from backup `backup`) to `client`'s cluster; see the file comment. */
export async function restoreObjects(
  client: KubeClient,
  backup: string,
  objects: readonly KubeObject[],
  options: { clock: Clock; signal?: AbortSignal | undefined; concurrency?: number },
): Promise<RestoreSummary> {
  const started = options.clock.now();
  const summary: RestoreSummary = {
    backup,
    objects: objects.length,
    created: 0,
    configured: 0,
    unchanged: 0,
    failed: 0,
    kinds: {},
    failures: [],
    durationMs: 0,
  };
  const prepared = objects.map((o) =>
    withAnnotations(sanitizeForSync(o), { [RESTORED_FROM_ANNOTATION]: backup }),
  );
  for (const object of prepared)
    summary.kinds[object.kind ?? '?'] = (summary.kinds[object.kind ?? '?'] ?? 0) + 1;
  for (const wave of writeWaves(prepared)) {
    options.signal?.throwIfAborted();
    const live = await liveObjects(client, wave);
    const settled = await settleBounded(wave, options.concurrency ?? 16, (object) =>
      applyObject(client, object, { force: true, live: live.get(liveKey(object)) }),
    );
    settled.forEach((result, index) => {
      if (result.status === 'fulfilled') summary[result.value.action] += 1;
      else fail(summary, wave[index] as KubeObject, result.reason);
    });
    await waitForCrds(client, wave, summary, options);
  }
  summary.durationMs = options.clock.now() - started;
  return summary;
}

function fail(summary: RestoreSummary, object: KubeObject, error: unknown): void {
  summary.failed += 1;
  if (summary.failures.length < 10) summary.failures.push(`${describeRef(object)}: ${errorMessage(error)}`);
}

async function waitForCrds(
  client: KubeClient,
  wave: readonly KubeObject[],
  summary: RestoreSummary,
  options: { clock: Clock; signal?: AbortSignal | undefined },
): Promise<void> {
  const crds = wave.filter((o) => o.kind === 'CustomResourceDefinition');
  await Promise.all(
    crds.map((crd) =>
      waitForObject(client, refOf(crd), {
        condition: { type: 'Established' },
        timeoutMs: 60_000,
        sleepMs: 200,
        clock: options.clock,
        signal: options.signal,
      }).catch((error: unknown) => fail(summary, crd, error)),
    ),
  );
}

/** `12 objects from s3 backups/2024-05-01/: 10 created, 2 unchanged` for messages and alerts. */
export function describeRestore(summary: RestoreSummary): string {
  const counts = (['created', 'configured', 'unchanged', 'failed'] as const)
    .filter((k) => summary[k] > 0)
    .map((k) => `${summary[k]} ${k}`)
    .join(', ');
  return `${summary.objects} objects from ${summary.backup}: ${counts || 'nothing to apply'}`;
}
