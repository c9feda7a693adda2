/** What every scenario gets from bench/run.ts. */
import type { BenchSandbox } from './cluster.ts';
import type { ComparisonPoint } from './results.ts';

export interface BenchContext {
  sandbox: BenchSandbox;
  /** Scratch directory for generated vars, manifests, inventories and profiles. */
  work: string;
  /** Runs per point (pairs of runs for the comparisons). */
  runs: number;
  quick: boolean;
  log: (message: string) => void;
  /** Called with a point after each of its pairs, so a long run keeps its partial results. */
  progress?: (point: ComparisonPoint) => void;
}

/** Alternates which tool goes first in each pair, so neither always gets a warmer cluster. */
export function toolOrder(run: number): Array<'mcsync' | 'ansible'> {
  return run % 2 === 0 ? ['mcsync', 'ansible'] : ['ansible', 'mcsync'];
}
