/**
 * The kubectl peer, as a kubectl user would script it: `kubectl get -o json` on the source with
 * the server's fields stripped (bench/lib/strip.ts), then `kubectl apply --server-side` of that
 * list to every target, the targets in parallel. With --file, the manifests are given (the
 * create scenario) and only the applies run. bench/run.ts times this whole process.
 *
 *   node bench/peers/kubectl.ts --kubeconfig K --to west,south --from east --kinds namespaces,configmaps -l bench=sync --work DIR
 *   node bench/peers/kubectl.ts --kubeconfig K --to east,west,south --file manifests.json
 *
 * kubectl is `$MCSYNC_BENCH_KUBECTL` or the first `kubectl` on PATH; its discovery cache lives
 * in DIR/kubectl-cache (kept between runs, as a user's ~/.kube/cache is).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stripList } from '../lib/strip.ts';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    kinds: { type: 'string' },
    selector: { type: 'string', short: 'l' },
    file: { type: 'string' },
    work: { type: 'string', default: '.' },
  },
});
const kubectl = process.env['MCSYNC_BENCH_KUBECTL'] ?? 'kubectl';
const base = [
  '--kubeconfig',
  values.kubeconfig ?? '',
  '--cache-dir',
  join(values.work ?? '.', 'kubectl-cache'),
];

/** Runs kubectl; resolves with stdout, rejects with the tail of stderr on a non-zero exit. */
function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, [...base, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(
            new Error(
              `kubectl ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`,
            ),
          ),
    );
  });
}

let file = values.file;
if (!file) {
  const listed = await run([
    '--context',
    values.from ?? '',
    'get',
    values.kinds ?? '',
    '--all-namespaces',
    '-l',
    values.selector ?? '',
    '-o',
    'json',
  ]);
  file = join(values.work ?? '.', `kubectl-${values.from}.json`);
  writeFileSync(file, JSON.stringify(stripList(JSON.parse(listed))));
}
const targets = (values.to ?? '').split(',').filter(Boolean);
await Promise.all(
  targets.map((context) => run(['--context', context, 'apply', '--server-side', '-f', file])),
);
