/**
 * Every kind a loaded playbook's tasks read or write, on which host, with which verbs: the plays'
 * host patterns evaluated against the inventory the playbook will run with, each task's
 * arguments rendered with the variables known before it runs (src/deploy/task-values.ts), and
 * each Kubernetes module's requests (src/deploy/module-needs.ts). `when:` is not evaluated: a
 * task that may run needs its access.
 */
import type { PatternScope } from '../inventory/host-patterns.ts';
import { selectHosts } from '../inventory/host-patterns.ts';
import type { Block, Play, Playbook, Task, TaskNode } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { KindNeed } from './module-needs.ts';
import { MODULE_NEEDS, UNDERIVED_MODULES } from './module-needs.ts';
import type { StaticScope, TaskFrame } from './task-values.ts';
import { AccessRulesError, staticScope, staticString, taskFrames, taskWhere } from './task-values.ts';

export interface PlaybookNeedsInput {
  playbook: Playbook;
  /** The inventory the playbook runs against (in a pod: the observer's generated one). */
  hosts: PatternScope;
  /** Extra vars the playbook runs with (-e), e.g. the vars files' contents merged. */
  extraVars: Vars;
  /** Where `extraVars` come from, for messages (e.g. `vars/sync.yml`). */
  varsSources: readonly string[];
  /** More variables every task sees (e.g. watch mode's `observed` with what is known of it). */
  magic?: Vars;
}

/** The kinds the playbook needs, one entry per task, frame and kind (not merged). */
export function playbookNeeds(input: PlaybookNeedsInput): KindNeed[] {
  const scope = staticScope(runTimeNames(input.playbook), input.varsSources);
  const needs: KindNeed[] = [];
  for (const play of input.playbook.plays) {
    const hosts = selectHosts(input.hosts, play.hosts);
    const varsFiles = play.varsFiles.map((file) => file.loaded ?? {});
    const groups = Object.fromEntries(input.hosts.groupNames().map((g) => [g, input.hosts.groupHosts(g)]));
    const walk = (nodes: readonly TaskNode[], blockVars: readonly Vars[], delegateTo?: string): void => {
      for (const node of nodes) {
        const delegate = node.delegateTo ?? delegateTo;
        if (node.kind === 'block') {
          const inner = [...blockVars, node.includeParams ?? {}, node.vars];
          for (const list of [node.block, node.rescue, node.always]) walk(list, inner, delegate);
          continue;
        }
        if (node.kind === 'include')
          throw new AccessRulesError(
            `include_${node.include} of '${node.target}' is only known at run time, so the tasks it ` +
              'brings cannot be read for the access rules; import them statically (import_tasks, import_role)',
            { location: node.location, key: `include_${node.include}` },
          );
        for (const host of hosts) {
          const layers = [
            node.role?.defaults ?? {},
            play.vars,
            ...varsFiles,
            node.role?.vars ?? {},
            ...blockVars,
            node.vars,
            node.role?.params ?? {},
            input.extraVars,
            { playbook_dir: play.baseDir, groups, inventory_hostname: host, ...input.magic },
          ];
          for (const frame of taskFrames(node, layers, scope))
            needs.push(...taskNeeds(frame, host, delegate, input, scope));
        }
      }
    };
    walk(playTasks(play), []);
  }
  return needs;
}

function playTasks(play: Play): TaskNode[] {
  const blocks: Block[] = play.roles;
  return [...play.preTasks, ...blocks, ...play.tasks, ...play.postTasks, ...play.handlers];
}

function taskNeeds(
  frame: TaskFrame,
  host: string,
  delegateTo: string | undefined,
  input: PlaybookNeedsInput,
  scope: StaticScope,
): KindNeed[] {
  const task: Task = frame.task;
  if (UNDERIVED_MODULES.has(task.module)) {
    const { location, label } = taskWhere(task);
    throw new AccessRulesError(
      `${label}: the access ${task.module} needs is not derived; run it from a playbook that is not ` +
        'the observer’s, or grant its access by hand',
      { location, key: task.module },
    );
  }
  const needsOf = MODULE_NEEDS.get(task.module);
  if (!needsOf) return [];
  const runsOn = delegateTo === undefined ? host : staticString(frame, 'delegate_to', delegateTo, scope);
  return needsOf(task.args, { frame, host: runsOn, masters: input.hosts.groupHosts('master'), scope });
}

/**
 * Variables only run time sets: `set_fact` keys and `register` names, anywhere in the playbook.
 * They are left out of the static variables even when a default exists, since a task may see
 * the value set at run time instead.
 */
export function runTimeNames(playbook: Playbook): Set<string> {
  const names = new Set<string>();
  for (const task of playbook.plays.flatMap((play) => moduleTasks(playTasks(play)))) {
    if (task.register) names.add(task.register);
    if (task.module !== 'set_fact') continue;
    for (const key of Object.keys(task.args)) if (key !== 'cacheable') names.add(key);
  }
  return names;
}

/** The module tasks in `nodes`, blocks (rescue and always included) opened. */
function moduleTasks(nodes: readonly TaskNode[]): Task[] {
  return nodes.flatMap((node) => {
    if (node.kind === 'task') return [node];
    if (node.kind === 'block') return [node.block, node.rescue, node.always].flatMap(moduleTasks);
    return [];
  });
}
