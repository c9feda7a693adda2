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
import { bareClient, floorProtocol } from '../lib/bare-client.ts';
import type { FloorHost, FloorPlan, FloorRequest } from '../lib/floor-plan.ts';

type Sender = (req: FloorRequest) => Promise<string | undefined>;

/** The failure of one answer (outside 2xx), or undefined. */
function failure(host: FloorHost, req: FloorRequest, status: number, text: string): string | undefined {
  return status >= 200 && status < 300
    ? undefined
    : `${host.name}: ${req.method} ${req.path}: HTTP ${status} ${text.slice(0, 200)}`;
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
      const client = bareClient(
        floorProtocol(),
        { url: host.url, ca: readFileSync(host.caFile), token: readFileSync(host.tokenFile, 'utf8').trim() },
        plan.inflight,
      );
      const send: Sender = async (req) => {
        const { status, text } = await client.send(req);
        return failure(host, req, status, text);
      };
      const out: string[] = [];
      for (const wave of plan.waves[host.name] ?? [])
        out.push(...(await sendWave(send, wave, plan.inflight)));
      client.close();
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
