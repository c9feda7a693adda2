/**
 * Runs one task on one host: conditions, loops, check mode, the module call with retries/until,
 * changed_when/failed_when, register, notify, and the events renderers listen to.
 */
import { errorMessage, McsyncError, UnreachableError } from '../errors.ts';
import type { TaskRef } from '../model/events.ts';
import type { ModuleContext, ModuleDefinition } from '../model/module.ts';
import type { EnvironmentLayer, Task } from '../model/playbook.ts';
import type { HostStatus, ModuleResult } from '../model/result.ts';
import { markData } from '../model/vars.ts';
import type { Vars } from '../model/vars.ts';
import { environmentLayers, renderEnvironment } from './environment.ts';
import type { TaskEnvironment } from './environment.ts';
import type { HostState } from './host-state.ts';
import { itemLabel, loopItems } from './loop.ts';
import { validateModuleArgs } from './module-args.ts';
import type { EngineDeps, RenderWhere, RunOptions } from './ports.ts';
import { taskVariables } from './variables.ts';
import type { PlayScope, TaskScope } from './variables.ts';

export interface TaskOutcome {
  status: HostStatus;
  result: ModuleResult;
}

const DEFAULT_UNTIL_RETRIES = 3;
const DEFAULT_UNTIL_DELAY_S = 5;

export class TaskExecutor {
  readonly #deps: EngineDeps;
  readonly #options: RunOptions;
  readonly #play: PlayScope;

  constructor(deps: EngineDeps, options: RunOptions, play: PlayScope) {
    this.#deps = deps;
    this.#options = options;
    this.#play = play;
  }

  /** Runs `task` for `host` and emits its result events. Never throws for task failures. */
  async run(
    task: Task,
    ref: TaskRef,
    scope: Omit<TaskScope, 'taskVars'>,
    host: HostState,
  ): Promise<TaskOutcome> {
    const started = Date.now();
    const where: RenderWhere = { task: ref.name, location: task.location, baseDir: scope.role?.path };
    const taskScope: TaskScope = { ...scope, taskVars: task.vars };
    let outcome: TaskOutcome;
    try {
      outcome = task.loop
        ? await this.#runLoop(task, ref, taskScope, host, where)
        : await this.#runItem(task, taskScope, host, where, this.#vars(host, taskScope, where));
    } catch (error) {
      outcome = failure(error);
    }
    if (task.register)
      host.facts[task.register] = task.loop
        ? registeredLoop(outcome.result)
        : registeredValue(outcome.result);
    if (outcome.result.changed && (outcome.status === 'changed' || outcome.status === 'ignored')) {
      for (const name of task.notify) host.notified.add(name);
    }
    this.#emit(task, ref, host, outcome, Date.now() - started, undefined, taskScope, where);
    return outcome;
  }

  async #runLoop(
    task: Task,
    ref: TaskRef,
    scope: TaskScope,
    host: HostState,
    where: RenderWhere,
  ): Promise<TaskOutcome> {
    const loop = task.loop!;
    const vars = this.#vars(host, scope, where);
    const items = loopItems(loop, vars, this.#deps.templates, where);
    const results: ModuleResult[] = [];
    const statuses: HostStatus[] = [];
    for (const [index, item] of items.entries()) {
      if (this.#deps.interrupt.aborted) break;
      const loopVars: Vars = {
        [loop.loopVar]: item,
        ansible_loop: {
          index: index + 1,
          index0: index,
          first: index === 0,
          last: index === items.length - 1,
          length: items.length,
        },
      };
      if (loop.indexVar) loopVars[loop.indexVar] = index;
      const itemScope: TaskScope = { ...scope, loopVars };
      // One variables view per item serves the module call and the label.
      const itemVars = this.#vars(host, itemScope, where);
      const started = Date.now();
      const outcome = await this.#runItem(task, itemScope, host, where, itemVars).catch(failure);
      const label = itemLabel(
        item,
        loop.label === undefined ? undefined : this.#deps.templates.render(loop.label, itemVars, where),
      );
      results.push({ ...outcome.result, item, [loop.loopVar]: item });
      statuses.push(outcome.status);
      this.#emit(task, ref, host, outcome, Date.now() - started, label, scope, where);
      if (loop.pause) await this.#deps.services.clock.sleep(loop.pause * 1000, this.#deps.interrupt);
    }
    return summarizeLoop(results, statuses);
  }

  #vars(host: HostState, scope: TaskScope, where: RenderWhere): Vars {
    return taskVariables(host, this.#deps.inventory, this.#play, scope, this.#deps.templates, where);
  }

  async #runItem(
    task: Task,
    scope: TaskScope,
    host: HostState,
    where: RenderWhere,
    vars: Vars,
  ): Promise<TaskOutcome> {
    const { templates, modules } = this.#deps;
    if (task.when.length > 0 && !templates.condition(task.when, vars, where)) {
      return {
        status: 'skipped',
        result: { skipped: true, changed: false, msg: 'Conditional result was False' },
      };
    }
    const module = modules.get(task.module);
    if (!module)
      return failure(new McsyncError(`unknown module '${task.module}'`, { location: task.location }));
    const check =
      task.checkMode === undefined ? this.#options.check : templates.condition(task.checkMode, vars, where);
    if (check && !module.supportsCheckMode) {
      return {
        status: 'skipped',
        result: {
          skipped: true,
          changed: false,
          msg: `skipped: module '${module.name}' does not support check mode`,
        },
      };
    }
    const args = this.#renderArgs(module, task.args, vars, where);
    validateModuleArgs(module, args, task.location);
    const delegate =
      task.delegateTo === undefined ? host.name : String(templates.render(task.delegateTo, vars, where));
    const layers = environmentLayers(scope.environment, task.environment);
    const context = this.#context(delegate, vars, check, scope, { layers, where });
    const result = await this.#callWithUntil(task, module, args, context, vars, where);
    const outcome = this.#classify(task, result, vars, where);
    if (outcome.status !== 'failed' && outcome.status !== 'unreachable') {
      Object.assign(host.facts, result.facts);
      Object.assign(host.includedVars, result.includedVars);
    }
    return outcome;
  }

  #renderArgs(module: ModuleDefinition, raw: Vars, vars: Vars, where: RenderWhere): Vars {
    const conditionKeys = new Set(module.conditionArgs ?? []);
    const plain: Vars = {};
    for (const [key, value] of Object.entries(raw)) {
      if (!conditionKeys.has(key)) plain[key] = value;
    }
    const rendered = this.#deps.templates.render(plain, vars, where) as Vars;
    for (const key of conditionKeys) {
      if (!(key in raw)) continue;
      const list = Array.isArray(raw[key]) ? (raw[key] as unknown[]) : [raw[key]];
      rendered[key] = list.map((condition) => ({
        condition: String(condition),
        result: this.#deps.templates.condition(condition as string | boolean, vars, where),
      }));
    }
    return rendered;
  }

  #context(
    host: string,
    vars: Vars,
    check: boolean,
    scope: TaskScope,
    env: { layers: EnvironmentLayer[]; where: RenderWhere },
  ): ModuleContext {
    const { inventory, services, sink, interrupt, templates } = this.#deps;
    const baseDir = scope.role?.path ?? String(this.#play.magic['playbook_dir'] ?? process.cwd());
    let environment: TaskEnvironment | undefined;
    return {
      get environment(): TaskEnvironment {
        return (environment ??= renderEnvironment(env.layers, vars, templates, env.where));
      },
      host,
      vars,
      check,
      diff: this.#options.diff,
      verbosity: this.#options.verbosity,
      inventory: {
        hostNames: () => inventory.hostNames(),
        groupHosts: (group) => inventory.groupHosts(group),
        hostVars: (name) => (inventory.hasHost(name) ? inventory.hostVars(name) : {}),
      },
      services,
      log: {
        info: (message) => this.#options.verbosity >= 1 && sink.emit({ type: 'log', message, host }),
        debug: (message) => this.#options.verbosity >= 3 && sink.emit({ type: 'log', message, host }),
        warn: (message) => sink.emit({ type: 'warning', message, host }),
      },
      signal: interrupt,
      baseDir,
      searchPaths: scope.role
        ? [`${scope.role.path}/files`, `${scope.role.path}/templates`, scope.role.path, baseDir]
        : [baseDir],
    };
  }

  /**
   * Calls the module, retrying while `until` is false, as Ansible's TaskExecutor does: after each
   * attempt the facts it set (set_fact, include_vars) and its registered result are bound, then
   * `changed_when` and `failed_when` are applied, then `until` is evaluated against the same
   * bindings. Arguments are rendered once, before the first attempt.
   */
  async #callWithUntil(
    task: Task,
    module: ModuleDefinition,
    args: Vars,
    context: ModuleContext,
    vars: Vars,
    where: RenderWhere,
  ): Promise<ModuleResult> {
    const attemptsAllowed = untilAttempts(task);
    const delayMs = (task.delay ?? DEFAULT_UNTIL_DELAY_S) * 1000;
    let bound = vars;
    let result: ModuleResult = {};
    for (let attempt = 1; attempt <= attemptsAllowed; attempt++) {
      result = { changed: false, ...(await callModule(module, args, context)) };
      if (result.unreachable) return result;
      if (task.until) result.attempts = attempt;
      // Only the conditions read the bound variables; binding copies every variable of the task.
      if (task.until || task.changedWhen || task.failedWhen) {
        bound = this.#bindResult(task, bound, result);
        this.#applyResultConditions(task, result, bound, where);
      }
      // One attempt (no until, or retries <= 0): Ansible does not evaluate `until` at all.
      if (attemptsAllowed === 1) return result;
      if (this.#deps.templates.condition(task.until!, this.#bindResult(task, bound, result), where))
        return result;
      if (attempt < attemptsAllowed) await this.#deps.services.clock.sleep(delayMs, this.#deps.interrupt);
    }
    // Ansible registers `attempts` as the number of retries here (one less than the runs).
    return {
      ...result,
      failed: true,
      attempts: attemptsAllowed - 1,
      msg: result.msg ?? `retries exhausted: until condition never held`,
    };
  }

  /** The task's variables plus what this attempt set: its facts, then its registered result. */
  #bindResult(task: Task, vars: Vars, result: ModuleResult): Vars {
    const facts = { ...result.includedVars, ...result.facts };
    const registered = registeredValue(result);
    return withVars(
      vars,
      task.register
        ? { ...facts, [task.register]: registered, result: registered }
        : { ...facts, result: registered },
    );
  }

  /** `changed_when` then `failed_when`, each on the result as it stands (skipped results keep theirs). */
  #applyResultConditions(task: Task, result: ModuleResult, bound: Vars, where: RenderWhere): void {
    if (result.skipped) return;
    const { templates } = this.#deps;
    if (task.changedWhen)
      result.changed = templates.condition(task.changedWhen, this.#bindResult(task, bound, result), where);
    if (task.failedWhen)
      result.failed = templates.condition(task.failedWhen, this.#bindResult(task, bound, result), where);
  }

  #classify(task: Task, result: ModuleResult, vars: Vars, where: RenderWhere): TaskOutcome {
    if (result.unreachable) return { status: 'unreachable', result };
    if (result.skipped) return { status: 'skipped', result };
    if (result.failed) {
      const ignore =
        task.ignoreErrors !== undefined && this.#deps.templates.condition(task.ignoreErrors, vars, where);
      return { status: ignore ? 'ignored' : 'failed', result };
    }
    return { status: result.changed ? 'changed' : 'ok', result };
  }

  #emit(
    task: Task,
    ref: TaskRef,
    host: HostState,
    outcome: TaskOutcome,
    durationMs: number,
    item: string | undefined,
    scope: TaskScope,
    where: RenderWhere,
  ): void {
    const censored = task.noLog !== undefined && this.#noLog(task, host, scope, where);
    this.#deps.sink.emit({
      type: 'host_result',
      task: ref,
      host: host.name,
      status: outcome.status,
      result: outcome.result,
      durationMs,
      ...(item === undefined ? {} : { item }),
      ...(task.loop && item === undefined ? { loopSummary: true } : {}),
      ...(censored ? { censored } : {}),
    });
  }

  #noLog(task: Task, host: HostState, scope: TaskScope, where: RenderWhere): boolean {
    try {
      const vars = this.#vars(host, { ...scope, role: task.role ?? scope.role }, where);
      return this.#deps.templates.condition(task.noLog!, vars, where);
    } catch {
      return true; // when in doubt, hide
    }
  }
}

/**
 * How many times a task runs at most, as Ansible 2.14's TaskExecutor counts: without `until`
 * once; with it `retries + 1` (retries 3 when unset), and once when `retries` is 0 or less.
 */
function untilAttempts(task: Task): number {
  if (!task.until) return 1;
  const retries = task.retries ?? DEFAULT_UNTIL_RETRIES;
  return retries <= 0 ? 1 : retries + 1;
}

async function callModule(
  module: ModuleDefinition,
  args: Vars,
  context: ModuleContext,
): Promise<ModuleResult> {
  try {
    return await module.run(args, context);
  } catch (error) {
    if (error instanceof UnreachableError)
      return { unreachable: true, failed: true, msg: errorMessage(error) };
    return failure(error).result;
  }
}

function failure(error: unknown): TaskOutcome {
  const result: ModuleResult = { failed: true, changed: false, msg: errorMessage(error) };
  if (error instanceof Error && !(error instanceof McsyncError)) result['exception'] = error.stack;
  return { status: error instanceof UnreachableError ? 'unreachable' : 'failed', result };
}

/** A copy of `vars` (keeping lazy getters) with extra own properties. */
export function withVars(vars: Vars, extra: Vars): Vars {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(vars)) as Vars;
  return Object.assign(copy, extra);
}

function summarizeLoop(results: ModuleResult[], statuses: HostStatus[]): TaskOutcome {
  const changed = results.some((result) => result.changed === true);
  const unreachable = statuses.includes('unreachable');
  const failed = statuses.includes('failed');
  const skipped = results.length === 0 || statuses.every((status) => status === 'skipped');
  const result: ModuleResult = {
    changed,
    results,
    msg: failed ? 'One or more items failed' : 'All items completed',
  };
  if (failed) result.failed = true;
  if (skipped) result.skipped = true;
  if (unreachable) return { status: 'unreachable', result: { ...result, unreachable: true } };
  if (failed) return { status: 'failed', result };
  if (skipped) return { status: 'skipped', result };
  if (statuses.includes('ignored')) return { status: 'ignored', result };
  return { status: changed ? 'changed' : 'ok', result };
}

/** Registered results without engine bookkeeping keys. */
function stripInternal(result: ModuleResult): ModuleResult {
  const { facts: _facts, includedVars: _included, ...rest } = result;
  return rest;
}

/**
 * What `register` stores for a loop, as data (markData): each item's result without the facts
 * and included vars the engine already applied (those objects are the host's variables now, and
 * must stay templates where they hold `{{`).
 */
function registeredLoop(result: ModuleResult): ModuleResult {
  const value = stripInternal(result);
  const items = value['results'];
  if (!Array.isArray(items)) return markData(value);
  return markData({ ...value, results: items.map((item) => stripInternal(item as ModuleResult)) });
}

/**
 * What `register` stores for one module call, as data (markData): the result with `failed`
 * always set, as Ansible's TaskExecutor does (`r.failed` is false, not undefined, on success); a
 * skipped task keeps Ansible's skip result, which has no `failed`.
 */
function registeredValue(result: ModuleResult): ModuleResult {
  const value = stripInternal(result);
  return markData(result.skipped ? value : { ...value, failed: result.failed === true });
}
