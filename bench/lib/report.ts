/**
 * Renders the results as the Markdown section of docs/BENCHMARKS.md between the markers
 * `<!-- bench:begin -->` and `<!-- bench:end -->` (added at the end when missing); everything
 * outside the markers is left as others wrote it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type {
  BenchResults,
  ComparisonPoint,
  Phase,
  ProfileSummary,
  ScalePoint,
  WatchSeries,
} from './results.ts';
import { median, percentile, secs, spread } from './stats.ts';
import { medianSeconds, ratios, scaleWrites, verdicts } from './targets.ts';

export const BEGIN = '<!-- bench:begin -->';
export const END = '<!-- bench:end -->';

const PHASE_NAMES: Record<Phase, string> = { first: 'first run', noop: 'no-op rerun' };

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function comparisonRows(points: ComparisonPoint[]): string[][] {
  const rows: string[][] = [];
  for (const point of [...points].sort((a, b) => a.n - b.n)) {
    for (const phase of point.phases) {
      const values = (tool: 'mcsync' | 'ansible'): number[] =>
        point.runs.map((r) => r[tool][phase]?.seconds ?? Number.NaN);
      const rss = (tool: 'mcsync' | 'ansible'): number =>
        median(point.runs.map((r) => r[tool][phase]?.rssMb ?? Number.NaN));
      const changed = (tool: 'mcsync' | 'ansible'): number =>
        median(point.runs.map((r) => r[tool][phase]?.changed ?? Number.NaN));
      const cpu = (tool: 'mcsync' | 'ansible'): string =>
        secs(median(point.runs.map((r) => r[tool][phase]?.cpuSeconds ?? Number.NaN)));
      const load = point.runs
        .flatMap((r) => [r.mcsync[phase]?.load, r.ansible[phase]?.load])
        .filter((x): x is number => x !== undefined);
      const r = ratios(point, phase);
      const writes =
        point.objectsPerCluster * (point.scenario === 'sync' ? point.clusters - 1 : point.clusters);
      rows.push([
        String(point.n),
        PHASE_NAMES[phase],
        `${secs(medianSeconds(point, 'mcsync', phase))} (${spread(values('mcsync'))})`,
        `${secs(medianSeconds(point, 'ansible', phase))} (${spread(values('ansible'))})`,
        `**${median(r).toFixed(0)}×** (${spread(r, 0)})`,
        `${((medianSeconds(point, 'ansible', phase) / writes) * 1000).toFixed(0)} ms`,
        `${cpu('mcsync')} / ${cpu('ansible')}`,
        `${rss('mcsync')} / ${rss('ansible')}`,
        `${changed('mcsync')} / ${changed('ansible')}`,
        spread(load, 1),
        String(point.runs.length),
      ]);
    }
  }
  return rows;
}

function comparisonSection(title: string, intro: string, points: ComparisonPoint[]): string {
  if (points.length === 0) return `### ${title}\n\nNot measured in this run.`;
  const p = points[0]!;
  return [
    `### ${title}`,
    '',
    intro,
    '',
    `- mcsync: \`${p.commands.mcsync}\``,
    `- Ansible: \`${p.commands.ansible}\``,
    `- First pairs measured ${points.map((x) => x.measuredAt.slice(0, 16).replace('T', ' ')).join(', ')} UTC; every pair was checked identical (${points.map((x) => `${x.runs[0]?.compared ?? 0} objects at N = ${x.n}`).join(', ')}).`,
    '',
    table(
      [
        'N',
        'phase',
        'mcsync s, median (min–max)',
        'ansible-playbook s, median (min–max)',
        'ratio, median (pairs)',
        'ansible per object write',
        'CPU s mcsync / ansible',
        'peak RSS MB mcsync / ansible',
        'changed tasks mcsync / ansible',
        'load avg',
        'pairs',
      ],
      comparisonRows(points),
    ),
  ].join('\n');
}

function watchRow(name: string, s: WatchSeries): string[] {
  const l = s.latenciesMs;
  return [
    name,
    `\`${s.command}\``,
    String(l.length),
    (percentile(l, 50) / 1000).toFixed(2),
    (percentile(l, 99) / 1000).toFixed(2),
    (Math.max(...l) / 1000).toFixed(2),
    String(s.missed),
  ];
}

function watchSection(results: BenchResults): string {
  const w = results.watch;
  const title = '### 3. watch: per-change latency';
  if (!w) return `${title}\n\nNot measured in this run.`;
  if (w.status !== 'ok')
    return `${title}\n\n**Not available yet**: ${w.reason} (checked ${w.measuredAt.slice(0, 16).replace('T', ' ')} UTC). No numbers are reported for this scenario until \`mcsync observe\` can run it: \`npm run bench -- --scenario watch\`.`;
  return [
    title,
    '',
    `An ImageStream annotated \`sync=me\` on the master is changed ${w.changes} times, one change at a time (1 s apart once the previous change has landed). Latency: from the write on the master until both slaves hold the change (Kubernetes watches on the slaves). After each series both slaves held exactly the master's ImageStream. Measured ${w.measuredAt.slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    table(
      ['trigger', 'command', 'changes', 'p50 s', 'p99 s', 'max s', 'missed'],
      [
        ...(w.mcsync ? [watchRow('mcsync, in-process playbook', w.mcsync)] : []),
        ...(w.ansible ? [watchRow("seed's watch.sh → ansible-playbook", w.ansible)] : []),
      ],
    ),
  ].join('\n');
}

function scaleRows(points: ScalePoint[]): string[][] {
  return [...points]
    .sort((a, b) => a.clusters - b.clusters || a.objects - b.objects)
    .map((p) => {
      const first = p.runs.map((r) => r.first.seconds);
      const noop = p.runs.map((r) => r.noop.seconds);
      return [
        String(p.objects),
        String(p.clusters),
        String(scaleWrites(p)),
        `${secs(median(first))} (${spread(first)})`,
        `${((median(first) / scaleWrites(p)) * 1e6).toFixed(0)} µs`,
        `${secs(median(noop))} (${spread(noop)})`,
        `${secs(median(p.runs.map((r) => r.first.cpuSeconds ?? Number.NaN)))} / ${secs(median(p.runs.map((r) => r.noop.cpuSeconds ?? Number.NaN)))}`,
        `${median(p.runs.map((r) => r.first.rssMb))} / ${median(p.runs.map((r) => r.noop.rssMb))}`,
        spread(p.runs.flatMap((r) => [r.first.load ?? Number.NaN]).filter(Number.isFinite), 1),
        String(p.runs.length),
      ];
    });
}

function scaleSection(results: BenchResults, chart: string): string {
  const title = '### 4. scale curve: mcsync alone';
  if (results.scale.length === 0) return `${title}\n\nNot measured in this run.`;
  return [
    title,
    '',
    `\`mcsync-play bench/mcsync/sync.yml\` with the master and 1–7 slaves; object writes = objects × slaves. Peak RSS is the mcsync-play process's maximum resident set (GNU time). Every run was checked: each slave held exactly the master's objects, and the no-op rerun reported changed=0. Measured ${results.scale[0]!.measuredAt.slice(0, 10)}.`,
    '',
    table(
      [
        'objects',
        'clusters',
        'object writes',
        'first run s, median (min–max)',
        'per object write',
        'no-op rerun s',
        'CPU s first / no-op',
        'peak RSS MB first / no-op',
        'load avg',
        'runs',
      ],
      scaleRows(results.scale),
    ),
    '',
    `![Wall time against objects, one line per tool](${chart})`,
  ].join('\n');
}

function profileLine(p: ProfileSummary): string {
  const busy = p.totalMs - p.idleMs;
  return (
    `**${p.label}**: ${p.wallSeconds.toFixed(2)} s wall; the main thread was busy ${(busy / 1000).toFixed(2)} s (running, or waiting for a core: the machine is shared) and idle ${(p.idleMs / 1000).toFixed(2)} s (waiting on the API servers); GC ${(p.gcMs / 1000).toFixed(2)} s. ` +
    `By area: ${p.areas.map((a) => `${a.area} ${(a.ms / 1000).toFixed(2)} s`).join(', ')}. ` +
    `Top functions (self): ${p.top
      .slice(0, 5)
      .map((f) => `\`${f.fn}\` (${f.where}) ${f.ms} ms`)
      .join(', ')}.`
  );
}

function profileSection(profiles: ProfileSummary[]): string {
  if (profiles.length === 0) return '';
  return [
    "### Where mcsync's time goes (`node --cpu-prof`)",
    '',
    ...profiles.map((p) => `- ${profileLine(p)}`),
  ].join('\n');
}

/** The profile that explains a missed target: the no-op rerun, or the largest first run. */
function profileFor(target: string, profiles: ProfileSummary[]): ProfileSummary | undefined {
  const phase = target.includes('no-op') ? 'no-op rerun' : 'first run';
  const size = (p: ProfileSummary): number => Number(/sync (\d+) objects/.exec(p.label)?.[1] ?? 0);
  const candidates = profiles.filter((p) => p.label.endsWith(phase));
  if (target.includes('1,000')) return candidates.find((p) => size(p) === 1000) ?? candidates[0];
  return [...candidates].sort((a, b) => size(b) - size(a))[0];
}

function missedSection(results: BenchResults): string {
  const missed = verdicts(results).filter((v) => v.met === false);
  if (missed.length === 0) return '';
  return [
    '### Targets missed, and where the time goes',
    '',
    ...missed.map((v) => {
      const p = profileFor(v.target, results.profiles);
      return `- ${v.target}: measured ${v.measured}.${p ? ` Profile: ${profileLine(p)}` : ' No profile was taken for this run.'}`;
    }),
  ].join('\n');
}

/** The generated section, markers included. */
export function renderReport(results: BenchResults, chart: string): string {
  const v = verdicts(results);
  const versions = Object.entries(results.versions)
    .map(([k, val]) => `${k} ${val}`)
    .join(', ');
  return [
    BEGIN,
    '## mcsync against ansible-playbook (issue 8)',
    '',
    '_Generated by `npm run bench` (bench/run.ts) from bench/results.json; edit the script, not this section._',
    '',
    `Machine: ${results.machine.replace('at the start', 'at the start of the last invocation; each table gives the load during its runs')}. Versions: ${versions}.`,
    '',
    `Method: one sandbox (\`mcsync sandbox up --dir .sandbox-bench/suite\`), both tools against the same clusters with the same inventory (\`DIR/inventory.yml\`: api_url, token_file, ca_file per host). Each point is asked for ${results.runsPerPoint} pairs (the \`pairs\` column gives how many it has; a stopped run keeps the finished ones); in a pair both tools start from the same clean clusters (which tool goes first alternates), and the bench compares what each left on the clusters (objects without server-owned fields, cluster IPs and each tool's own marks) before it keeps the times. Ratios are ansible-playbook time / mcsync time within one pair; the table gives their median and range. Wall times include process start-up. The Ansible playbooks are in \`bench/ansible/\`, written the way the seed's playbooks worked (one module call per object).`,
    '',
    '### Targets',
    '',
    table(
      ['target', 'measured', 'met'],
      v.map((x) => [x.target, x.measured, x.met === undefined ? 'not measured' : x.met ? 'yes' : '**no**']),
    ),
    '',
    comparisonSection(
      '1. create: projects, users, permissions, service accounts on every cluster',
      "The seed's vars/create.yml scaled to N projects: per project a Namespace (the sandbox does not serve project.openshift.io), a User, a ServiceAccount `deployer` and two RoleBindings (`edit` for the user, `system:image-puller` for the service account): 5 objects per project per cluster, on 3 clusters, from clean clusters.",
      results.create,
    ),
    '',
    comparisonSection(
      '2. sync: N objects of mixed kinds from the master to 2 slaves',
      "N objects in 5 namespaces (40% ConfigMaps, 30% Secrets, 15% Services, 15% ServiceAccounts, labelled `bench=sync`) on the master, copied with their namespaces to 2 slaves: a first run on clean slaves, then the same command again (no-op). The slaves then hold exactly the master's objects.",
      results.sync,
    ),
    '',
    watchSection(results),
    '',
    scaleSection(results, chart),
    '',
    profileSection(results.profiles),
    '',
    missedSection(results),
    END,
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/** Replaces the section between the markers in `file` (appends it when the markers are missing). */
export function writeReport(file: string, section: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? `${current.slice(0, begin)}${section}${current.slice(end + END.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
