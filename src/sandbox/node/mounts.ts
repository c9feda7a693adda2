import { readFile } from 'node:fs/promises';
import { run } from '../exec.ts';

/** Mount points at or below `dir`, deepest first, from /proc/self/mountinfo. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\040/g, ' '))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Unmounts everything a node mounted under its directory (container root
 * filesystems, the kubelet's secret and projected-token tmpfs volumes, network
 * namespaces), deepest first and lazily, so the directory can then be deleted.
 */
export async function unmountUnder(dir: string): Promise<void> {
  for (const point of await mountsUnder(dir)) {
    await run('umount', ['-l', point]).catch(() => undefined);
  }
}
