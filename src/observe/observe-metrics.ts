/**
 * The observer's metrics, with oc observe's names and types where oc has them
 * (`observe_counts{type}` a counter; `observe_exec_durations_milliseconds{type,exit_code}` and
 * `observe_name_exec_durations_milliseconds{exit_code}` summaries, as in oc) plus what a
 * queue-based observer adds: queue depth, errors, retries, reconnects, relists, last sync, leader,
 * per playbook target its consecutive failures, last success, whether it is down and how many
 * changes it is owed (a fleet's per-slave health), and
 * what the passes found there: copies kept without a source, copies pruned.
 * Registered on a Metrics registry (src/observe/metrics.ts declares the interfaces).
 */
import type { Counter, Distribution, Gauge, Metrics } from './metrics.ts';

export interface ObserveMetrics {
  registry: Metrics;
  counts: Counter;
  execDurations: Distribution;
  nameExecDurations: Distribution;
  errors: Counter;
  retries: Counter;
  queueDepth: Gauge;
  reconnects: Gauge;
  relists: Gauge;
  watchdogRestarts: Gauge;
  lastSync: Gauge;
  leader: Gauge;
  targetConsecutiveFailures: Gauge;
  targetLastSuccess: Gauge;
  targetDown: Gauge;
  targetQueueDepth: Gauge;
  orphanCopies: Gauge;
  prunedCopies: Counter;
}

/** Registers every observer metric on `registry`. */
export function observeMetrics(registry: Metrics): ObserveMetrics {
  return {
    registry,
    counts: registry.counter('observe_counts', 'Number of changes observed to the underlying resource.', [
      'type',
    ]),
    execDurations: registry.summary(
      'observe_exec_durations_milliseconds',
      'Item execution latency distributions.',
      ['type', 'exit_code'],
    ),
    nameExecDurations: registry.summary(
      'observe_name_exec_durations_milliseconds',
      'Name list execution latency distributions.',
      ['exit_code'],
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
    targetConsecutiveFailures: registry.gauge(
      'observe_target_consecutive_failures',
      'Runs in a row that failed, or found it unreachable, per playbook target; 0 after a success.',
      ['target'],
    ),
    targetLastSuccess: registry.gauge(
      'observe_target_last_success_timestamp_seconds',
      'Unix time of the last run that succeeded on a playbook target.',
      ['target'],
    ),
    targetDown: registry.gauge(
      'observe_target_down',
      '1 while a playbook target is down (found unreachable; runs skip it until its recovery reaches it), else 0.',
      ['target'],
    ),
    targetQueueDepth: registry.gauge(
      'observe_target_queue_depth',
      'Keys whose latest change a down playbook target has not received yet; 0 when it is up.',
      ['target'],
    ),
    orphanCopies: registry.gauge(
      'observe_orphan_copies',
      'Copies on a playbook target whose source is gone or no longer selected, kept (no prune), as the last pass found them.',
      ['target'],
    ),
    prunedCopies: registry.counter(
      'observe_pruned_copies_total',
      'Copies a pass removed from a playbook target because their source is gone or no longer selected.',
      ['target'],
    ),
  };
}
