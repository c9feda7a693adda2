/**
 * The PNG chart of docs/BENCHMARKS.md: wall time against objects, one line per tool (sync and
 * create, log–log), and mcsync's time against clusters. Vega-Lite compiled to Vega, rendered to
 * SVG headless, rasterised by resvg (no system libraries; fonts from the system, DejaVu Sans).
 */
import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { TOOLS, type BenchResults, type ComparisonPoint, type Tool } from './results.ts';
import { median } from './stats.ts';
import { medianSeconds } from './targets.ts';

interface Row {
  x: number;
  seconds: number;
  tool: string;
}

function panel(title: string, xTitle: string, rows: Row[], logX: boolean): Record<string, unknown> {
  return {
    title,
    width: 300,
    height: 260,
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: xTitle,
        scale: logX ? { type: 'log' } : { zero: false },
        axis: logX ? {} : { tickMinStep: 1 },
      },
      y: { field: 'seconds', type: 'quantitative', title: 'wall time, median (s)', scale: { type: 'log' } },
      color: {
        field: 'tool',
        type: 'nominal',
        title: null,
        scale: {
          domain: TOOLS.map((t) => LEGEND[t]),
          range: ['#1f77b4', '#d62728', '#ff7f0e', '#2ca02c', '#7f7f7f'],
        },
      },
    },
  };
}

/** Short names of the tools in the chart's legend. */
const LEGEND: Record<Tool, string> = {
  mcsync: 'mcsync',
  ansible: 'ansible-playbook',
  ansibleFast: 'ansible-playbook, whole list',
  kubectl: 'kubectl',
  floor: 'floor',
};

/** A point's first-run median of every tool that ran there. */
function toolRows(p: ComparisonPoint, x: number): Row[] {
  return TOOLS.map((tool) => ({ x, seconds: medianSeconds(p, tool, 'first'), tool: LEGEND[tool] })).filter(
    (r) => Number.isFinite(r.seconds),
  );
}

/** The rows of each panel, from whatever the results hold. */
export function chartRows(results: BenchResults): { sync: Row[]; create: Row[]; clusters: Row[] } {
  const sync: Row[] = results.sync.flatMap((p) => toolRows(p, p.n));
  for (const p of results.scale.filter(
    (s) => s.clusters === 3 && !results.sync.some((q) => q.n === s.objects),
  ))
    sync.push({ x: p.objects, seconds: median(p.runs.map((r) => r.first.seconds)), tool: 'mcsync' });
  const create: Row[] = results.create.flatMap((p) => toolRows(p, p.objectsPerCluster * p.clusters));
  const fixed = Math.max(0, ...results.scale.filter((s) => s.clusters !== 3).map((s) => s.objects));
  const clusters = results.scale
    .filter((s) => s.objects === fixed)
    .map((s) => ({ x: s.clusters, seconds: median(s.runs.map((r) => r.first.seconds)), tool: 'mcsync' }));
  const byX = (a: Row, b: Row): number => a.x - b.x;
  return { sync: sync.sort(byX), create: create.sort(byX), clusters: clusters.sort(byX) };
}

/** Renders the chart to a PNG file. */
export async function writeChart(results: BenchResults, file: string): Promise<void> {
  const rows = chartRows(results);
  const fixed = Math.max(0, ...results.scale.filter((s) => s.clusters !== 3).map((s) => s.objects));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { font: 'DejaVu Sans' },
    background: 'white',
    hconcat: [
      panel('sync to 2 slaves, first run', 'objects', rows.sync, true),
      panel('create on 3 clusters', 'objects written', rows.create, true),
      panel(`mcsync sync of ${fixed} objects`, 'clusters (1 master + slaves)', rows.clusters, false),
    ],
  } as unknown as TopLevelSpec;
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, {
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  writeFileSync(file, png);
}
