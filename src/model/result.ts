/** What a module returns per host: the uniform result contract every renderer understands. */
import type { Vars } from './vars.ts';

export interface ResultDiff {
  before: string;
  after: string;
  /** Header shown over the diff, e.g. `v1/Namespace demo`. */
  header?: string;
}

export interface ModuleResult {
  changed?: boolean;
  failed?: boolean;
  skipped?: boolean;
  unreachable?: boolean;
  /** Usually a sentence; debug may return a list or mapping as Ansible does. */
  msg?: unknown;
  diff?: ResultDiff | ResultDiff[];
  /** Variables that become host facts (set_fact, registered-like data). */
  facts?: Vars;
  /** Variables loaded by include_vars, at their own precedence level. */
  includedVars?: Vars;
  /** Anything else the module reports (objects, digests, stdout, ...). */
  [key: string]: unknown;
}

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored' | 'rescued';

/** Per-host counts in Ansible's PLAY RECAP order. */
export interface RecapCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export function emptyRecap(): RecapCounts {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
