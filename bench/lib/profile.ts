/**
 * Summarises a V8 .cpuprofile (`node --cpu-prof`) into where the time went: idle (waiting on
 * the API servers), GC, self time by area (mcsync's own source directories, each dependency,
 * Node internals) and the functions with the most self time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileSummary } from './results.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}

/** Area of a call frame: `mcsync/<dir>`, a dependency name, `node internals` or a V8 pseudo-frame. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  const dep = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dep) return dep[1]!;
  const own = /\/(?:dist|src)\/([^/]+)\//.exec(url);
  if (own) return `mcsync ${own[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  if (!url && functionName.startsWith('(')) return functionName;
  return url ? 'other' : '(native)';
}

/** The summary of one profile file. */
export function summarizeProfile(
  file: string,
  label: string,
  wallSeconds: number,
  topCount = 8,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const areas = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; us: number }>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = frames.get(id)!;
    totalUs += us;
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    if (area.startsWith('(')) continue;
    const where = `${frame.url.replace(/^.*?\/(node_modules|dist|src)\//, '$1/')}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${where}`;
    const entry = fns.get(key) ?? { fn: frame.functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    fns.set(key, entry);
  }
  const ms = (us: number): number => Math.round(us / 1000);
  return {
    label,
    wallSeconds,
    totalMs: ms(totalUs),
    idleMs: ms(areas.get('(idle)') ?? 0),
    gcMs: ms(areas.get('(garbage collector)') ?? 0),
    areas: [...areas]
      .filter(([area]) => area !== '(idle)' && area !== '(root)')
      .map(([area, us]) => ({ area, ms: ms(us) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8),
    top: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topCount)
      .map((f) => ({ fn: f.fn, where: f.where, ms: ms(f.us) })),
  };
}

/** The largest .cpuprofile in a directory (the main thread's), or undefined. */
export function mainProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(dir, name));
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}
