/**
 * Events the engine emits while it runs. Renderers (listr2, plain, JSON) only listen; they never
 * steer the run.
 */
import type { SourceLocation } from '../errors.ts';
import type { HostStatus, ModuleResult, RecapCounts } from './result.ts';

export interface TaskRef {
  /** Display name: the task's name, else `module` (and `role : name` inside roles). */
  name: string;
  module: string;
  role?: string;
  location: SourceLocation;
  handler?: boolean;
}

export type EngineEvent =
  | { type: 'playbook_start'; file: string; check: boolean }
  | { type: 'play_start'; name: string; hosts: string[] }
  | { type: 'no_hosts'; play: string; pattern: string }
  | { type: 'task_start'; task: TaskRef; hosts: string[] }
  | {
      type: 'host_result';
      task: TaskRef;
      host: string;
      status: HostStatus;
      result: ModuleResult;
      /** Loop item label when the result is for one item. */
      item?: string;
      durationMs: number;
      /** The aggregate of a loop, sent after one event per item. */
      loopSummary?: boolean;
      /** Set when the task output is hidden by no_log. */
      censored?: boolean;
    }
  | { type: 'task_end'; task: TaskRef; durationMs: number }
  | { type: 'warning'; message: string; host?: string }
  /** Module detail for -v (info) or -vvv (debug); the engine only sends what the verbosity asks for. */
  | { type: 'log'; message: string; host?: string }
  | { type: 'recap'; hosts: Record<string, RecapCounts>; durationMs: number; interrupted: boolean };

export interface EventSink {
  emit(event: EngineEvent): void;
}
