/**
 * Scenario 1: the seed's vars/create.yml scaled to N projects (users, permissions, service
 * accounts) made to exist on every cluster, from clean clusters, by mcsync's
 * playbooks/create.yml, bench/ansible/create.yml (one module call per object),
 * bench/ansible/create-fast.yml (one call per cluster with the whole list), kubectl (the same
 * objects as manifests, `apply --server-side` per cluster in parallel) and the floor (only the
 * server-side applies); all must leave identical objects.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { api, deleteNamespaces, listAll, type BenchHost } from '../lib/cluster.ts';
import type { BenchContext } from '../lib/context.ts';
import { root } from '../lib/exec.ts';
import { applyPlan } from '../lib/floor-plan.ts';
import { TOOLS, type ComparisonPoint, type PairRun, type Tool } from '../lib/results.ts';
import { assertIdentical, snapshot, type Selection, type Snapshot } from '../lib/snapshot.ts';
import { CREATE_PROJECT_PREFIX, CREATE_USER_PREFIX, createManifests, createVars } from '../lib/workload.ts';
import {
  floorCommand,
  FLOOR_INFLIGHT,
  kubectlPeer,
  playCommands,
  rotate,
  runTool,
  type ToolCommand,
} from './peers.ts';
import { measure } from './sync.ts';

const USERS = '/apis/user.openshift.io/v1/users';
const inProject = (o: { metadata?: { namespace?: string } }): boolean =>
  (o.metadata?.namespace ?? '').startsWith(CREATE_PROJECT_PREFIX);

const SELECTIONS: Selection[] = [
  { path: '/api/v1/namespaces', keep: (o) => (o.metadata?.name ?? '').startsWith(CREATE_PROJECT_PREFIX) },
  { path: USERS, keep: (o) => (o.metadata?.name ?? '').startsWith(CREATE_USER_PREFIX) },
  { path: '/api/v1/serviceaccounts', keep: (o) => inProject(o) && o.metadata?.name !== 'default' },
  { path: '/apis/rbac.authorization.k8s.io/v1/rolebindings', keep: inProject },
];

async function clean(hosts: BenchHost[]): Promise<void> {
  await deleteNamespaces(hosts, CREATE_PROJECT_PREFIX);
  await Promise.all(
    hosts.map(async (host) => {
      const users = (await listAll(host, USERS)).filter((u) =>
        (u.metadata?.name ?? '').startsWith(CREATE_USER_PREFIX),
      );
      await Promise.all(
        users.map((u) => api(host, 'DELETE', `${USERS}/${u.metadata?.name}`, undefined, [404])),
      );
    }),
  );
}

/** A point of scenario 1 whose pairs can be run one at a time (interleaved with other points). */
export interface PointRunner {
  point: ComparisonPoint;
  runPair(run: number): Promise<void>;
  finish(): Promise<void>;
}

/** The command of each tool of scenario 1 (the kubectl manifests and floor plan are written here). */
function createCommands(ctx: BenchContext, n: number, varsFile: string): (tool: Tool) => ToolCommand {
  const { sandbox } = ctx;
  const inventory = sandbox.inventory;
  const plays = playCommands(
    sandbox,
    ['playbooks/create.yml', '-i', inventory, '-e', `@${varsFile}`],
    (pb) => ['-i', inventory, pb, '-e', `@${varsFile}`],
    { ansible: 'bench/ansible/create.yml', ansibleFast: 'bench/ansible/create-fast.yml' },
  );
  const objects = createManifests(n);
  const manifests = join(ctx.work, `create-${n}-manifests.json`);
  writeFileSync(manifests, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  const all = sandbox.hosts.map((h) => h.name).join(',');
  const kubectlArgs = [
    '--kubeconfig',
    sandbox.kubeconfig,
    '--to',
    all,
    '--file',
    manifests,
    '--work',
    ctx.work,
  ];
  const kubectl: ToolCommand = {
    shown: `node bench/peers/kubectl.ts --kubeconfig DIR/kubeconfig --to ${all} --file ${relative(root, manifests)}`,
    run: () => kubectlPeer(kubectlArgs),
  };
  const floor = floorCommand(
    applyPlan(objects, sandbox.hosts, FLOOR_INFLIGHT),
    join(ctx.work, `floor-create-${n}.json`),
    `with the ${objects.length} server-side applies per cluster`,
  );
  return (tool) => (tool === 'kubectl' ? kubectl : tool === 'floor' ? floor : plays[tool]);
}

/** Scenario 1 with `n` projects: runPair runs one round from clean clusters and checks it. */
export function createRunner(ctx: BenchContext, n: number): PointRunner {
  const { sandbox } = ctx;
  const tools = ctx.tools ?? TOOLS;
  const varsFile = join(ctx.work, `create-${n}.yml`);
  writeFileSync(varsFile, stringify(createVars(n)));
  const command = createCommands(ctx, n, varsFile);
  const point: ComparisonPoint = {
    scenario: 'create',
    n,
    clusters: sandbox.hosts.length,
    objectsPerCluster: n * 5,
    phases: ['first'],
    commands: Object.fromEntries(tools.map((t) => [t, command(t).shown])) as ComparisonPoint['commands'],
    floorInflight: FLOOR_INFLIGHT,
    measuredAt: new Date().toISOString(),
    runs: [],
  };
  const runPair = async (run: number): Promise<void> => {
    const pair: PairRun = { mcsync: {}, compared: 0 };
    const snaps: Partial<Record<Tool, Snapshot>> = {};
    for (const tool of rotate(tools, run)) {
      await clean(sandbox.hosts);
      const timed = runTool(tool, 'first', command(tool));
      pair[tool] = { first: measure(timed) };
      snaps[tool] = await snapshot(sandbox.hosts, SELECTIONS);
      ctx.log(
        `create n=${n} run ${run + 1}: ${tool} ${timed.seconds.toFixed(2)} s, ${snaps[tool].size} objects`,
      );
    }
    for (const tool of tools)
      if (tool !== 'mcsync')
        assertIdentical(`create n=${n} run ${run + 1}`, snaps.mcsync!, snaps[tool]!, ['mcsync', tool]);
    const expected = n * 5 * sandbox.hosts.length;
    if (snaps.mcsync!.size !== expected)
      throw new Error(
        `create n=${n}: expected ${expected} objects on the clusters, found ${snaps.mcsync!.size}`,
      );
    pair.compared = snaps.mcsync!.size;
    point.runs.push(pair);
    ctx.progress?.(point);
  };
  return { point, runPair, finish: () => clean(sandbox.hosts) };
}
