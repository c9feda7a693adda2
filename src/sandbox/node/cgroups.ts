import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { signal } from '../processes.ts';

const CGROUP_FS = '/sys/fs/cgroup';

/**
 * The directories of cgroup `root` in every mounted hierarchy: the unified one
 * on cgroup v2 hosts, one per controller on v1 hosts (CI machines have either).
 */
async function mountPoints(): Promise<string[]> {
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  const points = mounts
    .split('\n')
    .map((line) => {
      const [pre = '', post = ''] = line.split(' - ');
      return { point: pre.split(' ')[4] ?? '', type: post.split(' ')[0] ?? '' };
    })
    .filter((m) => (m.type === 'cgroup' || m.type === 'cgroup2') && m.point.startsWith(CGROUP_FS))
    .map((m) => m.point);
  return points;
}

async function hierarchies(root: string): Promise<string[]> {
  return (await mountPoints()).map((p) => path.join(p, root));
}

/**
 * Creates cgroup `root` in every hierarchy (the kubelet requires its
 * --cgroup-root to exist). On a v1 cpuset hierarchy a new cgroup starts with
 * no CPUs or memory nodes, so they are copied from the hierarchy's root
 * (`root` is one level deep).
 */
export async function ensureCgroup(root: string): Promise<void> {
  for (const point of await mountPoints()) {
    const dir = path.join(point, root);
    await mkdir(dir, { recursive: true });
    if (path.basename(point).split(',').includes('cpuset')) {
      for (const file of ['cpuset.cpus', 'cpuset.mems']) {
        const parent = (await readFile(path.join(point, file), 'utf8').catch(() => '')).trim();
        const own = (await readFile(path.join(dir, file), 'utf8').catch(() => '')).trim();
        if (parent && !own) await writeFile(path.join(dir, file), parent);
      }
    }
  }
}

async function pidsUnder(dir: string): Promise<number[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const own = (await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map(Number);
  const nested = await Promise.all(
    entries.filter((e) => e.isDirectory()).map((e) => pidsUnder(path.join(dir, e.name))),
  );
  return [...own, ...nested.flat()];
}

/**
 * SIGKILLs every process in cgroup `root` and below: the pods' containers
 * (whose command lines name nothing of the sandbox) are found by the cgroup
 * the kubelet put them in. Returns how many were signalled.
 */
export async function killCgroup(root: string): Promise<number> {
  const pids = new Set((await Promise.all((await hierarchies(root)).map(pidsUnder))).flat());
  pids.forEach((pid) => signal(pid, 'SIGKILL'));
  return pids.size;
}

async function removeTree(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => removeTree(path.join(dir, e.name))));
  await rmdir(dir).catch(() => undefined);
}

/** Removes cgroup `root` and its children (bottom-up; a cgroup is removed with rmdir once empty). */
export async function removeCgroup(root: string): Promise<void> {
  await Promise.all((await hierarchies(root)).map(removeTree));
}
