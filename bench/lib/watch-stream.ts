/**
 * Follows objects on a cluster with a Kubernetes watch (newline-delimited JSON over HTTPS), so a
 * benchmark sees a change land on a slave within milliseconds without polling. Reconnects when
 * the server ends the stream; close() ends it for good.
 */
import https from 'node:https';
import type { KubeJson } from './cluster.ts';

/** A running watch. */
export interface ObjectWatch {
  close(): void;
}

/** Where to watch: an API server, its CA and a bearer token. */
export interface WatchEndpoint {
  url: string;
  ca: string;
  token?: string | undefined;
}

/** Calls `onObject` with the object's every state (ADDED/MODIFIED) and null when deleted. */
export function watchObject(
  host: WatchEndpoint,
  collection: string,
  name: string,
  onObject: (object: KubeJson | null) => void,
): ObjectWatch {
  return watchCollection(host, collection, (type, object) => onObject(type === 'DELETED' ? null : object), {
    fieldSelector: `metadata.name=${name}`,
  });
}

/** Calls `onEvent` for every ADDED, MODIFIED and DELETED event of the collection's objects. */
export function watchCollection(
  host: WatchEndpoint,
  collection: string,
  onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeJson) => void,
  options: { fieldSelector?: string } = {},
): ObjectWatch {
  let closed = false;
  let request: ReturnType<typeof https.request> | undefined;
  const selector = options.fieldSelector ? `&fieldSelector=${encodeURIComponent(options.fieldSelector)}` : '';
  const connect = (): void => {
    if (closed) return;
    const url = new URL(`${collection}?watch=true${selector}`, host.url);
    request = https.request(
      url,
      {
        ca: host.ca,
        headers: {
          accept: 'application/json',
          ...(host.token ? { authorization: `Bearer ${host.token}` } : {}),
        },
      },
      (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let newline = buffer.indexOf('\n');
          while (newline >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (line) {
              const event = JSON.parse(line) as { type: string; object: KubeJson };
              if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')
                onEvent(event.type, event.object);
            }
            newline = buffer.indexOf('\n');
          }
        });
        res.on('end', () => setTimeout(connect, 100));
        res.on('error', () => setTimeout(connect, 500));
      },
    );
    request.on('error', () => {
      if (!closed) setTimeout(connect, 500);
    });
    request.end();
  };
  connect();
  return {
    close(): void {
      closed = true;
      request?.destroy();
    },
  };
}
