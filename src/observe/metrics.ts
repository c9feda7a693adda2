/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * text exposition format 0.0.4. No dependency and no global state: the observer owns one
 * registry and the health server renders it. Metrics render sorted by name, series by labels.
 */

export type Labels = Record<string, string>;

export interface Counter {
  inc(labels?: Labels, n?: number): void;
}

export interface Gauge {
  set(labels: Labels, value: number): void;
  inc(labels?: Labels, n?: number): void;
  dec(labels?: Labels, n?: number): void;
}

export interface Histogram {
  observe(labels: Labels, value: number): void;
}

/** Prometheus client libraries' default buckets. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The content type of render()'s output. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Kind = 'counter' | 'gauge' | 'histogram';

interface HistogramSeries {
  counts: number[];
  sum: number;
  count: number;
}

interface Family {
  name: string;
  help: string;
  kind: Kind;
  labelNames: readonly string[];
  buckets: readonly number[];
  /** Keyed by the rendered label set (`a="x",b="y"`). */
  values: Map<string, number>;
  histograms: Map<string, HistogramSeries>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Holds metric families; registering a name twice returns the same metric (same kind only). */
export class MetricsRegistry {
  readonly #families = new Map<string, Family>();
  readonly #collectors: (() => void)[] = [];

  /** A monotonically increasing count. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    const family = this.#family(name, help, 'counter', labelNames, []);
    return {
      inc: (labels = {}, n = 1) => {
        if (n < 0) throw new Error(`counter ${name} cannot decrease (inc by ${n})`);
        add(family, labels, n);
      },
    };
  }

  /** A value that goes up and down. */
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    const family = this.#family(name, help, 'gauge', labelNames, []);
    return {
      set: (labels, value) => void family.values.set(labelKey(family, labels), value),
      inc: (labels = {}, n = 1) => add(family, labels, n),
      dec: (labels = {}, n = 1) => add(family, labels, -n),
    };
  }

  /** Observations counted into cumulative buckets (default DEFAULT_BUCKETS), with sum and count. */
  histogram(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    buckets: readonly number[] = DEFAULT_BUCKETS,
  ): Histogram {
    const sorted = [...new Set(buckets)].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
    const family = this.#family(name, help, 'histogram', labelNames, sorted);
    return {
      observe: (labels, value) => {
        const key = labelKey(family, labels);
        let series = family.histograms.get(key);
        if (!series) {
          series = { counts: family.buckets.map(() => 0), sum: 0, count: 0 };
          family.histograms.set(key, series);
        }
        family.buckets.forEach((le, i) => {
          if (value <= le && series) series.counts[i] = (series.counts[i] ?? 0) + 1;
        });
        series.sum += value;
        series.count += 1;
      },
    };
  }

  /** Runs `fn` before every render, to set gauges read from elsewhere (queue depth, stats). */
  onCollect(fn: () => void): void {
    this.#collectors.push(fn);
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    for (const collect of this.#collectors) collect();
    const lines: string[] = [];
    for (const family of [...this.#families.values()].sort((a, b) => compare(a.name, b.name))) {
      lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.kind}`);
      if (family.kind === 'histogram') renderHistogram(family, lines);
      else
        for (const key of [...family.values.keys()].sort(compare))
          lines.push(`${family.name}${key ? `{${key}}` : ''} ${formatValue(family.values.get(key) ?? 0)}`);
    }
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  #family(name: string, help: string, kind: Kind, labelNames: readonly string[], buckets: number[]): Family {
    const existing = this.#families.get(name);
    if (existing) {
      if (existing.kind !== kind)
        throw new Error(`metric ${name} is already registered as a ${existing.kind}`);
      return existing;
    }
    if (!NAME.test(name)) throw new Error(`invalid metric name '${name}'`);
    for (const label of labelNames)
      if (!LABEL.test(label) || label.startsWith('__') || (kind === 'histogram' && label === 'le'))
        throw new Error(`invalid label name '${label}' for metric ${name}`);
    const family: Family = {
      name,
      help,
      kind,
      labelNames,
      buckets,
      values: new Map(),
      histograms: new Map(),
    };
    this.#families.set(name, family);
    return family;
  }
}

function add(family: Family, labels: Labels, n: number): void {
  const key = labelKey(family, labels);
  family.values.set(key, (family.values.get(key) ?? 0) + n);
}

/** `a="x",b="y"` in the family's label order; unknown labels are an error, missing ones are ''. */
function labelKey(family: Family, labels: Labels): string {
  for (const name of Object.keys(labels))
    if (!family.labelNames.includes(name)) throw new Error(`metric ${family.name} has no label '${name}'`);
  return family.labelNames.map((name) => `${name}="${escapeLabel(labels[name] ?? '')}"`).join(',');
}

function renderHistogram(family: Family, lines: string[]): void {
  for (const key of [...family.histograms.keys()].sort(compare)) {
    const series = family.histograms.get(key);
    if (!series) continue;
    const prefix = key ? `${key},` : '';
    family.buckets.forEach((le, i) =>
      lines.push(`${family.name}_bucket{${prefix}le="${formatValue(le)}"} ${series.counts[i] ?? 0}`),
    );
    lines.push(`${family.name}_bucket{${prefix}le="+Inf"} ${series.count}`);
    const braces = key ? `{${key}}` : '';
    lines.push(`${family.name}_sum${braces} ${formatValue(series.sum)}`);
    lines.push(`${family.name}_count${braces} ${series.count}`);
  }
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
