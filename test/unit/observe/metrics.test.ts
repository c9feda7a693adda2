// The Prometheus text the observer serves on /metrics: exact exposition lines, stable order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '../../../src/observe/metrics.ts';
import { observeMetrics } from '../../../src/observe/observe-metrics.ts';

describe('MetricsRegistry', () => {
  it('renders counters with HELP and TYPE lines and labelled series sorted by labels', async () => {
    const registry = new MetricsRegistry();
    const counts = registry.counter('observe_counts', 'Number of changes observed.', ['type']);
    counts.inc({ type: 'Updated' });
    counts.inc({ type: 'Sync' }, 3);
    counts.inc({ type: 'Updated' });
    assert.equal(
      await registry.render(),
      [
        '# HELP observe_counts Number of changes observed.',
        '# TYPE observe_counts counter',
        'observe_counts{type="Sync"} 3',
        'observe_counts{type="Updated"} 2',
        '',
      ].join('\n'),
    );
  });

  it('renders metrics sorted by name whatever the registration order', async () => {
    const registry = new MetricsRegistry();
    registry.gauge('zeta', 'z').set({}, 1);
    registry.counter('alpha', 'a').inc();
    const names = (await registry.render()).split('\n').filter((l) => l.startsWith('# TYPE'));
    assert.deepEqual(names, ['# TYPE alpha counter', '# TYPE zeta gauge']);
  });

  it('gauges are set, increased and decreased; unlabelled series have no braces', async () => {
    const registry = new MetricsRegistry();
    const depth = registry.gauge('observe_queue_depth', 'Keys waiting.');
    depth.set({}, 5);
    depth.inc();
    depth.dec({}, 3);
    assert.match(await registry.render(), /^observe_queue_depth 3$/m);
  });

  it('histograms render cumulative buckets, +Inf, sum and count', async () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram('exec_ms', 'Exec time.', ['exit_code'], [10, 100, 1000]);
    for (const v of [5, 50, 50, 5000]) h.observe({ exit_code: '0' }, v);
    assert.equal(
      await registry.render(),
      [
        '# HELP exec_ms Exec time.',
        '# TYPE exec_ms histogram',
        'exec_ms_bucket{exit_code="0",le="10"} 1',
        'exec_ms_bucket{exit_code="0",le="100"} 3',
        'exec_ms_bucket{exit_code="0",le="1000"} 3',
        'exec_ms_bucket{exit_code="0",le="+Inf"} 4',
        'exec_ms_sum{exit_code="0"} 5105',
        'exec_ms_count{exit_code="0"} 4',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and help text', async () => {
    const registry = new MetricsRegistry();
    registry.counter('c', 'line one\nback\\slash', ['v']).inc({ v: 'a "quoted"\\ value\n' });
    const text = await registry.render();
    assert.match(text, /^# HELP c line one\\nback\\\\slash$/m);
    assert.ok(text.includes('c{v="a \\"quoted\\"\\\\ value\\n"} 1'), text);
  });

  it('returns the same metric when a name is registered twice, and refuses a second kind', async () => {
    const registry = new MetricsRegistry();
    registry.counter('x_total', 'x').inc();
    registry.counter('x_total', 'x').inc();
    assert.match(await registry.render(), /^x_total 2$/m);
    assert.throws(() => registry.gauge('x_total', 'x'), /already registered as a counter/);
  });

  it('rejects unknown labels, bad names and decreasing counters', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('ok_total', 'x', ['type']);
    assert.throws(() => c.inc({ tpye: 'Sync' }), /has no label 'tpye'/);
    assert.throws(() => c.inc({}, -1), /cannot decrease/);
    assert.throws(() => registry.counter('bad-name', 'x'), /invalid metric name/);
    assert.throws(() => registry.histogram('h', 'x', ['le']), /invalid label name 'le'/);
  });

  it('runs collectors before rendering so gauges read live values', async () => {
    const registry = new MetricsRegistry();
    const depth = registry.gauge('depth', 'd');
    let live = 7;
    registry.onCollect(() => depth.set({}, live));
    assert.match(await registry.render(), /^depth 7$/m);
    live = 2;
    assert.match(await registry.render(), /^depth 2$/m);
  });

  it('renders nothing for an empty registry', async () => {
    assert.equal(await new MetricsRegistry().render(), '');
  });
});

describe('MetricsRegistry on prom-client', () => {
  it("renders summaries as oc observe's: quantiles per series, then sum and count", async () => {
    const registry = new MetricsRegistry();
    const s = registry.summary('exec_ms', 'Exec time.', ['type', 'exit_code']);
    for (const v of [10, 20, 30]) s.observe({ type: 'Sync', exit_code: '0' }, v);
    s.observe({ type: 'Added', exit_code: '1' }, 7);
    const lines = (await registry.render()).split('\n');
    assert.deepEqual(lines.slice(0, 2), ['# HELP exec_ms Exec time.', '# TYPE exec_ms summary']);
    assert.deepEqual(
      lines.filter((l) => l.includes('exit_code="0"')),
      [
        'exec_ms{type="Sync",exit_code="0",quantile="0.5"} 20',
        'exec_ms{type="Sync",exit_code="0",quantile="0.9"} 30',
        'exec_ms{type="Sync",exit_code="0",quantile="0.99"} 30',
        'exec_ms_sum{type="Sync",exit_code="0"} 60',
        'exec_ms_count{type="Sync",exit_code="0"} 3',
      ],
    );
    assert.ok(
      lines.indexOf('exec_ms_count{type="Added",exit_code="1"} 1') <
        lines.indexOf('exec_ms_sum{type="Sync",exit_code="0"} 60'),
      'series sorted by labels',
    );
    assert.throws(() => registry.summary('q', 'x', ['quantile']), /invalid label name 'quantile'/);
  });

  it('keeps each registry to itself: the same name in two registries counts apart', async () => {
    const one = new MetricsRegistry();
    const two = new MetricsRegistry();
    one.counter('observe_counts', 'c', ['type']).inc({ type: 'Sync' }, 2);
    two.counter('observe_counts', 'c', ['type']).inc({ type: 'Sync' }, 5);
    assert.match(await one.render(), /^observe_counts\{type="Sync"\} 2$/m);
    assert.match(await two.render(), /^observe_counts\{type="Sync"\} 5$/m);
  });

  it('adds Node process metrics only when asked, as the observer asks', async () => {
    const plain = await new MetricsRegistry().render();
    const observer = await new MetricsRegistry({ processMetrics: true }).render();
    assert.equal(plain, '');
    assert.match(observer, /^# TYPE process_cpu_user_seconds_total counter$/m);
    assert.match(observer, /^process_resident_memory_bytes \d+$/m);
    assert.match(observer, /^nodejs_eventloop_lag_seconds /m);
  });
});

describe('observe metrics', () => {
  it("registers oc observe's metrics with oc's types, plus the queue and watch metrics", async () => {
    const registry = new MetricsRegistry();
    observeMetrics(registry);
    const types = (await registry.render()).split('\n').filter((l) => l.startsWith('# TYPE'));
    assert.deepEqual(types, [
      '# TYPE observe_counts counter',
      '# TYPE observe_errors_total counter',
      '# TYPE observe_exec_durations_milliseconds summary',
      '# TYPE observe_last_sync_timestamp_seconds gauge',
      '# TYPE observe_leader gauge',
      '# TYPE observe_name_exec_durations_milliseconds summary',
      '# TYPE observe_orphan_copies gauge',
      '# TYPE observe_pruned_copies_total counter',
      '# TYPE observe_queue_depth gauge',
      '# TYPE observe_retries_total counter',
      '# TYPE observe_target_consecutive_failures gauge',
      '# TYPE observe_target_down gauge',
      '# TYPE observe_target_last_success_timestamp_seconds gauge',
      '# TYPE observe_target_queue_depth gauge',
      '# TYPE observe_watch_reconnects gauge',
      '# TYPE observe_watch_relists gauge',
      '# TYPE observe_watch_watchdog_restarts gauge',
    ]);
  });
});
