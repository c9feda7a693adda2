/**
 * The floor: a bare client that sends only the requests of a plan (bench/lib/floor-plan.ts) —
 * no discovery, no reads it does not need, no bookkeeping — over one keep-alive agent per host
 * with `inflight` requests in flight, every host at once. bench/run.ts times this process.
 *
 *   node bench/peers/floor.ts PLAN.json
 *
 * Exits 1 when any request is answered outside 2xx (the first few are printed).
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { FloorHost, FloorPlan, FloorRequest } from '../lib/floor-plan.ts';

const APPLY = 'application/apply-patch+yaml';

function sender(host: FloorHost, inflight: number): (req: FloorRequest) => Promise<string | undefined> {
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
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve(
              status >= 200 && status < 300
                ? undefined
                : `${host.name}: ${req.method} ${req.path}: HTTP ${status} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`,
            );
          });
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(req.body);
    });
}

/** Sends one wave with at most `inflight` requests in flight; returns the failures. */
async function sendWave(
  send: (req: FloorRequest) => Promise<string | undefined>,
  wave: readonly FloorRequest[],
  inflight: number,
): Promise<string[]> {
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
      const send = sender(host, plan.inflight);
      const out: string[] = [];
      for (const wave of plan.waves[host.name] ?? [])
        out.push(...(await sendWave(send, wave, plan.inflight)));
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
