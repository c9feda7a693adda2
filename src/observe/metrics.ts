/**
 * The observer's Prometheus metrics, on prom-client: it keeps the values, computes summary
 * quantiles, collects Node's process metrics and writes the text exposition format 0.0.4. This
 * file adds what the observer needs on top:
 *
 * - a prom-client Registry per MetricsRegistry, never the global default one, so tests and
 *   several observers in one process do not collide;
 * - get-or-create registration (a name registered twice is the same metric, of the same kind);
 * - label checks whose messages name the metric and the label;
 * - a stable order (metrics by name, series by labels, as client_golang gathers them), so two
 *   scrapes diff cleanly and tests can compare exact lines.
 *
 * This is the one declaration of the metric interfaces; the observer's own metrics are
 * registered in observe-metrics.ts. Only the observer loads this file (and prom-client):
 * `mcsync play` never does.
 */
import {
  Counter as PromCounter,
  Gauge as PromGauge,
  Histogram as PromHistogram,
  Registry,
  Summary as PromSummary,
  collectDefaultMetrics,
} from 'prom-client';

export type Labels = Record<string, string>;

export interface Counter {
  inc(labels?: Labels, n?: number): void;
}

export interface Gauge {
  set(labels: Labels, value: number): void;
  inc(labels?: Labels, n?: number): void;
  dec(labels?: Labels, n?: number): void;
}

/** A histogram or a summary: both take observations (durations, sizes) per label set. */
export interface Distribution {
  observe(labels: Labels, value: number): void;
}

/** The registry the observer writes to and the health server renders. */
export interface Metrics {
  /** A monotonically increasing count. */
  counter(name: string, help: string, labelNames?: readonly string[]): Counter;
  /** A value that goes up and down. */
  gauge(name: string, help: string, labelNames?: readonly string[]): Gauge;
  /** Observations counted into cumulative buckets (default DEFAULT_BUCKETS), with sum and count. */
  histogram(
    name: string,
    help: string,
    labelNames?: readonly string[],
    buckets?: readonly number[],
  ): Distribution;
  /** Observations as quantiles over a sliding window (SUMMARY_DEFAULTS), with sum and count. */
  summary(name: string, help: string, labelNames?: readonly string[]): Distribution;
  /** Runs `fn` before every render, to set gauges read from elsewhere (queue depth, stats). */
  onCollect(fn: () => void): void;
  /** Every metric in the text exposition format 0.0.4, sorted by name. */
  render(): Promise<string>;
}

/** Prometheus client libraries' default buckets. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What a summary reports, as `oc observe`'s summaries did (client_golang's defaults of its time):
 * the median, 90th and 99th percentiles over the last 10 minutes, in 5 rotating buckets.
 */
export const SUMMARY_DEFAULTS = { percentiles: [0.5, 0.9, 0.99], maxAgeSeconds: 600, ageBuckets: 5 } as const;

/** The content type of render()'s output. */
export const METRICS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

type Kind = 'counter' | 'gauge' | 'histogram' | 'summary';
type PromMetric = PromCounter | PromGauge | PromHistogram | PromSummary;
type MetricData = Awaited<ReturnType<PromMetric['get']>>;

/** prom-client's formatter of one metric's data (public on Registry, though not in its typings). */
interface Formatter {
  getMetricsAsString(metric: { get(): Promise<MetricData> }): Promise<string>;
}

interface Family {
  kind: Kind;
  labelNames: readonly string[];
  metric: PromMetric;
}

/** Labels prom-client adds to a series' samples; they sort and render after the series' own. */
const SAMPLE_LABELS = new Set(['le', 'quantile']);
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class MetricsRegistry implements Metrics {
  readonly #registry = new Registry();
  readonly #families = new Map<string, Family>();
  readonly #collectors: (() => void)[] = [];

  /**
   * An empty registry; `processMetrics` adds Node's process metrics (CPU, memory, event loop
   * lag, GC, handles: prom-client's collectDefaultMetrics) to it, as the observer's does.
   */
  constructor(options: { processMetrics?: boolean } = {}) {
    if (typeof (this.#registry as unknown as Partial<Formatter>).getMetricsAsString !== 'function')
      throw new Error('this prom-client has no Registry#getMetricsAsString; mcsync needs prom-client 15');
    if (options.processMetrics) collectDefaultMetrics({ register: this.#registry });
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    const family = this.#family(name, 'counter', labelNames, () => {
      return new PromCounter({ name, help, labelNames, registers: [this.#registry] });
    });
    const metric = family.metric as PromCounter;
    return {
      inc: (labels = {}, n = 1) => {
        if (n < 0) throw new Error(`counter ${name} cannot decrease (inc by ${n})`);
        metric.inc(labelSet(name, family, labels), n);
      },
    };
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    const family = this.#family(name, 'gauge', labelNames, () => {
      return new PromGauge({ name, help, labelNames, registers: [this.#registry] });
    });
    const metric = family.metric as PromGauge;
    return {
      set: (labels, value) => metric.set(labelSet(name, family, labels), value),
      inc: (labels = {}, n = 1) => metric.inc(labelSet(name, family, labels), n),
      dec: (labels = {}, n = 1) => metric.dec(labelSet(name, family, labels), n),
    };
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    buckets: readonly number[] = DEFAULT_BUCKETS,
  ): Distribution {
    const family = this.#family(name, 'histogram', labelNames, () => {
      const sorted = [...new Set(buckets)].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
      return new PromHistogram({ name, help, labelNames, buckets: sorted, registers: [this.#registry] });
    });
    const metric = family.metric as PromHistogram;
    return { observe: (labels, value) => metric.observe(labelSet(name, family, labels), value) };
  }

  summary(name: string, help: string, labelNames: readonly string[] = []): Distribution {
    const family = this.#family(name, 'summary', labelNames, () => {
      const { percentiles, maxAgeSeconds, ageBuckets } = SUMMARY_DEFAULTS;
      return new PromSummary({
        name,
        help,
        labelNames,
        percentiles: [...percentiles],
        maxAgeSeconds,
        ageBuckets,
        registers: [this.#registry],
      });
    });
    const metric = family.metric as PromSummary;
    return { observe: (labels, value) => metric.observe(labelSet(name, family, labels), value) };
  }

  onCollect(fn: () => void): void {
    this.#collectors.push(fn);
  }

  async render(): Promise<string> {
    for (const collect of this.#collectors) collect();
    const formatter = this.#registry as unknown as Formatter;
    const metrics = this.#registry
      .getMetricsAsArray()
      .map((m) => m.name)
      .sort(compare)
      .map((name) => this.#registry.getSingleMetric(name))
      .filter((m) => m !== undefined);
    const texts = await Promise.all(
      metrics.map((metric) => formatter.getMetricsAsString({ get: async () => ordered(await metric.get()) })),
    );
    return texts.length ? `${texts.join('\n')}\n` : '';
  }

  #family(name: string, kind: Kind, labelNames: readonly string[], create: () => PromMetric): Family {
    const existing = this.#families.get(name);
    if (existing) {
      if (existing.kind !== kind)
        throw new Error(`metric ${name} is already registered as a ${existing.kind}`);
      return existing;
    }
    if (!NAME.test(name)) throw new Error(`invalid metric name '${name}'`);
    for (const label of labelNames)
      if (
        !LABEL.test(label) ||
        label.startsWith('__') ||
        (kind !== 'counter' && kind !== 'gauge' && SAMPLE_LABELS.has(label))
      )
        throw new Error(`invalid label name '${label}' for metric ${name}`);
    const family: Family = { kind, labelNames, metric: create() };
    this.#families.set(name, family);
    return family;
  }
}

/** The labels in the family's order; unknown labels are an error, missing ones are ''. */
function labelSet(name: string, family: Family, labels: Labels): Labels {
  for (const label of Object.keys(labels))
    if (!family.labelNames.includes(label)) throw new Error(`metric ${name} has no label '${label}'`);
  return Object.fromEntries(family.labelNames.map((label) => [label, labels[label] ?? '']));
}

/**
 * The samples sorted by their series' labels (a stable sort keeps a histogram's buckets, sum and
 * count together and in order), with `le` / `quantile` after the series' own labels.
 */
function ordered(data: MetricData): MetricData {
  const keyed = data.values.map((value) => {
    const own = Object.entries(value.labels).filter(([label]) => !SAMPLE_LABELS.has(label));
    const sample = Object.entries(value.labels).filter(([label]) => SAMPLE_LABELS.has(label));
    const key = own.map(([label, v]) => `${label}="${String(v)}"`).join(',');
    return { key, value: { ...value, labels: Object.fromEntries([...own, ...sample]) } };
  });
  keyed.sort((a, b) => compare(a.key, b.key));
  return { ...data, values: keyed.map((k) => k.value) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
