/**
 * The observer's metrics, with oc observe's names where oc has them (`observe_counts{type}`,
 * `observe_exec_durations_milliseconds{type,exit_code}`, `observe_name_exec_durations_milliseconds`)
 * plus what a queue-based observer adds: queue depth, retries, reconnects, relists, last sync.
 * Written against the small shape of MetricsRegistry so the observer can be tested alone.
 */

export type Labels = Record<string, string>;

export interface CounterLike {
  inc(labels?: Labels, n?: number): void;
}
export interface GaugeLike {
  set(labels: Labels, value: number): void;
}
export interface HistogramLike {
  observe(labels: Labels, value: number): void;
}

/** What MetricsRegistry (src/observe/metrics.ts) offers. */
export interface MetricsLike {
  counter(name: string, help: string, labelNames?: string[]): CounterLike;
  gauge(name: string, help: string, labelNames?: string[]): GaugeLike;
  histogram(name: string, help: string, labelNames?: string[], buckets?: readonly number[]): HistogramLike;
  onCollect?(fn: () => void): void;
  render(): string;
}

export interface ObserveMetrics {
  registry: MetricsLike;
  counts: CounterLike;
  execDurations: HistogramLike;
  nameExecDurations: HistogramLike;
  errors: CounterLike;
  retries: CounterLike;
  queueDepth: GaugeLike;
  reconnects: GaugeLike;
  relists: GaugeLike;
  watchdogRestarts: GaugeLike;
  lastSync: GaugeLike;
  leader: GaugeLike;
}

/** Millisecond buckets for run durations: 5 ms to 1 min. */
export const MS_BUCKETS: readonly number[] = [
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000,
];

/** Registers every observer metric on `registry`. */
export function observeMetrics(registry: MetricsLike): ObserveMetrics {
  return {
    registry,
    counts: registry.counter('observe_counts', 'Number of changes observed to the underlying resource.', [
      'type',
    ]),
    execDurations: registry.histogram(
      'observe_exec_durations_milliseconds',
      'Item execution latency distributions.',
      ['type', 'exit_code'],
      MS_BUCKETS,
    ),
    nameExecDurations: registry.histogram(
      'observe_name_exec_durations_milliseconds',
      'Name list execution latency distributions.',
      ['exit_code'],
      MS_BUCKETS,
    ),
    errors: registry.counter('observe_errors_total', 'Failed runs counted toward --maximum-errors.'),
    retries: registry.counter('observe_retries_total', 'Keys requeued with backoff after a failed run.'),
    queueDepth: registry.gauge('observe_queue_depth', 'Keys waiting in the work queue.'),
    reconnects: registry.gauge('observe_watch_reconnects', 'Watch reconnects after an error, per cluster.', [
      'cluster',
    ]),
    relists: registry.gauge('observe_watch_relists', 'Relists after 410 Gone, per cluster.', ['cluster']),
    watchdogRestarts: registry.gauge(
      'observe_watch_watchdog_restarts',
      'Watches restarted after being silent too long, per cluster.',
      ['cluster'],
    ),
    lastSync: registry.gauge(
      'observe_last_sync_timestamp_seconds',
      'Unix time of the last successful list or watch event, per cluster.',
      ['cluster'],
    ),
    leader: registry.gauge(
      'observe_leader',
      '1 while this replica holds the lease (or without --leader-elect).',
    ),
  };
}
