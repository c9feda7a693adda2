// The Prometheus text the observer serves on /metrics: exact exposition lines, stable order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '../../../src/observe/metrics.ts';

describe('MetricsRegistry', () => {
  it('renders counters with HELP and TYPE lines and labelled series sorted by labels', () => {
    const registry = new MetricsRegistry();
    const counts = registry.counter('observe_counts', 'Number of changes observed.', ['type']);
    counts.inc({ type: 'Updated' });
    counts.inc({ type: 'Sync' }, 3);
    counts.inc({ type: 'Updated' });
    assert.equal(
      registry.render(),
      [
        '# HELP observe_counts Number of changes observed.',
        '# TYPE observe_counts counter',
        'observe_counts{type="Sync"} 3',
        'observe_counts{type="Updated"} 2',
        '',
      ].join('\n'),
    );
  });

  it('renders metrics sorted by name whatever the registration order', () => {
    const registry = new MetricsRegistry();
    registry.gauge('zeta', 'z').set({}, 1);
    registry.counter('alpha', 'a').inc();
    const names = registry
      .render()
      .split('\n')
      .filter((l) => l.startsWith('# TYPE'));
    assert.deepEqual(names, ['# TYPE alpha counter', '# TYPE zeta gauge']);
  });

  it('gauges are set, increased and decreased; unlabelled series have no braces', () => {
    const registry = new MetricsRegistry();
    const depth = registry.gauge('observe_queue_depth', 'Keys waiting.');
    depth.set({}, 5);
    depth.inc();
    depth.dec({}, 3);
    assert.match(registry.render(), /^observe_queue_depth 3$/m);
  });

  it('histograms render cumulative buckets, +Inf, sum and count', () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram('exec_ms', 'Exec time.', ['exit_code'], [10, 100, 1000]);
    for (const v of [5, 50, 50, 5000]) h.observe({ exit_code: '0' }, v);
    assert.equal(
      registry.render(),
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

  it('escapes label values and help text', () => {
    const registry = new MetricsRegistry();
    registry.counter('c', 'line one\nback\\slash', ['v']).inc({ v: 'a "quoted"\\ value\n' });
    const text = registry.render();
    assert.match(text, /^# HELP c line one\\nback\\\\slash$/m);
    assert.ok(text.includes('c{v="a \\"quoted\\"\\\\ value\\n"} 1'), text);
  });

  it('returns the same metric when a name is registered twice, and refuses a second kind', () => {
    const registry = new MetricsRegistry();
    registry.counter('x_total', 'x').inc();
    registry.counter('x_total', 'x').inc();
    assert.match(registry.render(), /^x_total 2$/m);
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

  it('runs collectors before rendering so gauges read live values', () => {
    const registry = new MetricsRegistry();
    const depth = registry.gauge('depth', 'd');
    let live = 7;
    registry.onCollect(() => depth.set({}, live));
    assert.match(registry.render(), /^depth 7$/m);
    live = 2;
    assert.match(registry.render(), /^depth 2$/m);
  });

  it('renders nothing for an empty registry', () => {
    assert.equal(new MetricsRegistry().render(), '');
  });
});
