/**
 * Benchmark for issue 6 (copy-image): on a 3-cluster sandbox in `.sandbox-bench-image/`
 * (east = master, west + south = targets, real registries, real skopeo):
 *
 *  1. a fresh 5-layer image (random, incompressible layers) copied to the 2 targets by
 *     `mcsync-play playbooks/copy-image.yml`, against plain `skopeo copy` run for one target after
 *     the other (credentials and CA prepared beforehand, not timed); the ratio of wall times;
 *  2. a no-op `--check` of 50 images already on both targets (target: under 2 s).
 *
 *   npm run build && node bench/copy-image.ts [--runs 3] [--layer-mb 8] [--images 50]
 *
 * Times are wall times of whole processes (mcsync-play start-up included).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { pushLayout, writeLayeredImage, type RegistryLogin } from '../test/support/oci-images.ts';
import { mcsyncPlayCommand, withThisNode } from './lib/exec.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'layer-mb': { type: 'string', default: '8' },
    images: { type: 'string', default: '50' },
  },
});
const runs = Number(values.runs);
const layerBytes = Number(values['layer-mb']) * 1024 * 1024;
const imageCount = Number(values.images);
const dir = join(root, '.sandbox-bench-image');
const inventory = join(dir, 'inventory.yml');

interface Host {
  name: string;
  login: RegistryLogin;
}

function mcsync(args: string[]): void {
  execFileSync(process.execPath, [join(root, 'bin/mcsync.js'), ...args], { cwd: root, stdio: 'inherit' });
}

function hosts(): Host[] {
  const inv = parse(readFileSync(inventory, 'utf8')) as {
    all: { children: Record<string, { hosts: Record<string, Record<string, string>> }> };
  };
  const ca = readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8');
  const all = { ...inv.all.children['master']!.hosts, ...inv.all.children['slaves']!.hosts };
  return Object.entries(all).map(([name, v]) => ({
    name,
    login: {
      registry: v['registry']!,
      ca,
      username: v['registry_username']!,
      password: readFileSync(v['registry_password_file']!, 'utf8').trim(),
    },
  }));
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface PlayTimes {
  /** Wall time of the whole mcsync-play process. */
  seconds: number;
  /** Time of the image_copy tasks alone (engine's task durations, start-up excluded). */
  taskSeconds: number;
  changed: number;
  failed: number;
}

/** Runs mcsync-play copy-image with `vars` (JSON output); returns its times and recap totals. */
function play(vars: object, extra: string[] = []): PlayTimes {
  const start = process.hrtime.bigint();
  const args = ['playbooks/copy-image.yml', '-i', inventory, '--output', 'json'];
  const result = spawnSync(mcsyncPlayCommand, [...args, '-e', JSON.stringify(vars), ...extra], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...withThisNode(), NO_COLOR: '1' },
  });
  const wall = seconds(start);
  if (result.status !== 0)
    throw new Error(`mcsync-play exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  const doc = JSON.parse(result.stdout) as {
    plays: { tasks: { module: string; durationMs: number }[] }[];
    recap: Record<string, { changed: number; failed: number }>;
  };
  const tasks = doc.plays.flatMap((p) => p.tasks).filter((t) => t.module === 'image_copy');
  const recaps = Object.values(doc.recap);
  return {
    seconds: wall,
    taskSeconds: tasks.reduce((sum, t) => sum + t.durationMs, 0) / 1000,
    changed: recaps.reduce((sum, r) => sum + r.changed, 0),
    failed: recaps.reduce((sum, r) => sum + r.failed, 0),
  };
}

/** Auth files and cert dir for plain skopeo (prepared once, outside the timings). */
function plainSetup(all: Host[]): { work: string; authFile: (h: Host) => string; certDir: string } {
  const work = mkdtempSync(join(tmpdir(), 'bench-skopeo-'));
  const certDir = join(work, 'certs');
  mkdirSync(certDir);
  writeFileSync(join(certDir, 'ca.crt'), all[0]!.login.ca);
  for (const h of all) {
    const auth = Buffer.from(`${h.login.username}:${h.login.password}`).toString('base64');
    writeFileSync(join(work, `${h.name}.json`), JSON.stringify({ auths: { [h.login.registry]: { auth } } }), {
      mode: 0o600,
    });
  }
  return { work, authFile: (h) => join(work, `${h.name}.json`), certDir };
}

function plainCopy(setup: ReturnType<typeof plainSetup>, src: Host, dest: Host, name: string): void {
  execFileSync('skopeo', [
    'copy',
    '--quiet',
    '--src-authfile',
    setup.authFile(src),
    '--src-cert-dir',
    setup.certDir,
    '--dest-authfile',
    setup.authFile(dest),
    '--dest-cert-dir',
    setup.certDir,
    `docker://${src.login.registry}/${name}`,
    `docker://${dest.login.registry}/${name}`,
  ]);
}

async function pushFresh(master: Host, name: string, layers: number, bytes: number): Promise<void> {
  const layout = mkdtempSync(join(tmpdir(), 'bench-oci-'));
  try {
    await writeLayeredImage(layout, { layers, layerBytes: bytes });
    await pushLayout(layout, master.login, name);
  } finally {
    rmSync(layout, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(dir, 'state.json'))) mcsync(['sandbox', 'up', '--dir', dir, '--clusters', '3']);
  const [master, ...targets] = hosts();
  if (!master || targets.length !== 2) throw new Error('expected 3 clusters in the bench sandbox');
  const setup = plainSetup([master, ...targets]);
  const stamp = Date.now().toString(36);
  const rows: string[] = [];
  try {
    for (let run = 1; run <= runs; run += 1) {
      const a = `bench-${stamp}/five-a-${run}:v1`;
      const b = `bench-${stamp}/five-b-${run}:v1`;
      await pushFresh(master, a, 5, layerBytes);
      await pushFresh(master, b, 5, layerBytes);
      const ours = play({ images: [a] });
      const start = process.hrtime.bigint();
      for (const t of targets) plainCopy(setup, master, t, b);
      const plain = seconds(start);
      if (ours.changed !== 2) throw new Error(`expected 2 copies, got changed=${ours.changed}`);
      rows.push(
        `| ${run} | ${ours.seconds.toFixed(2)} | ${ours.taskSeconds.toFixed(2)} | ${plain.toFixed(2)} | ` +
          `${(plain / ours.seconds).toFixed(2)} | ${(plain / ours.taskSeconds).toFixed(2)} | ${loadavg()[0]?.toFixed(1)} |`,
      );
      console.log(rows.at(-1));
    }
    const names = Array.from({ length: imageCount }, (_, i) => `bench-${stamp}/small-${i}:v1`);
    const layout = mkdtempSync(join(tmpdir(), 'bench-oci-'));
    await writeLayeredImage(layout, { layers: 2 });
    for (let i = 0; i < names.length; i += 5)
      await Promise.all(names.slice(i, i + 5).map((n) => pushLayout(layout, master.login, n)));
    rmSync(layout, { recursive: true, force: true });
    const first = play({ images: names, copy_image_concurrency: 8 });
    console.log(`first copy of ${imageCount} images to 2 targets: ${first.seconds.toFixed(2)} s`);
    const checks: string[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const check = play({ images: names, copy_image_concurrency: 8 }, ['--check']);
      if (check.changed !== 0 || check.failed !== 0)
        throw new Error(`the no-op check changed something: changed=${check.changed} failed=${check.failed}`);
      checks.push(
        `| ${run} | ${check.seconds.toFixed(2)} | ${check.taskSeconds.toFixed(2)} | ${loadavg()[0]?.toFixed(1)} |`,
      );
    }
    console.log(
      `\nmachine: ${cpus().length} cores / ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    );
    console.log(`layers: 5 x ${values['layer-mb']} MiB (random)\n`);
    console.log(
      '| run | mcsync-play, 2 targets (s) | its image_copy task (s) | skopeo, one target after the other (s) | ratio skopeo/mcsync (process) | ratio skopeo/mcsync (task) | load avg |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
    console.log(
      `\nno-op --check of ${imageCount} images x 2 targets (first copy ${first.seconds.toFixed(2)} s):\n`,
    );
    console.log('| run | mcsync-play --check (s) | its image_copy task (s) | load avg |');
    console.log('|---|---|---|---|');
    for (const row of checks) console.log(row);
  } finally {
    rmSync(setup.work, { recursive: true, force: true });
  }
}

await main();
