/**
 * k8s: makes objects present (server-side apply), absent (delete) or patched (merge patch) on the
 * task's host. Objects come from `definition`, `src` files or `template` files; they are written
 * in dependency order (namespaces and CRDs, then service accounts and RBAC, then the rest), each
 * wave concurrently. `changed` is true only when a live object really changed.
 */
import { McsyncError, UnreachableError, errorMessage } from '../../errors.ts';
import type { ModuleContext, ModuleDefinition } from '../../model/module.ts';
import type { ModuleResult, ResultDiff } from '../../model/result.ts';
import { kubeClientFor, objectDiff, withManagedBy, writeWaves } from '../../kube/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { k8sArgsSchema } from './k8s-args.ts';
import type { K8sArgs } from './k8s-args.ts';
import { collectObjects } from './k8s-objects.ts';
import { settleWave } from './k8s-waves.ts';
import type { ObjectOutcome, StepSettings } from './k8s-steps.ts';
import { absentStep, patchedStep, presentStep } from './k8s-steps.ts';
import { settleCrds, waitForOutcomes } from './k8s-wait.ts';
import { pruneApplySet, withApplySet } from './k8s-prune.ts';

/** How one object is reported in the result's `objects` list. */
export interface ObjectReport {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  action: ObjectOutcome['action'];
  msg?: string;
}

type State = NonNullable<K8sArgs['state']>;

const STEPS = { present: presentStep, absent: absentStep, patched: patchedStep };

export const k8sModule: ModuleDefinition<K8sArgs> = {
  name: 'k8s',
  aliases: ['kubernetes.core.k8s'],
  description: 'Make Kubernetes objects present (server-side apply), absent or patched on the host.',
  supportsCheckMode: true,
  argsSchema: k8sArgsSchema,
  async run(args, context) {
    if (args.apply === false) {
      throw new McsyncError('apply: false is not supported: mcsync always writes with server-side apply', {
        key: 'apply',
      });
    }
    const state = args.state ?? 'present';
    checkApplySetArgs(args, state);
    const sourced = await collectObjects(args, context, state);
    if (!sourced.length && !args.prune) return { changed: false, objects: [], msg: 'no objects given' };
    const label = state === 'present' && args.managed_by_label !== false;
    const objects = sourced
      .map((s) => (label ? withManagedBy(s.object) : s.object))
      .map((o) => (args.apply_set === undefined ? o : withApplySet(o, args.apply_set)));
    const settings = await stepSettings(args, context);
    const { outcomes, failures } = await runWaves(
      objects,
      state,
      settings,
      args.continue_on_error ?? false,
      context,
    );
    if (args.wait && !context.check && !failures.length) {
      await waitForOutcomes(outcomes, settings, args, state, context);
    }
    // Prune only after every object applied: a half-applied set must not lose its old members.
    if (args.prune && !failures.length) await prune(args, settings, outcomes, failures);
    return buildResult(outcomes, failures, context);
  },
};

async function prune(
  args: K8sArgs,
  settings: StepSettings,
  outcomes: ObjectOutcome[],
  failures: string[],
): Promise<void> {
  const pruned = await pruneApplySet(
    outcomes.map((o) => o.ref),
    {
      client: settings.client,
      setName: args.apply_set ?? '',
      namespace: args.namespace ?? settings.client.connection.defaultNamespace ?? 'default',
      check: settings.check,
    },
  );
  outcomes.push(...pruned);
  for (const o of pruned) if (o.action === 'failed') failures.push(o.msg ?? 'prune failed');
}

/** `prune` needs a set to prune and only makes sense when applying. */
function checkApplySetArgs(args: K8sArgs, state: State): void {
  if (args.prune && args.apply_set === undefined) {
    throw new McsyncError('prune: true needs apply_set: NAME (the set whose old members may be deleted)', {
      key: 'prune',
    });
  }
  if (args.prune && state !== 'present') {
    throw new McsyncError(`prune: true works with state: present, not state: ${state}`, { key: 'prune' });
  }
}

async function stepSettings(args: K8sArgs, context: ModuleContext): Promise<StepSettings> {
  return {
    client: await kubeClientFor(context),
    check: context.check,
    force: args.force_conflicts ?? false,
    namespace: args.namespace,
    deleteOptions: args.delete_options ?? {},
    planned: { namespaces: new Set(), kinds: new Set() },
    clock: context.services.clock,
  };
}

/**
 * Writes the objects wave by wave (reverse order for absent). A failed object stops the next
 * waves unless `continueOnError`; an unreachable cluster stops everything (the host is unreachable).
 */
async function runWaves(
  objects: readonly KubeObject[],
  state: State,
  settings: StepSettings,
  continueOnError: boolean,
  context: ModuleContext,
): Promise<{ outcomes: ObjectOutcome[]; failures: string[] }> {
  const outcomes: ObjectOutcome[] = [];
  const failures: string[] = [];
  for (const wave of writeWaves(objects, { reverse: state === 'absent' })) {
    const settled = await settleWave(wave, settings, STEPS[state]);
    for (const item of settled) {
      if (item.error instanceof UnreachableError) throw item.error;
      outcomes.push(item.outcome);
      if (item.error !== undefined) failures.push(errorMessage(item.error));
    }
    if (failures.length && !continueOnError) break;
    if (state === 'present')
      await settleCrds(
        settled.map((item) => item.outcome),
        settings,
        context,
      );
  }
  return { outcomes, failures };
}

function report(outcome: ObjectOutcome): ObjectReport {
  const { ref } = outcome;
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    name: ref.name,
    action: outcome.action,
    ...(outcome.msg ? { msg: outcome.msg } : {}),
  };
}

/** `2 created, 1 unchanged` */
function summary(outcomes: readonly ObjectOutcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.action, (counts.get(o.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} ${action}`).join(', ');
}

function buildResult(
  outcomes: readonly ObjectOutcome[],
  failures: readonly string[],
  context: ModuleContext,
): ModuleResult {
  const changed = outcomes.some((o) => o.changed);
  const result: ModuleResult = { changed, objects: outcomes.map(report) };
  if (context.diff) {
    const diffs: ResultDiff[] = outcomes
      .filter((o) => o.changed)
      .map((o) => objectDiff(o.before, o.after as KubeObject | undefined));
    if (diffs.length) result.diff = diffs;
  }
  if (failures.length) {
    result.failed = true;
    result.msg = `${failures.length} object(s) failed: ${failures.join('; ')}`;
  } else {
    result.msg = summary(outcomes) + (context.check ? ' (check mode: nothing written)' : '');
  }
  return result;
}
