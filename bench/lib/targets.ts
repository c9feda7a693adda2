/**
 * The issue's targets, judged from the results: mcsync ≥100× faster than ansible-playbook on the
 * sync scenario at N=1,000, its no-op rerun under 2 s, watch p99 under 1 s, cost growing
 * linearly or better. Each verdict carries the measured numbers; unmeasured ones say so.
 */
import type { BenchResults, ComparisonPoint, CpuRecord, Phase, ScalePoint, Tool } from './results.ts';
import { median, percentile, spread } from './stats.ts';

/** One row of the targets table. */
export interface Verdict {
  target: string;
  measured: string;
  met: boolean | undefined;
}

/**
 * `tool` time / mcsync time in each round of a point that ran both, for one phase (above 1:
 * mcsync was faster). For the floor, use floorRatios.
 */
export function ratios(point: ComparisonPoint, phase: Phase, tool: Tool = 'ansible'): number[] {
  return point.runs
    .map((run) => (run[tool]?.[phase]?.seconds ?? Number.NaN) / (run.mcsync[phase]?.seconds ?? Number.NaN))
    .filter(Number.isFinite);
}

/** mcsync time / floor time in each round that ran both (1 is as fast as the API servers allow). */
export function floorRatios(point: ComparisonPoint, phase: Phase): number[] {
  return ratios(point, phase, 'floor').map((r) => 1 / r);
}

/** Median seconds of one tool and phase at a point, over the rounds that ran it. */
export function medianSeconds(point: ComparisonPoint, tool: Tool, phase: Phase): number {
  return median(point.runs.map((run) => run[tool]?.[phase]?.seconds ?? Number.NaN).filter(Number.isFinite));
}

/** Marginal seconds per object write between consecutive points of a curve. */
export function marginals(
  points: ScalePoint[],
  writes: (p: ScalePoint) => number,
): Array<{ from: ScalePoint; to: ScalePoint; usPerWrite: number }> {
  const sorted = [...points].sort((a, b) => writes(a) - writes(b));
  const out = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const dt = median(b.runs.map((r) => r.first.seconds)) - median(a.runs.map((r) => r.first.seconds));
    const dw = writes(b) - writes(a);
    if (dw > 0) out.push({ from: a, to: b, usPerWrite: (dt / dw) * 1e6 });
  }
  return out;
}

/** Object writes of a scale point: objects (plus their namespaces) times target clusters. */
export function scaleWrites(p: ScalePoint): number {
  return p.objects * (p.clusters - 1);
}

/** Median first-run seconds per object write at each point of a curve, smallest first. */
export function perWrite(points: ScalePoint[]): Array<{ point: ScalePoint; usPerWrite: number }> {
  return [...points]
    .sort((a, b) => scaleWrites(a) - scaleWrites(b))
    .map((point) => ({
      point,
      usPerWrite: (median(point.runs.map((r) => r.first.seconds)) / scaleWrites(point)) * 1e6,
    }));
}

/**
 * Linear cost with a fixed start-up makes the time per object write fall as the work grows;
 * superlinear cost makes it rise. Met when, on each curve, the time per write at the largest
 * point is at most 1.25× the lowest time per write of the smaller points (25% for the noise
 * of a shared machine).
 */
function linearity(results: BenchResults): Verdict {
  const target =
    'cost grows linearly or better in objects × clusters (time per object write at the largest point ≤ 1.25× the best smaller point)';
  const fixed = Math.max(0, ...results.scale.filter((p) => p.clusters !== 3).map((p) => p.objects));
  const curves = [
    ['objects (3 clusters)', perWrite(results.scale.filter((p) => p.clusters === 3))],
    [`clusters (${fixed} objects)`, perWrite(results.scale.filter((p) => p.objects === fixed))],
  ] as const;
  const parts: string[] = [];
  let met: boolean | undefined;
  for (const [name, curve] of curves) {
    if (curve.length < 2) continue;
    const last = curve.at(-1)!.usPerWrite;
    const best = Math.min(...curve.slice(0, -1).map((c) => c.usPerWrite));
    met = (met ?? true) && last <= 1.25 * best;
    const cpu = curve.map(
      (c) => median(c.point.runs.map((r) => r.first.cpuSeconds ?? Number.NaN)) / scaleWrites(c.point),
    );
    const cpuText = cpu.every(Number.isFinite)
      ? ` (mcsync's own CPU: ${cpu.map((x) => (x * 1000).toFixed(2)).join(' → ')} ms per write)`
      : '';
    parts.push(
      `${name}: ${curve.map((c) => (c.usPerWrite / 1000).toFixed(1)).join(' → ')} ms per object write${cpuText}`,
    );
  }
  return { target, measured: parts.length ? parts.join('; ') : 'not measured', met };
}

/**
 * The no-op rerun at 1,000 objects to 2 slaves (median under 2 s): from scenario 2, else from the
 * scale curve's point with the same work (same playbook and objects, 3 clusters).
 */
function noopVerdict(results: BenchResults): Verdict {
  const target = 'mcsync no-op rerun < 2 s (median), 1,000 objects to 2 slaves';
  const sync = results.sync.find((p) => p.n === 1000);
  const scale = results.scale.find((p) => p.objects === 1000 && p.clusters === 3);
  const noop = sync
    ? sync.runs.map((run) => run.mcsync.noop?.seconds ?? Number.NaN)
    : (scale?.runs.map((run) => run.noop.seconds) ?? []);
  if (noop.length === 0) return { target, measured: 'not measured', met: undefined };
  const source = sync ? 'scenario 2' : 'scale curve, same work';
  return {
    target,
    measured: `${median(noop).toFixed(2)} s (runs: ${spread(noop)} s; ${source})`,
    met: median(noop) < 2,
  };
}

/** `median× (range)` of ratios, or undefined without any. */
function ratioText(r: number[], digits = 2): string | undefined {
  return r.length ? `${median(r).toFixed(digits)}× (rounds: ${spread(r, digits)}×)` : undefined;
}

/**
 * Issue 19's targets at 1,000 objects to 2 slaves: the first sync within 1.15× of the floor
 * measured in the same rounds and ahead of kubectl and fast Ansible; the no-op rerun within
 * 1.5× of its floor (the LISTs only, plus process start-up).
 */
function peerVerdicts(results: BenchResults): Verdict[] {
  const p = results.sync.find((x) => x.n === 1000);
  const floorFirst = p ? floorRatios(p, 'first') : [];
  const floorNoop = p ? floorRatios(p, 'noop') : [];
  const ahead = (['kubectl', 'ansibleFast'] as const).map((tool) => ({
    tool,
    r: p ? ratios(p, 'first', tool) : [],
  }));
  const aheadMeasured = ahead.filter((a) => a.r.length);
  return [
    {
      target:
        'first sync of 1,000 objects to 2 slaves within 1.15× of the floor (mcsync / floor, same rounds)',
      measured: ratioText(floorFirst) ?? 'not measured',
      met: floorFirst.length ? median(floorFirst) <= 1.15 : undefined,
    },
    {
      target:
        'first sync of 1,000 objects to 2 slaves ahead of kubectl and fast Ansible (their time / mcsync)',
      measured: aheadMeasured.length
        ? aheadMeasured.map((a) => `${a.tool} ${ratioText(a.r)}`).join('; ')
        : 'not measured',
      met: aheadMeasured.length === 2 ? aheadMeasured.every((a) => median(a.r) > 1) : undefined,
    },
    {
      target:
        'no-op rerun of 1,000 objects to 2 slaves within 1.5× of its floor (LISTs only, plus process start-up)',
      measured: ratioText(floorNoop) ?? 'not measured',
      met: floorNoop.length ? median(floorNoop) <= 1.5 : undefined,
    },
  ];
}

/** CPU per object write of a record, whole process and marginal (first run minus no-op rerun). */
export function cpuPerWrite(record: CpuRecord): { wholeMs: number; marginalMs: number } {
  const writes = record.objects * record.slaves;
  const first = median(record.runs.map((r) => r.first.cpuSeconds ?? Number.NaN));
  const noop = median(record.runs.map((r) => r.noop.cpuSeconds ?? Number.NaN));
  return { wholeMs: (first / writes) * 1000, marginalMs: ((first - noop) / writes) * 1000 };
}

/** mcsync's CPU per object write at 10,000 objects ≤ 0.2 ms, from the latest cpu-per-write record. */
function cpuVerdict(results: BenchResults): Verdict {
  const target =
    "mcsync's CPU time per object write ≤ 0.2 ms at 10,000 objects (whole process: user + system / writes)";
  // Records count the objects with their namespaces (10,005 for 10,000).
  const record = [...results.cpu].reverse().find((r) => r.objects >= 10000);
  if (!record) return { target, measured: 'not measured', met: undefined };
  const { wholeMs, marginalMs } = cpuPerWrite(record);
  return {
    target,
    measured: `${wholeMs.toFixed(3)} ms (${record.label}; without start-up and LISTs, first run − no-op: ${marginalMs.toFixed(3)} ms)`,
    met: wholeMs <= 0.2,
  };
}

/** Every target with its verdict. */
export function verdicts(results: BenchResults): Verdict[] {
  const sync1000 = results.sync.find((p) => p.n === 1000);
  const out: Verdict[] = [];
  if (sync1000) {
    const r = ratios(sync1000, 'first');
    const m = median(r);
    out.push({
      target: 'mcsync ≥ 100× faster than ansible-playbook, sync N = 1,000, first run',
      measured: `${m.toFixed(0)}× (pairs: ${spread(r, 0)}×)`,
      met: m >= 100,
    });
  } else {
    out.push({
      target: 'mcsync ≥ 100× faster than ansible-playbook, sync N = 1,000',
      measured: 'not measured',
      met: undefined,
    });
  }
  out.push(noopVerdict(results));
  const w = results.watch;
  if (w?.status === 'ok' && w.mcsync) {
    const p99 = percentile(w.mcsync.latenciesMs, 99);
    out.push({
      target: 'watch p99 < 1 s (mcsync observe, in-process trigger)',
      measured: `${(p99 / 1000).toFixed(2)} s over ${w.mcsync.latenciesMs.length} changes${w.mcsync.missed ? `, ${w.mcsync.missed} missed` : ''}`,
      met: p99 < 1000 && w.mcsync.missed === 0,
    });
  } else {
    out.push({
      target: 'watch p99 < 1 s',
      measured: w ? `not measured: ${w.reason ?? w.status}` : 'not measured',
      met: undefined,
    });
  }
  out.push(linearity(results));
  out.push(...peerVerdicts(results), cpuVerdict(results));
  return out;
}
