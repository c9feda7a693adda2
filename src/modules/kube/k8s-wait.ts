/**
 * The k8s module's waiting: after CRDs are written their kinds must be served before the next
 * wave (always), and with `wait: true` every object must become ready (or gone for absent).
 */
import type { ModuleContext } from '../../model/module.ts';
import { waitForObject } from '../../kube/index.ts';
import type { WaitCondition } from '../../kube/index.ts';
import { settleBounded } from '../../shared/bounded.ts';
import type { K8sArgs } from './k8s-args.ts';
import type { ObjectOutcome, StepSettings } from './k8s-steps.ts';

/** `status: true` (YAML boolean) means 'True'. */
export function waitCondition(args: K8sArgs): WaitCondition | undefined {
  const c = args.wait_condition;
  if (!c) return undefined;
  const status =
    c.status === undefined ? 'True' : c.status === true ? 'True' : c.status === false ? 'False' : c.status;
  return {
    type: c.type,
    status: status as WaitCondition['status'],
    ...(c.reason ? { reason: c.reason } : {}),
  };
}

/** Waits for every written object; throws the first timeout (a McsyncError naming the object). */
export async function waitForOutcomes(
  outcomes: readonly ObjectOutcome[],
  settings: StepSettings,
  args: K8sArgs,
  state: string,
  context: ModuleContext,
): Promise<void> {
  const condition = waitCondition(args);
  const targets = outcomes.filter((o) => o.action !== 'missing' && o.action !== 'failed');
  const settled = await settleBounded(targets, 16, (o) =>
    waitForObject(settings.client, o.ref, {
      absent: state === 'absent',
      condition: state === 'absent' ? undefined : condition,
      timeoutMs: (args.wait_timeout ?? 120) * 1000,
      sleepMs: (args.wait_sleep ?? 1) * 1000,
      clock: context.services.clock,
      signal: context.signal,
    }),
  );
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * After a wave with CRDs: waits (up to 60 s) until each written CRD is Established, then drops
 * the discovery cache so the next wave sees the new kinds.
 */
export async function settleCrds(
  outcomes: readonly ObjectOutcome[],
  settings: StepSettings,
  context: ModuleContext,
): Promise<void> {
  const crds = outcomes.filter((o) => o.ref.kind === 'CustomResourceDefinition' && o.changed);
  if (!crds.length || settings.check) return;
  await Promise.all(
    crds.map((o) =>
      waitForObject(settings.client, o.ref, {
        timeoutMs: 60_000,
        sleepMs: 500,
        clock: context.services.clock,
        signal: context.signal,
      }),
    ),
  );
  settings.client.discovery.invalidate();
}
