/** What the engine remembers about one host across a playbook run. */
import { emptyRecap } from '../model/result.ts';
import type { RecapCounts } from '../model/result.ts';
import type { Vars } from '../model/vars.ts';

export interface HostState {
  name: string;
  /** set_fact results and registered variables (one precedence level, as in Ansible). */
  facts: Vars;
  /** Variables from include_vars. */
  includedVars: Vars;
  /** Handler names notified by changed results, flushed at the end of each section. */
  notified: Set<string>;
  /** Failed and not rescued: no further tasks in this play or later plays. */
  failed: boolean;
  unreachable: boolean;
  recap: RecapCounts;
}

export function newHostState(name: string): HostState {
  return {
    name,
    facts: {},
    includedVars: {},
    notified: new Set(),
    failed: false,
    unreachable: false,
    recap: emptyRecap(),
  };
}

/** A host still taking tasks. */
export function isActive(state: HostState): boolean {
  return !state.failed && !state.unreachable;
}
