/**
 * Scenario 4: mcsync alone, how cost grows with objects (at 3 clusters) and with clusters (at a
 * fixed object count): wall time and peak RSS of the first sync and of the no-op rerun.
 */
import { join } from 'node:path';
import { writeSubsetInventory } from '../lib/cluster.ts';
import type { BenchContext } from '../lib/context.ts';
import { mcsyncPlay, mustSucceed } from '../lib/exec.ts';
import type { ProfileSummary, ScalePoint } from '../lib/results.ts';
import { assertLikeMaster, snapshot } from '../lib/snapshot.ts';
import { syncNamespaces } from '../lib/workload.ts';
import { cleanSlaves, MCSYNC_SYNC, measure, profileSync, seedMaster, SYNC_SELECTIONS } from './sync.ts';

/** The points of the curve: objects × clusters. */
export function scalePoints(quick: boolean): Array<{ objects: number; clusters: number }> {
  const objects = quick ? [100, 300] : [100, 1000, 3000, 10000];
  const clusters = quick ? [2, 3] : [2, 3, 4, 6, 8];
  const fixed = quick ? 300 : 1000;
  const points = [
    ...objects.map((n) => ({ objects: n, clusters: 3 })),
    ...clusters.filter((c) => c !== 3).map((c) => ({ objects: fixed, clusters: c })),
  ];
  return points.sort((a, b) => a.objects - b.objects || a.clusters - b.clusters);
}

/** Runs the curve on a sandbox with at least max(clusters) clusters; profiles the largest point. */
export async function runScale(
  ctx: BenchContext,
  points: Array<{ objects: number; clusters: number }>,
  onPoint: (point: ScalePoint) => void,
): Promise<ProfileSummary[]> {
  let seeded = -1;
  let profiles: ProfileSummary[] = [];
  const largest = Math.max(...points.map((p) => p.objects));
  for (const { objects, clusters } of points) {
    if (seeded !== objects) {
      await seedMaster(ctx, objects);
      seeded = objects;
    }
    const inventory = writeSubsetInventory(
      ctx.sandbox,
      clusters,
      join(ctx.work, `inventory-${clusters}.yml`),
    );
    const [master, ...slaves] = ctx.sandbox.hosts.slice(0, clusters);
    const masterSnap = await snapshot([master!], SYNC_SELECTIONS);
    const point: ScalePoint = { objects, clusters, measuredAt: new Date().toISOString(), runs: [] };
    for (let run = 0; run < ctx.runs; run++) {
      await cleanSlaves(slaves);
      const first = measure(
        mustSucceed('mcsync-play sync (first run)', mcsyncPlay([MCSYNC_SYNC, '-i', inventory])),
      );
      const noop = measure(
        mustSucceed('mcsync-play sync (no-op rerun)', mcsyncPlay([MCSYNC_SYNC, '-i', inventory])),
      );
      if (noop.changed !== 0)
        throw new Error(`scale ${objects}×${clusters}: the no-op rerun changed ${noop.changed} objects`);
      const after = await snapshot(slaves, SYNC_SELECTIONS);
      assertLikeMaster(
        `scale ${objects}×${clusters}`,
        masterSnap,
        after,
        slaves.map((h) => h.name),
        master!.name,
      );
      if (after.size !== (objects + syncNamespaces(objects).length) * slaves.length)
        throw new Error(`scale ${objects}×${clusters}: ${after.size} objects on the slaves`);
      point.runs.push({ first, noop });
      ctx.log(
        `scale ${objects} objects × ${clusters} clusters run ${run + 1}: first ${first.seconds.toFixed(2)} s ${first.rssMb} MB, no-op ${noop.seconds.toFixed(2)} s ${noop.rssMb} MB`,
      );
    }
    onPoint(point);
    if (objects === largest && clusters === 3) profiles = await profileSync(ctx, objects, slaves, inventory);
    await cleanSlaves(slaves);
  }
  return profiles;
}
