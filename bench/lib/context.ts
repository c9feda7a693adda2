/** What every scenario gets from bench/run.ts. */
import type { BenchSandbox } from './cluster.ts';
import type { ComparisonPoint, Tool } from './results.ts';

export interface BenchContext {
  sandbox: BenchSandbox;
  /** Scratch directory for generated vars, manifests, inventories and profiles. */
  work: string;
  /** Runs per point (pairs of runs for the comparisons). */
  runs: number;
  quick: boolean;
  log: (message: string) => void;
  /** The tools the comparisons run (mcsync always among them); default every tool. */
  tools?: readonly Tool[];
  /** Called with a point after each of its pairs, so a long run keeps its partial results. */
  progress?: (point: ComparisonPoint) => void;
}
