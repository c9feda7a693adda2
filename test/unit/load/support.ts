/** Helpers for loader tests: the fixture folder, default options and a model walker. */
import type { LoadOptions } from '../../../src/load/index.ts';
import type { Block, Play, Task, TaskNode } from '../../../src/model/playbook.ts';
import { fakeRegistry } from './fake-modules.ts';

export const FIXTURES = 'test/fixtures/load';

export function options(rolesPath: string[] = []): LoadOptions {
  return { modules: fakeRegistry(), rolesPath };
}

/** Every module task under a list of nodes, depth first. */
export function tasksOf(nodes: readonly TaskNode[]): Task[] {
  return nodes.flatMap((node) => {
    if (node.kind === 'task') return [node];
    if (node.kind === 'block')
      return [...tasksOf(node.block), ...tasksOf(node.rescue), ...tasksOf(node.always)];
    return [];
  });
}

/** Every task of a play, in run order. */
export function playTasks(play: Play): Task[] {
  return tasksOf([...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks]);
}

export function asBlock(node: TaskNode | undefined): Block {
  if (node?.kind !== 'block') throw new Error(`expected a block, got ${node?.kind}`);
  return node;
}

export function asTask(node: TaskNode | undefined): Task {
  if (node?.kind !== 'task') throw new Error(`expected a task, got ${node?.kind}`);
  return node;
}
