/**
 * Follows one object on a cluster with a Kubernetes watch (newline-delimited JSON over HTTPS),
 * so the watch scenario sees a change land on a slave within milliseconds without polling.
 * Reconnects when the server ends the stream; close() ends it for good.
 */
import https from 'node:https';
import type { BenchHost, KubeJson } from './cluster.ts';

/** A running watch. */
export interface ObjectWatch {
  close(): void;
}

/** Calls `onObject` with the object's every state (ADDED/MODIFIED) and null when deleted. */
export function watchObject(
  host: BenchHost,
  collection: string,
  name: string,
  onObject: (object: KubeJson | null) => void,
): ObjectWatch {
  let closed = false;
  let request: ReturnType<typeof https.request> | undefined;
  const connect = (): void => {
    if (closed) return;
    const url = new URL(
      `${collection}?watch=true&fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`,
      host.url,
    );
    request = https.request(
      url,
      { ca: host.ca, headers: { authorization: `Bearer ${host.token}`, accept: 'application/json' } },
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
              if (event.type === 'ADDED' || event.type === 'MODIFIED') onObject(event.object);
              else if (event.type === 'DELETED') onObject(null);
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
