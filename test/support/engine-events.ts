// Builders for engine events in renderer and report tests.
import type { EngineEvent, TaskRef } from '../../src/model/events.ts';
import type { HostStatus, ModuleResult } from '../../src/model/result.ts';

type HostResultEvent = Extract<EngineEvent, { type: 'host_result' }>;

/** A `host_result` event; `extra` sets the loop item, the loop summary flag or no_log's censored. */
export function hostResult(
  task: TaskRef,
  host: string,
  status: HostStatus,
  result: ModuleResult,
  durationMs: number,
  extra: Pick<HostResultEvent, 'item' | 'loopSummary' | 'censored'> = {},
): HostResultEvent {
  return { type: 'host_result', task, host, status, ...extra, result, durationMs };
}
