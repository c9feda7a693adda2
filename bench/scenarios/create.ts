/**
 * Scenario 1: the seed's vars/create.yml scaled to N projects (users, permissions, service
 * accounts) made to exist on every cluster, by mcsync's playbooks/create.yml and by
 * bench/ansible/create.yml, from clean clusters; both must leave identical objects.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { api, deleteNamespaces, listAll, type BenchHost } from '../lib/cluster.ts';
import { toolOrder, type BenchContext } from '../lib/context.ts';
import { ansiblePlaybook, mcsyncPlay, mustSucceed, root } from '../lib/exec.ts';
import type { ComparisonPoint, PairRun } from '../lib/results.ts';
import { measure } from './sync.ts';
import { assertIdentical, snapshot, type Selection, type Snapshot } from '../lib/snapshot.ts';
import { CREATE_PROJECT_PREFIX, CREATE_USER_PREFIX, createVars } from '../lib/workload.ts';

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

/** Scenario 1 with `n` projects: runPair runs one pair from clean clusters and checks it. */
export function createRunner(ctx: BenchContext, n: number): PointRunner {
  const { sandbox } = ctx;
  const varsFile = join(ctx.work, `create-${n}.yml`);
  writeFileSync(varsFile, stringify(createVars(n)));
  const mcsyncArgs = ['playbooks/create.yml', '-i', sandbox.inventory, '-e', `@${varsFile}`];
  const ansibleArgs = ['-i', sandbox.inventory, 'bench/ansible/create.yml', '-e', `@${varsFile}`];
  const point: ComparisonPoint = {
    scenario: 'create',
    n,
    clusters: sandbox.hosts.length,
    objectsPerCluster: n * 5,
    phases: ['first'],
    commands: {
      mcsync: `mcsync-play playbooks/create.yml -i DIR/inventory.yml -e @${relative(root, varsFile)}`,
      ansible: `ansible-playbook -i DIR/inventory.yml bench/ansible/create.yml -e @${relative(root, varsFile)}`,
    },
    measuredAt: new Date().toISOString(),
    runs: [],
  };
  const runPair = async (run: number): Promise<void> => {
    const pair: PairRun = { mcsync: {}, ansible: {}, compared: 0 };
    const snaps: Partial<Record<'mcsync' | 'ansible', Snapshot>> = {};
    for (const tool of toolOrder(run)) {
      await clean(sandbox.hosts);
      const timed =
        tool === 'mcsync'
          ? mustSucceed('mcsync-play create', mcsyncPlay(mcsyncArgs))
          : mustSucceed('ansible-playbook create', ansiblePlaybook(ansibleArgs));
      pair[tool].first = measure(timed);
      snaps[tool] = await snapshot(sandbox.hosts, SELECTIONS);
      ctx.log(
        `create n=${n} run ${run + 1}: ${tool} ${timed.seconds.toFixed(2)} s, ${snaps[tool].size} objects`,
      );
    }
    assertIdentical(`create n=${n} run ${run + 1}`, snaps.mcsync!, snaps.ansible!);
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
