/**
 * One watch request: a streaming GET with `watch=1` on the host's existing connection, read as
 * newline-delimited JSON events. It ends when the server closes the stream (its timeoutSeconds)
 * or the signal aborts; every failure is thrown already classified, as the rest of the kube layer
 * does: UnreachableError / RetryableError for the transport, KubeApiError for a non-2xx answer
 * and for an ERROR event (its Status code, e.g. 410 when the resourceVersion is too old).
 * Reconnecting, relisting and watchdogs belong to the caller (src/observe/reflector.ts).
 */
import { StringDecoder } from 'node:string_decoder';
import { RetryableError } from '../errors.ts';
import type { KubeClient } from './client.ts';
import { KubeApiError, readStatus } from './errors.ts';
import type { KubeObject } from './types.ts';
import { isRecord } from './types.ts';

/** The event types of the Kubernetes watch protocol. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** One event; ERROR events are thrown as KubeApiError instead of being yielded. */
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface WatchOptions {
  /** Collection path without query, e.g. `/api/v1/namespaces/demo/configmaps`. */
  path: string;
  /** Start after this version (a list's resourceVersion); undefined: the server picks "now". */
  resourceVersion?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Ask for BOOKMARK events (default true). */
  allowWatchBookmarks?: boolean;
  /**
   * Stream the current objects first as ADDED events, ended by a BOOKMARK annotated
   * `k8s.io/initial-events-end` (the WatchList protocol; needs no resourceVersion).
   */
  sendInitialEvents?: boolean | undefined;
  /** Server-side end of the watch; undefined leaves it to the server. */
  timeoutSeconds?: number | undefined;
  /** Ends the watch (the generator then throws the signal's reason). */
  signal: AbortSignal;
  /** Called once the server accepted the watch (status 200, headers received). */
  onOpen?: (() => void) | undefined;
}

const TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/**
 * Yields the events of one watch request in the order the server sent them. Returns normally
 * when the server ends the stream; breaking out of the loop closes the connection.
 */
export async function* watchEvents(client: KubeClient, options: WatchOptions): AsyncGenerator<WatchEvent> {
  const stream = await client.stream({
    path: options.path,
    signal: options.signal,
    query: {
      watch: 1,
      resourceVersion: options.resourceVersion || undefined,
      allowWatchBookmarks: options.allowWatchBookmarks ?? true,
      labelSelector: options.labelSelector || undefined,
      fieldSelector: options.fieldSelector || undefined,
      timeoutSeconds: options.timeoutSeconds,
      sendInitialEvents: options.sendInitialEvents || undefined,
      resourceVersionMatch: options.sendInitialEvents ? 'NotOlderThan' : undefined,
    },
  });
  options.onOpen?.();
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of stream.body) {
      pending += decoder.write(chunk);
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line) yield parseEvent(line, client, options.path);
        newline = pending.indexOf('\n');
      }
    }
    const last = (pending + decoder.end()).trim();
    if (last) yield parseEvent(last, client, options.path);
  } finally {
    stream.close();
  }
}

/** Parses one line of a watch stream; throws for ERROR events and for lines that are not events. */
export function parseEvent(line: string, client: Pick<KubeClient, 'label'>, path: string): WatchEvent {
  let value: unknown;
  try {
    value = JSON.parse(line) as unknown;
  } catch (error) {
    throw new RetryableError(`watch ${path} on cluster ${client.label} sent a line that is not JSON`, {
      cause: error,
    });
  }
  const type = isRecord(value) ? value['type'] : undefined;
  const object = isRecord(value) ? value['object'] : undefined;
  if (typeof type !== 'string' || !TYPES.has(type) || !isRecord(object)) {
    throw new RetryableError(`watch ${path} on cluster ${client.label} sent an event of unknown shape`);
  }
  if (type === 'ERROR') throw watchError(object, client.label, path);
  return { type: type as WatchEventType, object: object as KubeObject };
}

/** An ERROR event's Status as a KubeApiError carrying its code (410 Expired/Gone, 500...). */
export function watchError(status: Record<string, unknown>, cluster: string, path: string): KubeApiError {
  const code = typeof status['code'] === 'number' ? status['code'] : 500;
  const { message, reason } = readStatus(status);
  const text = `watch ${path} on cluster ${cluster} ended with ${code}${reason ? ` ${reason}` : ''}: ${message ?? 'no message'}`;
  return new KubeApiError(text, { status: code, reason, method: 'GET', path });
}
