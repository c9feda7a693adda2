/**
 * Benchmark for issue 4: sync 500 objects of mixed kinds (ConfigMaps, Secrets, Services,
 * ServiceAccounts in 5 namespaces) from the master to 2 slaves on the local sandbox; first run
 * and a no-op rerun, wall time and peak RSS of the mcsync-play process (/usr/bin/time -v).
 *
 *   npm run build && node bench/sync-500.ts [--objects 500] [--runs 3]
 *
 * Targets: first run under 10 s, no-op rerun under 2 s. Results go into docs/BENCHMARKS.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mcsyncPlayCommand, withThisNode } from './lib/exec.ts';
import { mixedObjects } from './lib/workload.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { objects: { type: 'string', default: '500' }, runs: { type: 'string', default: '3' } },
});
const total = Number(values.objects);
const runs = Number(values.runs);
const dir = join(root, '.sandbox-bench');
const work = join(dir, 'work');
const inventory = join(dir, 'inventory.yml');
const namespaces = ['bench-0', 'bench-1', 'bench-2', 'bench-3', 'bench-4'];

function mcsync(args: string[]): void {
  execFileSync(process.execPath, [join(root, 'bin/mcsync.js'), ...args], { cwd: root, stdio: 'inherit' });
}

/** Runs mcsync-play under /usr/bin/time -v; returns wall seconds, peak RSS in MB and the recap lines. */
function timedPlay(
  playbook: string,
  extra: string[] = [],
): { seconds: number; rssMb: number; recap: string } {
  const result = spawnSync(
    '/usr/bin/time',
    ['-v', mcsyncPlayCommand, playbook, '-i', inventory, '--output', 'plain', ...extra],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ...withThisNode(), NO_COLOR: '1' },
    },
  );
  if (result.status !== 0)
    throw new Error(`mcsync-play ${playbook} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(
    result.stderr,
  )!;
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)![1]);
  const recap = result.stdout.slice(result.stdout.indexOf('PLAY RECAP')).trim();
  return { seconds, rssMb: Math.round(rssKb / 1024), recap };
}

/** `count` objects in the bench namespaces, the mix of bench/lib/workload.ts, as one YAML stream. */
function manifests(count: number): string {
  return mixedObjects(count, namespaces)
    .map((doc) => JSON.stringify(doc))
    .join('\n---\n');
}

mkdirSync(work, { recursive: true });
mcsync(['sandbox', 'up', '--dir', dir]);
writeFileSync(join(work, 'objects.yml'), manifests(total));
writeFileSync(
  join(work, 'seed.yml'),
  `- hosts: master\n  tasks:\n    - k8s:\n        src: ${join(work, 'objects.yml')}\n        apply: true\n`,
);
const selector = (kind: string): string => `        - { kind: ${kind}, label_selector: bench=sync }`;
writeFileSync(
  join(work, 'sync.yml'),
  `- hosts: slaves\n  tasks:\n    - k8s_sync:\n        create_namespace: true\n        objects:\n${['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount'].map(selector).join('\n')}\n`,
);
const seeded = timedPlay(join(work, 'seed.yml'));
console.log(`seeded ${total} objects on the master in ${seeded.seconds.toFixed(2)} s`);

const rows: string[] = [];
for (let run = 1; run <= runs; run++) {
  // A first run needs empty slaves: delete the namespaces there (the namespace controller finishes it).
  for (const host of ['west', 'south']) {
    for (const ns of namespaces)
      spawnSync(
        'kubectl',
        [
          '--kubeconfig',
          join(dir, 'kubeconfig'),
          '--context',
          host,
          'delete',
          'namespace',
          ns,
          '--wait=true',
          '--ignore-not-found',
        ],
        { stdio: 'ignore' },
      );
  }
  const first = timedPlay(join(work, 'sync.yml'));
  const noop = timedPlay(join(work, 'sync.yml'));
  if (!/changed=0/.test(noop.recap.split('\n')[1] ?? ''))
    throw new Error(`no-op rerun changed something:\n${noop.recap}`);
  rows.push(
    `| ${run} | ${first.seconds.toFixed(2)} | ${first.rssMb} | ${noop.seconds.toFixed(2)} | ${noop.rssMb} |`,
  );
  console.log(rows.at(-1));
}
console.log(
  `\nmachine: ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
console.log(
  `| run | first sync (s) | first peak RSS (MB) | no-op rerun (s) | no-op peak RSS (MB) |\n|---|---|---|---|---|\n${rows.join('\n')}`,
);
