/**
 * The floor: a bare client that sends only the requests of a plan (bench/lib/floor-plan.ts) —
 * no discovery, no reads it does not need, no bookkeeping — with `inflight` requests in flight
 * per host, every host at once, over one HTTP/2 connection per host (the cheapest way for a Node
 * client, bench/transport-cpu.ts; the API server speaks it, and mcsync uses it), or with
 * MCSYNC_BENCH_FLOOR_HTTP1=1 over one keep-alive HTTP/1.1 agent per host. bench/run.ts times
 * this process.
 *
 *   node bench/peers/floor.ts PLAN.json
 *
 * Exits 1 when any request is answered outside 2xx (the first few are printed).
 */
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import type { FloorHost, FloorPlan, FloorRequest } from '../lib/floor-plan.ts';

const APPLY = 'application/apply-patch+yaml';
const HTTP1 = process.env['MCSYNC_BENCH_FLOOR_HTTP1'] === '1';

type Sender = (req: FloorRequest) => Promise<string | undefined>;

function failure(host: FloorHost, req: FloorRequest, status: number, text: string): string | undefined {
  return status >= 200 && status < 300
    ? undefined
    : `${host.name}: ${req.method} ${req.path}: HTTP ${status} ${text.slice(0, 200)}`;
}

function http2Sender(host: FloorHost): { send: Sender; close(): void } {
  const session = http2.connect(host.url, { ca: readFileSync(host.caFile) });
  const auth = `Bearer ${readFileSync(host.tokenFile, 'utf8').trim()}`;
  const send: Sender = (req) =>
    new Promise((resolve, reject) => {
      const headers: http2.OutgoingHttpHeaders = {
        ':method': req.method,
        ':path': req.path,
        authorization: auth,
        accept: 'application/json',
        ...(req.body !== undefined && { 'content-type': APPLY }),
      };
      const stream = session.request(headers, { endStream: req.body === undefined });
      let status = 0;
      const chunks: Buffer[] = [];
      stream.on('response', (head) => (status = Number(head[':status'])));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve(failure(host, req, status, Buffer.concat(chunks).toString('utf8'))));
      stream.on('error', reject);
      if (req.body !== undefined) stream.end(req.body);
    });
  return { send, close: () => session.close() };
}

function http1Sender(host: FloorHost, inflight: number): Sender {
  const url = new URL(host.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: inflight, ca: readFileSync(host.caFile) });
  const auth = `Bearer ${readFileSync(host.tokenFile, 'utf8').trim()}`;
  return (req) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { authorization: auth, accept: 'application/json' };
      if (req.body !== undefined) {
        headers['content-type'] = APPLY;
        headers['content-length'] = String(Buffer.byteLength(req.body));
      }
      const r = https.request(
        { host: url.hostname, port: url.port, path: req.path, method: req.method, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve(failure(host, req, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))),
          );
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(req.body);
    });
}

/** Sends one wave with at most `inflight` requests in flight; returns the failures. */
async function sendWave(send: Sender, wave: readonly FloorRequest[], inflight: number): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < wave.length) {
      const failure = await send(wave[next++]!);
      if (failure) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inflight, wave.length) }, worker));
  return failures;
}

const plan = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as FloorPlan;
const failures = (
  await Promise.all(
    plan.hosts.map(async (host) => {
      const h2 = HTTP1 ? undefined : http2Sender(host);
      const send = h2?.send ?? http1Sender(host, plan.inflight);
      const out: string[] = [];
      for (const wave of plan.waves[host.name] ?? [])
        out.push(...(await sendWave(send, wave, plan.inflight)));
      h2?.close();
      return out;
    }),
  )
).flat();
const total = plan.hosts.reduce((sum, h) => sum + (plan.waves[h.name] ?? []).flat().length, 0);
console.log(`floor: ${total} requests, ${failures.length} failed`);
if (failures.length) {
  console.error(failures.slice(0, 5).join('\n'));
  process.exitCode = 1;
}
process.exit();
