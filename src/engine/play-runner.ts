/**
 * Runs one play's sections with the linear strategy: each task runs on every active host (up to
 * `forks` at once) before the next task starts. Blocks route failures to rescue/always; handlers
 * run when a section ends, once, on the hosts that notified them.
 */
import { errorMessage } from '../errors.ts';
import type { TaskRef } from '../model/events.ts';
import type {
  Block,
  Condition,
  DynamicInclude,
  EnvironmentLayer,
  Handler,
  Play,
  RoleScope,
  Task,
  TaskNode,
} from '../model/playbook.ts';
import type { HostStatus } from '../model/result.ts';
import type { Vars } from '../model/vars.ts';
import { environmentLayers } from './environment.ts';
import { isActive } from './host-state.ts';
import type { HostState } from './host-state.ts';
import { loopItems } from './loop.ts';
import { mapBounded } from '../shared/bounded.ts';
import type { EngineDeps, RenderWhere, RunOptions } from './ports.ts';
import { tagsAllow } from './tags.ts';
import { TaskExecutor, withVars } from './task-executor.ts';
import type { TaskOutcome } from './task-executor.ts';
import { taskVariables } from './variables.ts';
import type { PlayScope } from './variables.ts';

/** Collects the hosts that failed inside a block that has rescue or always sections. */
interface Catcher {
  halted: Set<string>;
  rescues: boolean;
}

/** What a task inherits from the blocks, roles and includes around it. */
interface Frame {
  whens: Condition[];
  tags: string[];
  blockVars: Vars[];
  /** Include params of the enclosing includes, outermost first. */
  includeParams: Vars[];
  /** `environment:` of the enclosing roles, blocks and imports, outermost first. */
  environment: EnvironmentLayer[];
  /** Keywords set on an enclosing block, role or import: a task that does not set its own inherits them. */
  keywords: InheritedKeywords;
  role?: RoleScope;
  catchers: Catcher[];
}

/**
 * The block keywords a task inherits when it does not set them, from the nearest enclosing block,
 * role or import that does (Ansible's `_get_parent_attribute`). A dynamic include passes on its
 * parents' keywords, not its own: Ansible skips a parent that is not statically loaded.
 */
type InheritedKeywords = Pick<Task, 'ignoreErrors' | 'noLog' | 'checkMode' | 'delegateTo' | 'runOnce'>;
const INHERITED: readonly (keyof InheritedKeywords)[] = [
  'ignoreErrors',
  'noLog',
  'checkMode',
  'delegateTo',
  'runOnce',
];

function inheritedFrom(outer: InheritedKeywords, node: InheritedKeywords): InheritedKeywords {
  const merged: InheritedKeywords = { ...outer };
  for (const key of INHERITED) if (node[key] !== undefined) Object.assign(merged, { [key]: node[key] });
  return merged;
}

/** A frame with nothing around it: the top of a section, or a handler (with its role's environment). */
function rootFrame(environment: EnvironmentLayer[] = []): Frame {
  return { whens: [], tags: [], blockVars: [], includeParams: [], environment, keywords: {}, catchers: [] };
}

export class PlayRunner {
  readonly #deps: EngineDeps;
  readonly #options: RunOptions;
  readonly #play: Play;
  readonly #scope: PlayScope;
  readonly #executor: TaskExecutor;
  readonly #batchSize: number;
  #started: boolean;
  /** Set by any_errors_fatal or max_fail_percentage: the play stops for every host. */
  #halted = false;

  constructor(deps: EngineDeps, options: RunOptions, play: Play, scope: PlayScope, batchSize: number) {
    this.#deps = deps;
    this.#options = options;
    this.#play = play;
    this.#scope = scope;
    this.#executor = new TaskExecutor(deps, options, scope);
    this.#batchSize = batchSize;
    this.#started = options.startAtTask === undefined;
  }

  /** Runs pre_tasks, roles, tasks and post_tasks for one batch of hosts, flushing handlers between. */
  async runBatch(hosts: HostState[]): Promise<void> {
    const frame: Frame = { ...rootFrame(), tags: this.#play.tags };
    await this.#runNodes(this.#play.preTasks, hosts, frame);
    await this.#flushHandlers(hosts);
    await this.#runNodes(this.#play.roles, hosts, frame);
    await this.#runNodes(this.#play.tasks, hosts, frame);
    await this.#flushHandlers(hosts);
    await this.#runNodes(this.#play.postTasks, hosts, frame);
    await this.#flushHandlers(hosts);
  }

  #stopped(): boolean {
    return this.#halted || this.#deps.interrupt.aborted;
  }

  #activeIn(hosts: HostState[], frame: Frame): HostState[] {
    return hosts.filter(
      (host) => isActive(host) && !frame.catchers.some((catcher) => catcher.halted.has(host.name)),
    );
  }

  async #runNodes(nodes: readonly TaskNode[], hosts: HostState[], frame: Frame): Promise<void> {
    for (const node of nodes) {
      if (this.#stopped()) return;
      const active = this.#activeIn(hosts, frame);
      if (active.length === 0) return;
      if (node.kind === 'task') await this.#runTask(node, active, frame);
      else if (node.kind === 'block') await this.#runBlock(node, active, frame);
      else await this.#runInclude(node, active, frame);
    }
  }

  #inner(
    frame: Frame,
    node: Block | DynamicInclude,
    vars: Vars,
    catcher?: Catcher,
    includeParams?: Vars,
  ): Frame {
    return {
      whens: [...frame.whens, ...node.when],
      tags: [...frame.tags, ...node.tags],
      blockVars: [...frame.blockVars, vars],
      includeParams: includeParams ? [...frame.includeParams, includeParams] : frame.includeParams,
      environment: environmentLayers(frame.environment, node.environment),
      keywords: node.kind === 'block' ? inheritedFrom(frame.keywords, node) : frame.keywords,
      role: node.role ?? frame.role,
      catchers: catcher ? [...frame.catchers, catcher] : frame.catchers,
    };
  }

  async #runBlock(block: Block, hosts: HostState[], frame: Frame): Promise<void> {
    const catches = block.rescue.length > 0 || block.always.length > 0;
    const catcher: Catcher | undefined = catches
      ? { halted: new Set(), rescues: block.rescue.length > 0 }
      : undefined;
    const inner = this.#inner(frame, block, block.vars, catcher, block.includeParams);
    await this.#runNodes(block.block, hosts, inner);
    if (!catcher) return;
    let stillFailed = hosts.filter((host) => catcher.halted.has(host.name));
    const withoutCatcher: Frame = { ...inner, catchers: frame.catchers };
    if (block.rescue.length > 0 && stillFailed.length > 0) {
      const rescueCatcher: Catcher = { halted: new Set(), rescues: false };
      await this.#runNodes(block.rescue, stillFailed, {
        ...withoutCatcher,
        catchers: [...frame.catchers, rescueCatcher],
      });
      stillFailed = stillFailed.filter((host) => rescueCatcher.halted.has(host.name));
    }
    if (block.always.length > 0) {
      const alwaysCatcher: Catcher = { halted: new Set(), rescues: false };
      await this.#runNodes(block.always, hosts, {
        ...withoutCatcher,
        catchers: [...frame.catchers, alwaysCatcher],
      });
      stillFailed = [
        ...new Set([...stillFailed, ...hosts.filter((host) => alwaysCatcher.halted.has(host.name))]),
      ];
    }
    for (const host of stillFailed) this.#propagateFailure(host, frame);
  }

  /** Hands a host's failure to the nearest enclosing block, or fails the host for the play. */
  #propagateFailure(host: HostState, frame: Frame): void {
    const catcher = frame.catchers.at(-1);
    if (catcher) catcher.halted.add(host.name);
    else host.failed = true;
  }

  #taskRef(task: Task, handler = false): TaskRef {
    const role = task.role?.name;
    const base = task.name ?? task.module;
    return {
      name: role ? `${role} : ${base}` : base,
      module: task.module,
      location: task.location,
      ...(role ? { role } : {}),
      ...(handler ? { handler } : {}),
    };
  }

  #selected(task: Task, frame: Frame): boolean {
    if (!this.#started) {
      const name = task.name ?? '';
      if (
        !globMatch(this.#options.startAtTask ?? '', name) &&
        !globMatch(this.#options.startAtTask ?? '', this.#taskRef(task).name)
      ) {
        return false;
      }
      this.#started = true;
    }
    return tagsAllow([...frame.tags, ...task.tags], this.#options);
  }

  async #runTask(task: Task, hosts: HostState[], frame: Frame, handler = false): Promise<void> {
    if (!handler && !this.#selected(task, frame)) return;
    const ref = this.#taskRef(task, handler);
    const effective: Task = {
      ...task,
      ...inheritedFrom(frame.keywords, task),
      when: [...frame.whens, ...task.when],
    };
    const targets = effective.runOnce ? hosts.slice(0, 1) : hosts;
    this.#deps.sink.emit({ type: 'task_start', task: ref, hosts: targets.map((host) => host.name) });
    const started = Date.now();
    const scope = {
      role: task.role ?? frame.role,
      blockVars: frame.blockVars,
      includeParams: frame.includeParams,
      environment: environmentLayers(this.#play.environment, frame.environment),
    };
    const outcomes = await mapBounded(targets, this.#options.forks, (host) =>
      this.#executor.run(effective, ref, scope, host),
    );
    for (const [index, host] of targets.entries()) this.#account(host, outcomes[index]!, frame);
    if (effective.runOnce && targets[0] && outcomes[0])
      this.#shareRunOnce(task, targets[0], hosts.slice(1), outcomes[0]);
    this.#deps.sink.emit({ type: 'task_end', task: ref, durationMs: Date.now() - started });
    this.#checkFailureLimits(targets, outcomes);
  }

  /** Counts the result in the recap and routes a failure, as Ansible's stats do. */
  #account(host: HostState, outcome: TaskOutcome, frame: Frame): void {
    const recap = host.recap;
    const status: HostStatus = outcome.status;
    if (status === 'unreachable') {
      recap.unreachable++;
      host.unreachable = true;
      return;
    }
    if (status === 'skipped') {
      recap.skipped++;
      return;
    }
    if (status === 'failed') {
      // Ansible counts `rescued` when any enclosing block is still in its block section and has
      // a rescue (is_any_block_rescuing), even if an inner rescue or always runs first.
      if (frame.catchers.some((catcher) => catcher.rescues)) recap.rescued++;
      else recap.failed++;
      this.#propagateFailure(host, frame);
      return;
    }
    recap.ok++;
    if (outcome.result.changed) recap.changed++;
    if (status === 'ignored') recap.ignored++;
  }

  #shareRunOnce(task: Task, first: HostState, others: HostState[], outcome: TaskOutcome): void {
    for (const host of others) {
      if (task.register) host.facts[task.register] = first.facts[task.register];
      Object.assign(host.facts, outcome.result.facts);
    }
  }

  #checkFailureLimits(targets: HostState[], outcomes: TaskOutcome[]): void {
    const failed = outcomes.filter(
      (outcome) => outcome.status === 'failed' || outcome.status === 'unreachable',
    ).length;
    if (failed === 0) return;
    if (
      this.#play.anyErrorsFatal &&
      outcomes.some((outcome, i) => outcome.status === 'failed' && !isActive(targets[i]!))
    ) {
      this.#halted = true;
      return;
    }
    const limit = this.#play.maxFailPercentage;
    if (limit !== undefined) {
      const failedHosts = targets.filter((host) => !isActive(host)).length;
      if ((failedHosts / this.#batchSize) * 100 > limit) this.#halted = true;
    }
  }

  async #runInclude(node: DynamicInclude, hosts: HostState[], frame: Frame): Promise<void> {
    const where: RenderWhere = {
      task: `include_${node.include}`,
      location: node.location,
      baseDir: node.baseDir,
    };
    for (const host of hosts) {
      if (this.#stopped()) return;
      const vars = taskVariables(
        host,
        this.#deps.inventory,
        this.#scope,
        {
          role: frame.role,
          blockVars: frame.blockVars,
          taskVars: node.vars,
          includeParams: [...frame.includeParams, node.include === 'role' ? node.params : node.vars],
        },
        this.#deps.templates,
        where,
      );
      const whens = [...frame.whens, ...node.when];
      if (whens.length > 0 && !this.#deps.templates.condition(whens, vars, where)) continue;
      const items = node.loop ? loopItems(node.loop, vars, this.#deps.templates, where) : [undefined];
      for (const item of items) {
        const itemVars = node.loop ? withVars(vars, { [node.loop.loopVar]: item }) : vars;
        await this.#includeFor(
          node,
          host,
          itemVars,
          node.loop ? { [node.loop.loopVar]: item } : {},
          frame,
          where,
        );
      }
    }
  }

  async #includeFor(
    node: DynamicInclude,
    host: HostState,
    vars: Vars,
    loopVars: Vars,
    frame: Frame,
    where: RenderWhere,
  ): Promise<void> {
    try {
      const target = String(this.#deps.templates.render(node.target, vars, where));
      const params = this.#deps.templates.render(node.params, vars, where) as Vars;
      const loaded: TaskNode[] =
        node.include === 'role'
          ? [await this.#deps.loader.loadRole(target, params, node.baseDir, node.location)]
          : await this.#deps.loader.loadTasksFile(resolveFrom(node.baseDir, target), frame.role);
      const includeVars = { ...node.vars, ...params, ...loopVars };
      const inner = this.#inner(
        { ...frame, whens: [] },
        { ...node, when: [] },
        includeVars,
        undefined,
        includeVars,
      );
      await this.#runNodes(loaded, [host], inner);
    } catch (error) {
      const ref: TaskRef = {
        name: `include_${node.include}`,
        module: `include_${node.include}`,
        location: node.location,
      };
      this.#deps.sink.emit({
        type: 'host_result',
        task: ref,
        host: host.name,
        status: 'failed',
        result: { failed: true, msg: errorMessage(error) },
        durationMs: 0,
      });
      this.#account(host, { status: 'failed', result: { failed: true } }, frame);
    }
  }

  async #flushHandlers(hosts: HostState[]): Promise<void> {
    const handlers: readonly Handler[] = this.#play.handlers;
    const known = new Set(handlers.flatMap((handler) => handler.listen));
    for (const host of hosts) {
      for (const name of host.notified) {
        if (!known.has(name)) {
          this.#deps.sink.emit({
            type: 'warning',
            host: host.name,
            message: `handler '${name}' was notified but no handler has that name or listens to it`,
          });
          host.notified.delete(name);
        }
      }
    }
    // As in Ansible, every handler listening to a notified topic runs, but a name notifies only
    // the first handler of that name; the notifications are spent once the flush is over.
    const answers = answeredNames(handlers);
    const spent = new Map<HostState, string[]>();
    for (const handler of handlers) {
      if (this.#stopped()) break;
      const names = answers.get(handler) ?? [];
      const notified = hosts.filter(
        (host) => isActive(host) && names.some((name) => host.notified.has(name)),
      );
      if (notified.length === 0) continue;
      for (const host of notified) spent.set(host, [...(spent.get(host) ?? []), ...names]);
      await this.#runTask(handler, notified, rootFrame(handler.role?.environment), true);
    }
    for (const [host, names] of spent) for (const name of names) host.notified.delete(name);
  }
}

/** The names each handler answers to: its `listen` topics, and its name unless an earlier handler has it. */
function answeredNames(handlers: readonly Handler[]): Map<Handler, string[]> {
  const named = new Set<string>();
  const answers = new Map<Handler, string[]>();
  for (const handler of handlers) {
    const shadowed = handler.name !== undefined && named.has(handler.name);
    if (handler.name !== undefined) named.add(handler.name);
    answers.set(
      handler,
      handler.listen.filter((name) => !(shadowed && name === handler.name)),
    );
  }
  return answers;
}

function resolveFrom(baseDir: string, file: string): string {
  return file.startsWith('/') ? file : `${baseDir}/${file}`;
}

/** Shell-style `*` and `?` match, used by --start-at-task as Ansible does. */
export function globMatch(pattern: string, text: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
  return regex.test(text);
}
