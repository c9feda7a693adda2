/**
 * The floor of watch mode (issue 19), run by bench/observe-latency.ts as its own process, like the
 * observer: the least any watcher can do to carry a change from the master to the slaves. It lists
 * the master's ImageStreams in one namespace, watches them from the list's resourceVersion over
 * HTTP/2, and for each ADDED or MODIFIED object annotated `sync=me` sends one server-side apply of
 * the object (server fields stripped) to every slave at once. No re-read of the master, no
 * discovery, no listing of the slaves, no templates: one request per slave per change.
 *
 * Changes to one object are applied in order (a newer state waiting behind one in flight replaces
 * an older one that waits), so a slow apply never lets an older state overwrite a newer one.
 *
 *   node bench/peers/watch-floor.ts CONFIG.json
 *
 * CONFIG.json (written by the benchmark, mode 0600: it holds tokens, which never go in argv):
 * `{ "namespace": "...", "master": {url, ca, token}, "slaves": [{url, ca, token}, ...] }`.
 * Prints `ready` once the watch is open and every slave has answered (the benchmark sees the
 * slaves itself, through watches of its own). Exits on SIGTERM.
 */
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import { bareClient } from '../lib/bare-client.ts';
import type { BareClient, BareTarget } from '../lib/bare-client.ts';
import type { KubeJson } from '../lib/cluster.ts';
import { stripServerFields } from '../lib/strip.ts';

interface FloorConfig {
  namespace: string;
  master: BareTarget;
  slaves: BareTarget[];
}

const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as FloorConfig;
const collection = `/apis/image.openshift.io/v1/namespaces/${config.namespace}/imagestreams`;
const master = http2.connect(config.master.url, { ca: config.master.ca });
const slaves = config.slaves.map((s) => bareClient('http2', s, 64));
const auth = (t: BareTarget): string => `Bearer ${t.token}`;

/** Per object: the apply in flight, and the newest state waiting for it. */
const inFlight = new Map<string, Promise<void>>();
const waiting = new Map<string, KubeJson>();

function copy(object: KubeJson): void {
  const name = object.metadata?.name ?? '';
  if (object.metadata?.annotations?.['sync'] !== 'me') return;
  if (inFlight.has(name)) {
    waiting.set(name, object);
    return;
  }
  const run = async (state: KubeJson): Promise<void> => {
    const body = JSON.stringify(stripServerFields(state));
    const path = `${collection}/${name}?fieldManager=watch-floor&force=true`;
    const results = await Promise.all(slaves.map((s) => s.send({ method: 'PATCH', path, body })));
    for (const r of results) if (r.status >= 300) process.stderr.write(`apply ${name}: HTTP ${r.status}\n`);
    const next = waiting.get(name);
    waiting.delete(name);
    if (next) await run(next);
  };
  const done = run(object).finally(() => inFlight.delete(name));
  inFlight.set(name, done);
}

function request(path: string): http2.ClientHttp2Stream {
  return master.request({ ':path': path, authorization: auth(config.master), accept: 'application/json' });
}

async function listResourceVersion(): Promise<string> {
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stream = request(collection);
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
  const list = JSON.parse(text) as { metadata: { resourceVersion: string }; items: KubeJson[] };
  for (const item of list.items) copy(item);
  return list.metadata.resourceVersion;
}

/** Opens the watch; resolves once the server has answered (the watch is established). */
function watch(resourceVersion: string): Promise<void> {
  const query = `watch=1&allowWatchBookmarks=true&resourceVersion=${resourceVersion}`;
  const stream = request(`${collection}?${query}`);
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      const event = JSON.parse(line) as { type: string; object: KubeJson };
      if (event.type === 'ADDED' || event.type === 'MODIFIED') copy(event.object);
    }
  });
  stream.on('end', () => {
    process.stderr.write('watch ended by the server\n');
    process.exit(1);
  });
  return new Promise((resolve, reject) => {
    stream.on('response', (head) =>
      head[':status'] === 200 ? resolve() : reject(new Error(`watch: HTTP ${head[':status']}`)),
    );
    stream.on('error', reject);
  });
}

async function warm(client: BareClient): Promise<void> {
  const r = await client.send({ method: 'GET', path: '/version' });
  if (r.status !== 200) throw new Error(`slave /version: HTTP ${r.status}`);
}

await Promise.all([watch(await listResourceVersion()), ...slaves.map(warm)]);
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  master.close();
  for (const s of slaves) s.close();
  process.exit(0);
});
