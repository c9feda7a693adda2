/**
 * A task's arguments as they are known before the playbook runs: rendered with the variables it
 * will run with (role defaults, play vars, vars files, the extra vars the observer passes, the
 * inventory's `groups`) but without what only run time knows — facts set by `set_fact`,
 * registered results, the observed object's namespace and name. The access rules need a few of
 * these values (kinds, apiVersions, `from`, `prune`); one that cannot be known is an error naming
 * the file, the task and the key, never a guess.
 */
import { errorMessage, LoadError } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import { loopItems } from '../engine/loop.ts';
import { lazyVars } from '../engine/variables.ts';
import type { Task } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import { createTemplar } from '../template/index.ts';
import type { Templar } from '../template/index.ts';

/** A value the access rules need that cannot be known before the playbook runs, or is not usable. */
export class AccessRulesError extends LoadError {}

/** What every task of one derivation shares. */
export interface StaticScope {
  templar: Templar;
  /** Variables set only at run time (set_fact, register): left out, so templates using them fail. */
  runTimeNames: ReadonlySet<string>;
  /** Where the known variables come from, for messages (e.g. `vars/sync.yml`). */
  varsSources: readonly string[];
}

/** One way a task will run: its variables for one host and, with a loop, one item. */
export interface TaskFrame {
  task: Task;
  vars: Vars;
  /** Set when the task loops over a list only known at run time: templates using the item fail. */
  unknownLoopVar?: string;
}

/** A scope with a fresh templar whose `env` is empty: nothing of the deploying shell leaks in. */
export function staticScope(runTimeNames: ReadonlySet<string>, varsSources: readonly string[]): StaticScope {
  return { templar: createTemplar({ env: {} }), runTimeNames, varsSources };
}

/** The task's frames for one host: `layers` merged lowest first, minus the run-time names. */
export function taskFrames(task: Task, layers: readonly Vars[], scope: StaticScope): TaskFrame[] {
  const merged: Vars = Object.assign({}, ...layers) as Vars;
  for (const name of scope.runTimeNames) delete merged[name];
  const where = { location: task.location, ...(task.name ? { task: task.name } : {}) };
  const vars = lazyVars(merged, scope.templar, where);
  if (!task.loop) return [{ task, vars }];
  // A list built at run time (set_fact, register; even behind `default`): the task may run, over
  // items nobody knows yet.
  const unknown = [{ task, vars, unknownLoopVar: task.loop.loopVar }];
  if (runTimeMentions(task.loop.items, scope).length) return unknown;
  let items: unknown[];
  try {
    items = loopItems(task.loop, vars, scope.templar, where);
  } catch {
    return unknown;
  }
  return items.map((item, index) => ({
    task,
    vars: lazyVars(
      {
        ...merged,
        [task.loop?.loopVar ?? 'item']: item,
        ...(task.loop?.indexVar ? { [task.loop.indexVar]: index } : {}),
      },
      scope.templar,
      where,
    ),
  }));
}

/** Where an error about a task's key points. */
export function taskWhere(task: Task): { location: SourceLocation; label: string } {
  return { location: task.location, label: task.name ? `task '${task.name}'` : `task ${task.module}` };
}

/**
 * Renders `raw` (a task argument at `key`, e.g. `k8s_sync.objects[0].kind`) in `frame`. Throws
 * an AccessRulesError naming the task, the key and why, when the value needs run-time data.
 */
export function staticValue(frame: TaskFrame, key: string, raw: unknown, scope: StaticScope): unknown {
  if (!scope.templar.isTemplate(raw)) return raw;
  if (runTimeMentions(raw, scope).length) throw unknownValue(frame, key, raw, scope, '');
  try {
    return scope.templar.render(raw, frame.vars, { location: frame.task.location });
  } catch (error) {
    throw unknownValue(frame, key, raw, scope, errorMessage(error));
  }
}

function unknownValue(
  frame: TaskFrame,
  key: string,
  raw: unknown,
  scope: StaticScope,
  reason: string,
): AccessRulesError {
  const text = JSON.stringify(raw);
  const mentions = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(text);
  const runTime = runTimeMentions(raw, scope);
  const sources = scope.varsSources.length ? `${scope.varsSources.join(', ')} or ` : '';
  let why = `${reason.replace(/ \([^()]*:\d+:\d+\)$/, '')}; give it in ${sources}the playbook's vars`;
  if (frame.unknownLoopVar && mentions(frame.unknownLoopVar))
    why = `it depends on '${frame.unknownLoopVar}', and the loop's list is only known at run time`;
  else if (runTime.length)
    why = `${runTime.map((n) => `'${n}'`).join(', ')} is only set at run time (set_fact or register)`;
  else if (/\bobserved\.(namespace|name|type|object|batch|namespaces|key|cause)\b/.test(text))
    why = 'of `observed` only what is watched and where is known before anything changes';
  const { location, label } = taskWhere(frame.task);
  return new AccessRulesError(
    `${label}: ${key} ${text} must be known to derive the access rules, before the playbook runs: ${why}`,
    { location, key },
  );
}

/** The run-time names (set_fact, register) a raw value's templates mention. */
function runTimeMentions(raw: unknown, scope: StaticScope): string[] {
  const text = JSON.stringify(raw) ?? '';
  if (!text.includes('{{')) return [];
  return [...scope.runTimeNames].filter((name) => new RegExp(`\\b${name}\\b`).test(text));
}

/** A rendered boolean argument (`prune`, `create_namespace`); anything else is an error. */
export function staticBoolean(
  frame: TaskFrame,
  key: string,
  raw: unknown,
  fallback: boolean,
  scope: StaticScope,
): boolean {
  if (raw === undefined) return fallback;
  const value = staticValue(frame, key, raw, scope);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|yes|false|no)$/i.test(value.trim()))
    return /^(true|yes)$/i.test(value.trim());
  const { location, label } = taskWhere(frame.task);
  throw new AccessRulesError(`${label}: ${key} must be true or false, got ${JSON.stringify(value)}`, {
    location,
    key,
  });
}

/** A rendered non-empty string argument (kinds, apiVersions, host names). */
export function staticString(frame: TaskFrame, key: string, raw: unknown, scope: StaticScope): string {
  const value = staticValue(frame, key, raw, scope);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  const { location, label } = taskWhere(frame.task);
  throw new AccessRulesError(`${label}: ${key} must be a non-empty string, got ${JSON.stringify(value)}`, {
    location,
    key,
  });
}
