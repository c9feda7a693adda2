/**
 * Waiting for objects: until a condition holds (`wait_condition`), until the kind's usual notion
 * of ready holds (Deployments, StatefulSets, DaemonSets, Pods, Namespaces, CRDs), or until the
 * object is gone. Polls with GET (level-based: only the current state counts).
 */
import { McsyncError } from '../errors.ts';
import type { Clock } from '../model/module.ts';
import type { KubeClient } from './client.ts';
import { getObject } from './ops.ts';
import type { KubeObject, ObjectRef } from './types.ts';
import { describeRef, isRecord } from './types.ts';

export interface WaitCondition {
  type: string;
  /** Default 'True'. */
  status?: 'True' | 'False' | 'Unknown';
  reason?: string;
}

export interface WaitOptions {
  condition?: WaitCondition | undefined;
  /** Wait until the object does not exist. */
  absent?: boolean;
  /** Default 120 s. */
  timeoutMs?: number;
  /** Pause between polls; default 1 s. */
  sleepMs?: number;
  clock: Clock;
  signal?: AbortSignal | undefined;
}

/** The `.status.conditions` entry of a type. */
function conditionOf(object: KubeObject, type: string): Record<string, unknown> | undefined {
  const status = isRecord(object['status']) ? object['status'] : {};
  const list = Array.isArray(status['conditions']) ? status['conditions'].filter(isRecord) : [];
  return list.find((c) => c['type'] === type);
}

/** True when `condition` holds on the object (status default 'True'; reason when given). */
export function conditionHolds(object: KubeObject, condition: WaitCondition): boolean {
  const found = conditionOf(object, condition.type);
  if (!found || found['status'] !== (condition.status ?? 'True')) return false;
  return condition.reason === undefined || found['reason'] === condition.reason;
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' ? value : fallback);

/** The kind's usual readiness; kinds without one are ready once they exist. */
export function isReady(object: KubeObject): boolean {
  const spec = isRecord(object['spec']) ? object['spec'] : {};
  const status = isRecord(object['status']) ? object['status'] : {};
  const observed = num(status['observedGeneration'], -1) >= num(object.metadata?.generation);
  const replicas = num(spec['replicas'], 1);
  switch (object.kind) {
    case 'Deployment':
      return (
        observed && num(status['updatedReplicas']) >= replicas && num(status['availableReplicas']) >= replicas
      );
    case 'StatefulSet':
      return observed && num(status['readyReplicas']) >= replicas;
    case 'DaemonSet':
      return observed && num(status['numberReady']) >= num(status['desiredNumberScheduled']);
    case 'Pod':
      return status['phase'] === 'Succeeded' || conditionHolds(object, { type: 'Ready' });
    case 'Namespace':
      return status['phase'] === 'Active';
    case 'CustomResourceDefinition':
      return conditionHolds(object, { type: 'Established' });
    default:
      return true;
  }
}

/**
 * Polls until the object is ready (or absent with `absent: true`). Resolves with the last object
 * seen; throws a McsyncError naming the object and what was awaited on timeout.
 */
export async function waitForObject(
  client: KubeClient,
  ref: ObjectRef,
  options: WaitOptions,
): Promise<KubeObject | undefined> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = options.clock.now() + timeoutMs;
  for (;;) {
    const object = await getObject(client, ref);
    if (
      options.absent
        ? !object
        : object && (options.condition ? conditionHolds(object, options.condition) : isReady(object))
    ) {
      return object;
    }
    if (options.clock.now() >= deadline) {
      const what = options.absent
        ? 'to be deleted'
        : options.condition
          ? `condition ${options.condition.type}=${options.condition.status ?? 'True'}${options.condition.reason ? ` (reason ${options.condition.reason})` : ''}`
          : object
            ? 'to become ready'
            : 'to exist';
      throw new McsyncError(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${describeRef(ref)} ${what}`,
      );
    }
    await options.clock.sleep(options.sleepMs ?? 1000, options.signal);
  }
}
