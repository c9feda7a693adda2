/** Runs one wave of objects through a step with bounded concurrency, keeping failures as data. */
import { errorMessage } from '../../errors.ts';
import { refOf } from '../../kube/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { settleBounded } from '../../shared/bounded.ts';
import type { ObjectOutcome, StepSettings } from './k8s-steps.ts';

/** Parallel API writes per host and task. */
export const WAVE_CONCURRENCY = 8;

export interface WaveItem {
  outcome: ObjectOutcome;
  /** Set when the step threw; `outcome.action` is then `failed`. */
  error?: unknown;
}

/** Runs `step` on every object of a wave; every object settles. */
export async function settleWave(
  wave: readonly KubeObject[],
  settings: StepSettings,
  step: (object: KubeObject, settings: StepSettings) => Promise<ObjectOutcome>,
): Promise<WaveItem[]> {
  const settled = await settleBounded(wave, WAVE_CONCURRENCY, (object) => step(object, settings));
  return settled.map((result, index) => {
    if (result.status === 'fulfilled') return { outcome: result.value };
    const object = wave[index] as KubeObject;
    const ref = refOf(object);
    return {
      outcome: {
        ref,
        action: 'failed',
        changed: false,
        before: undefined,
        after: undefined,
        msg: errorMessage(result.reason),
      },
      error: result.reason,
    };
  });
}
