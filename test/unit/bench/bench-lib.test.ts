// Unit tests of the benchmark's pure parts: statistics, recap parsing, the object comparison
// that decides "both tools left identical objects", the targets' verdicts and the report markers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRecap } from '../../../bench/lib/exec.ts';
import { areaOf } from '../../../bench/lib/profile.ts';
import { BEGIN, END, renderReport, writeReport } from '../../../bench/lib/report.ts';
import {
  emptyResults,
  type BenchResults,
  type ComparisonPoint,
  type ScalePoint,
} from '../../../bench/lib/results.ts';
import { comparable, compareSnapshots } from '../../../bench/lib/snapshot.ts';
import { median, percentile, spread } from '../../../bench/lib/stats.ts';
import { verdicts, type Verdict } from '../../../bench/lib/targets.ts';
import { createVars, mixedObjects } from '../../../bench/lib/workload.ts';

describe('statistics', () => {
  it('takes the median of odd and even sample counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
  it('takes percentiles by nearest rank, so p99 of 50 samples is the largest', () => {
    const samples = Array.from({ length: 50 }, (_, i) => i + 1);
    assert.equal(percentile(samples, 50), 25);
    assert.equal(percentile(samples, 99), 50);
  });
  it('shows a spread as min–max', () => assert.equal(spread([2, 1.5, 3]), '1.50–3.00'));
});

describe('parseRecap', () => {
  it('reads the counts of every host of an ansible-playbook or mcsync-play recap', () => {
    const out =
      'PLAY RECAP ****\neast  : ok=6    changed=4    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0\nwest : ok=2 changed=0 unreachable=1 failed=0 skipped=0\n';
    assert.deepEqual(parseRecap(out), {
      east: { ok: 6, changed: 4, unreachable: 0, failed: 0, skipped: 1 },
      west: { ok: 2, changed: 0, unreachable: 1, failed: 0, skipped: 0 },
    });
  });
});

describe('comparing what the two tools left on the clusters', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 's',
      namespace: 'n',
      uid: 'u1',
      resourceVersion: '7',
      creationTimestamp: 't',
      managedFields: [],
      labels: { bench: 'sync', 'app.kubernetes.io/managed-by': 'mcsync' },
      annotations: { 'mcsync.io/origin-cluster': 'east', 'mcsync.io/origin-hash': 'x' },
    },
    spec: { clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ports: [{ port: 80 }] },
    status: { loadBalancer: {} },
  };
  it('ignores server-owned fields, cluster IPs and mcsync marks', () => {
    const other = structuredClone(live);
    other.metadata.uid = 'u2';
    other.metadata.labels = { bench: 'sync' } as typeof other.metadata.labels;
    other.metadata.annotations = {} as typeof other.metadata.annotations;
    other.spec.clusterIP = '10.0.0.2';
    const a = new Map([['west/v1/Service/n/s', comparable(live)]]);
    const b = new Map([['west/v1/Service/n/s', comparable(other)]]);
    assert.deepEqual(compareSnapshots(a, b), []);
  });
  it('reports a differing field and an object only one tool made', () => {
    const other = structuredClone(live);
    other.spec.ports = [{ port: 81 }];
    const a = new Map([
      ['k', comparable(live)],
      ['only-a', comparable(live)],
    ]);
    const b = new Map([['k', comparable(other)]]);
    const diff = compareSnapshots(a, b);
    assert.equal(diff.length, 2);
    assert.match(diff[0]!, /^k: differs/);
    assert.match(diff[1]!, /only-a: only after mcsync/);
  });
  it('keeps a headless Service clusterIP None', () => {
    const headless = { ...structuredClone(live), spec: { clusterIP: 'None' } };
    assert.deepEqual(comparable(headless)['spec'], { clusterIP: 'None' });
  });
});

describe('workloads', () => {
  it('makes N mixed objects plus their namespaces', () => {
    const docs = mixedObjects(100);
    assert.equal(docs.filter((d) => d.kind !== 'Namespace').length, 100);
    assert.deepEqual(
      new Set(docs.map((d) => d.kind)),
      new Set(['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount']),
    );
  });
  it("scales the seed's vars/create.yml shape to N projects", () => {
    const vars = createVars(2) as {
      projects: unknown[];
      users: unknown[];
      permissions: unknown[];
      serviceaccounts: unknown[];
    };
    assert.deepEqual(
      [vars.projects.length, vars.users.length, vars.permissions.length, vars.serviceaccounts.length],
      [2, 2, 4, 2],
    );
  });
});

function syncPoint(n: number, mcsync: number, ansible: number, noop: number): ComparisonPoint {
  const m = (seconds: number): { seconds: number; rssMb: number; changed: number } => ({
    seconds,
    rssMb: 100,
    changed: 0,
  });
  return {
    scenario: 'sync',
    n,
    clusters: 3,
    objectsPerCluster: n + 5,
    phases: ['first', 'noop'],
    commands: { mcsync: 'm', ansible: 'a' },
    measuredAt: '2026-01-01T00:00:00Z',
    runs: [
      {
        mcsync: { first: m(mcsync), noop: m(noop) },
        ansible: { first: m(ansible), noop: m(ansible) },
        compared: 2 * (n + 5),
      },
    ],
  };
}

describe('targets', () => {
  it('judges the sync ratio and the no-op rerun at N = 1,000 pair by pair', () => {
    const results: BenchResults = { ...emptyResults(), sync: [syncPoint(1000, 4, 800, 1.2)] };
    const [ratio, noop] = verdicts(results);
    assert.equal(ratio!.met, true);
    assert.match(ratio!.measured, /^200×/);
    assert.equal(noop!.met, true);
  });
  it('says a target was missed, and that unmeasured ones were not measured', () => {
    const results: BenchResults = { ...emptyResults(), sync: [syncPoint(1000, 10, 500, 2.5)] };
    const v = verdicts(results);
    assert.equal(v[0]!.met, false);
    assert.equal(v[1]!.met, false);
    assert.equal(v[2]!.met, undefined);
    assert.match(renderReport(results, 'c.png'), /### Targets missed, and where the time goes/);
  });
});

describe('the linearity target', () => {
  const point = (objects: number, seconds: number): ScalePoint => ({
    objects,
    clusters: 3,
    measuredAt: '',
    runs: [{ first: { seconds, rssMb: 1, changed: 1 }, noop: { seconds: 1, rssMb: 1, changed: 0 } }],
  });
  const linearity = (scale: ScalePoint[]): Verdict =>
    verdicts({ ...emptyResults(), scale }).find((v) => v.target.startsWith('cost grows'))!;
  it('is met when the time per object write falls as the work grows (fixed start-up, linear rest)', () => {
    assert.equal(linearity([point(100, 1.2), point(1000, 3), point(10000, 21)]).met, true);
  });
  it('is missed when the time per object write rises at the largest point', () => {
    const v = linearity([point(100, 1.2), point(1000, 3), point(10000, 60)]);
    assert.equal(v.met, false);
    assert.match(v.measured, /6\.0 → 1\.5 → 3\.0 ms per object write/);
  });
});

describe('the report in docs/BENCHMARKS.md', () => {
  it('appends the section once, then replaces only what is between the markers', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-report-')), 'BENCHMARKS.md');
    writeFileSync(file, '# Benchmarks\n\n## Written by someone else\n');
    writeReport(file, `${BEGIN}\nfirst\n${END}`);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n## Appended later\n`);
    writeReport(file, `${BEGIN}\nsecond\n${END}`);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /## Written by someone else/);
    assert.match(text, /## Appended later/);
    assert.doesNotMatch(text, /first/);
    assert.equal(text.split(BEGIN).length, 2);
  });
});

describe('profile areas', () => {
  it("attributes frames to mcsync's directories, dependencies and Node", () => {
    assert.equal(
      areaOf({ functionName: 'f', url: 'file:///w/dist/kube/client.js', lineNumber: 1 }),
      'mcsync kube',
    );
    assert.equal(
      areaOf({ functionName: 'f', url: 'file:///w/node_modules/ajv/dist/x.js', lineNumber: 1 }),
      'ajv',
    );
    assert.equal(areaOf({ functionName: 'f', url: 'node:internal/url', lineNumber: 1 }), 'node internals');
    assert.equal(areaOf({ functionName: '(idle)', url: '', lineNumber: 0 }), '(idle)');
  });
});
