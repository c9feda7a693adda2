/**
 * The client's CPU per server-side apply by transport (issue 19): how much of a write's CPU is
 * the HTTP client itself, before any of mcsync's work. Against one cluster of a running sandbox,
 * each round applies N ConfigMaps into a fresh namespace with K requests in flight, then applies
 * them again unchanged, with the floor's bare client (bench/lib/bare-client.ts) over:
 *   - http1: node:https with one keep-alive agent of K sockets (the floor with MCSYNC_BENCH_FLOOR_HTTP1=1);
 *   - http2: node:http2, one session, K streams (the floor's default);
 *   - raw1: HTTP/1.1 written by hand over K keep-alive TLS sockets (what is left without Node's
 *     HTTP machinery);
 *   - undici: undici's Pool of K keep-alive HTTP/1.1 connections.
 * CPU is this process's user + system (process.cpuUsage) over the sends only; every other round
 * takes the transports in reverse order so the machine's load falls on all alike.
 *
 *   node bench/transport-cpu.ts --dir SANDBOX_DIR [--objects 2000] [--inflight 32] [--rounds 3]
 */
import { parseArgs } from 'node:util';
import { bareClient, type BareProtocol } from './lib/bare-client.ts';
import { api, readSandbox } from './lib/cluster.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    objects: { type: 'string', default: '2000' },
    inflight: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    host: { type: 'string', default: '1' },
  },
});
if (!values.dir) throw new Error('--dir SANDBOX_DIR is required (a running `mcsync sandbox up --dir`)');
const objects = Number(values.objects);
const inflight = Number(values.inflight);
const host = readSandbox(values.dir).hosts[Number(values.host)]!;

type Send = (path: string, body: string) => Promise<number>;
interface Transport {
  name: string;
  protocol: BareProtocol;
}

const TRANSPORTS: Transport[] = [
  { name: 'http1 (node:https, keep-alive agent)', protocol: 'http1' },
  { name: 'http2 (node:http2, one session)', protocol: 'http2' },
  { name: 'raw1 (HTTP/1.1 by hand over tls sockets)', protocol: 'raw1' },
  { name: 'undici (Pool, keep-alive HTTP/1.1)', protocol: 'undici' },
];

async function sendAll(send: Send, bodies: { path: string; body: string }[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const { path, body } = bodies[next++]!;
      const status = await send(path, body);
      if (status < 200 || status >= 300) throw new Error(`PATCH ${path}: HTTP ${status}`);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
}

function requests(ns: string): { path: string; body: string }[] {
  return Array.from({ length: objects }, (_, i) => {
    const name = `cm-${i}`;
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: ns, labels: { bench: 'transport' } },
      data: { key: `value-${i}`, other: 'x'.repeat(200) },
    };
    return {
      path: `/api/v1/namespaces/${ns}/configmaps/${name}?fieldManager=bench-transport`,
      body: JSON.stringify(object),
    };
  });
}

/** CPU microseconds of this process and wall ms of `run`. */
async function timed(run: () => Promise<void>): Promise<{ cpuUs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { cpuUs: used.user + used.system, wallMs: performance.now() - start };
}

const results = new Map<string, { create: number[]; unchanged: number[]; wall: number[] }>();
for (let round = 0; round < Number(values.rounds); round++) {
  for (const transport of round % 2 ? [...TRANSPORTS].reverse() : TRANSPORTS) {
    const ns = `bench-transport-${process.pid}-${round}-${transport.protocol}`;
    await api(host, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    const bodies = requests(ns);
    const client = bareClient(transport.protocol, host, inflight);
    const send: Send = async (path, body) => (await client.send({ method: 'PATCH', path, body })).status;
    // One request first, so the connection's set-up is not counted.
    await sendAll(send, bodies.slice(0, 1));
    const create = await timed(() => sendAll(send, bodies));
    const unchanged = await timed(() => sendAll(send, bodies));
    client.close();
    await api(host, 'DELETE', `/api/v1/namespaces/${ns}`);
    const r = results.get(transport.name) ?? { create: [], unchanged: [], wall: [] };
    r.create.push(create.cpuUs / objects);
    r.unchanged.push(unchanged.cpuUs / objects);
    r.wall.push(create.wallMs);
    results.set(transport.name, r);
    console.log(
      `round ${round + 1} ${transport.name}: create ${(create.cpuUs / objects).toFixed(0)} µs CPU/write, ${create.wallMs.toFixed(0)} ms wall; unchanged ${(unchanged.cpuUs / objects).toFixed(0)} µs CPU/write, ${unchanged.wallMs.toFixed(0)} ms wall`,
    );
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\n${objects} server-side applies of ConfigMaps to ${host.name}, ${inflight} in flight:`);
for (const [name, r] of results)
  console.log(
    `  ${name}: CPU per write ${median(r.create).toFixed(0)} µs (create), ${median(r.unchanged).toFixed(0)} µs (unchanged); create wall ${median(r.wall).toFixed(0)} ms`,
  );
