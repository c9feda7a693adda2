/**
 * Renders the results as the Markdown section of docs/BENCHMARKS.md between the markers
 * `<!-- bench:begin -->` and `<!-- bench:end -->` (added at the end when missing); everything
 * outside the markers is left as others wrote it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  TOOL_NAMES,
  TOOLS,
  type BenchResults,
  type ComparisonPoint,
  type CpuRecord,
  type Measure,
  type Phase,
  type ProfileSummary,
  type ScalePoint,
  type Tool,
  type WatchSeries,
} from './results.ts';
import { median, percentile, secs, spread } from './stats.ts';
import { cpuPerWrite, floorRatios, ratios, scaleWrites, verdicts } from './targets.ts';

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

/** The ratio cell of one tool's row: its time / mcsync's, or for the floor mcsync's / the floor's. */
function ratioCell(point: ComparisonPoint, phase: Phase, tool: Tool): string {
  if (tool === 'mcsync') return '1×';
  if (tool === 'floor') {
    const r = floorRatios(point, phase);
    return r.length ? `mcsync = **${median(r).toFixed(2)}×** the floor (${spread(r, 2)})` : '—';
  }
  const r = ratios(point, phase, tool);
  const digits = median(r) >= 10 ? 0 : 2;
  return r.length ? `**${median(r).toFixed(digits)}×** (${spread(r, digits)})` : '—';
}

/** One row per N, phase and tool that ran at that point. */
function comparisonRows(points: ComparisonPoint[]): string[][] {
  const rows: string[][] = [];
  for (const point of [...points].sort((a, b) => a.n - b.n)) {
    const writes =
      point.objectsPerCluster * (point.scenario === 'sync' ? point.clusters - 1 : point.clusters);
    for (const phase of point.phases) {
      for (const tool of TOOLS) {
        const measures = point.runs.map((r) => r[tool]?.[phase]).filter((m): m is Measure => m !== undefined);
        if (measures.length === 0) continue;
        const seconds = measures.map((m) => m.seconds);
        // mcsync's own time in the rounds this tool ran (older rounds ran other tools, often at another load).
        const mcsyncSame = point.runs
          .filter((r) => r[tool]?.[phase] !== undefined)
          .map((r) => r.mcsync[phase]?.seconds ?? Number.NaN)
          .filter(Number.isFinite);
        const recap = tool === 'mcsync' || tool === 'ansible' || tool === 'ansibleFast';
        rows.push([
          String(point.n),
          PHASE_NAMES[phase],
          TOOL_NAMES[tool],
          `${secs(median(seconds))} (${spread(seconds)})`,
          tool === 'mcsync' ? '—' : secs(median(mcsyncSame)),
          ratioCell(point, phase, tool),
          `${((median(seconds) / writes) * 1000).toFixed(1)} ms`,
          secs(median(measures.map((m) => m.cpuSeconds ?? Number.NaN))),
          String(median(measures.map((m) => m.rssMb))),
          recap ? String(median(measures.map((m) => m.changed))) : '—',
          spread(
            measures.map((m) => m.load).filter((x): x is number => x !== undefined),
            1,
          ),
          String(measures.length),
        ]);
      }
    }
  }
  return rows;
}

function comparisonSection(title: string, intro: string, points: ComparisonPoint[]): string {
  if (points.length === 0) return `### ${title}\n\nNot measured in this run.`;
  const commands = new Map<Tool, string>();
  for (const p of points)
    for (const tool of TOOLS) {
      const c = p.commands[tool];
      if (c && !commands.has(tool)) commands.set(tool, c);
    }
  return [
    `### ${title}`,
    '',
    intro,
    '',
    ...[...commands].map(([tool, c]) => `- ${TOOL_NAMES[tool]}: \`${c}\``),
    `- First rounds measured ${points.map((x) => x.measuredAt.slice(0, 16).replace('T', ' ')).join(', ')} UTC; in every round each tool's objects were checked identical to mcsync's (${points.map((x) => `${x.runs[0]?.compared ?? 0} objects at N = ${x.n}`).join(', ')}).`,
    '',
    table(
      [
        'N',
        'phase',
        'tool',
        's, median (min–max)',
        'mcsync s in the same rounds',
        'tool / mcsync, median (range)',
        'per object write',
        'CPU s',
        'peak RSS MB',
        'changed tasks',
        'load avg',
        'runs',
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

function cpuSection(records: CpuRecord[]): string {
  if (records.length === 0) return '';
  const rows = records.map((r) => {
    const { wholeMs, marginalMs } = cpuPerWrite(r);
    const cpu = (phase: 'first' | 'noop'): number[] => r.runs.map((x) => x[phase].cpuSeconds ?? Number.NaN);
    const wall = r.runs.map((x) => x.first.seconds);
    const loads = r.runs
      .flatMap((x) => [x.first.load, x.noop.load])
      .filter((x): x is number => x !== undefined);
    return [
      r.label,
      r.measuredAt.slice(0, 16).replace('T', ' '),
      `${r.objects} × ${r.slaves}`,
      `${secs(median(cpu('first')))} (${spread(cpu('first'))})`,
      `${secs(median(cpu('noop')))} (${spread(cpu('noop'))})`,
      `**${wholeMs.toFixed(3)} ms**`,
      `${marginalMs.toFixed(3)} ms`,
      r.floor?.cpuSeconds === undefined
        ? '—'
        : `${(((r.floor.cpuSeconds ?? 0) / (r.objects * r.slaves)) * 1000).toFixed(3)} ms`,
      `${secs(median(wall))} (${spread(wall)})`,
      spread(loads, 1),
      String(r.runs.length),
    ];
  });
  return [
    "### mcsync's CPU time per object write (issue 19)",
    '',
    `Command: \`${records.at(-1)!.command}\`. CPU is user + system of the mcsync-play process (GNU time), start-up and the LISTs of the master and the slaves included; "without start-up and LISTs" subtracts the no-op rerun's CPU. Writes = objects (with their namespaces) × slaves.`,
    '',
    table(
      [
        'build',
        'measured (UTC)',
        'objects × slaves',
        'CPU s first run',
        'CPU s no-op rerun',
        'CPU per write',
        'without start-up and LISTs',
        'floor (bare client) CPU per write',
        'wall s first run',
        'load avg',
        'runs',
      ],
      rows,
    ),
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
    '## mcsync against ansible-playbook, kubectl and the floor (issues 8 and 19)',
    '',
    '_Generated by `npm run bench` (bench/run.ts) from bench/results.json; edit the script, not this section._',
    '',
    `Machine: ${results.machine.replace('at the start', 'at the start of the last invocation; each table gives the load during its runs')}. Versions: ${versions}.`,
    '',
    `Method: one sandbox (\`mcsync sandbox up --dir .sandbox-bench/suite\`), every tool against the same clusters with the same inventory (\`DIR/inventory.yml\`: api_url, token_file, ca_file per host) or kubeconfig (\`DIR/kubeconfig\`). Each point is asked for ${results.runsPerPoint} rounds (the \`runs\` column gives how many each tool has; a stopped run keeps the finished ones, and \`--tools\` adds rounds of some tools to the saved ones); in a round every tool starts from the same clean clusters (the order rotates), and the bench compares what each left on the clusters with mcsync's (objects without server-owned fields, cluster IPs and each tool's own marks) before it keeps the times. Ratios are a tool's time / mcsync's time within one round, and for the floor mcsync's time / the floor's; the tables give their median and range. Wall times include process start-up. The tools: mcsync-play; ansible-playbook as the seed's playbooks worked (\`bench/ansible/sync.yml\`, \`create.yml\`: one module call per object); ansible-playbook written the fast way (\`sync-fast.yml\`, \`create-fast.yml\`: one \`kubernetes.core.k8s\` call per host whose \`definition\` is the whole list, with \`k8s_info\` per kind on the master); kubectl (\`bench/peers/kubectl.ts\`: \`kubectl get -o json\` with the server's fields stripped, then \`kubectl apply --server-side\` per target, targets in parallel); and the floor (\`bench/peers/floor.ts\`: a bare Node client with its requests prepared before the clock starts, over one HTTP/2 connection per host since 2026-12-02 (over HTTP/1.1 agents before, as mcsync was), sending only the server-side applies — namespaces first — or, for the no-op, only one LIST per kind on the master and each slave, with the requests in flight per host its command gives).`,
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
    cpuSection(results.cpu),
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
