/** --list-hosts, --list-tasks and --list-tags: what a run would touch, printed as Ansible does. */
import type { Play, Playbook, TaskNode } from '../model/playbook.ts';
import { tagsAllow } from '../engine/tags.ts';
import type { TagFilter } from '../engine/tags.ts';

export interface ListingRequest {
  hosts: boolean;
  tasks: boolean;
  tags: boolean;
  filter: TagFilter;
  /** Hosts of each play, as the engine would choose them. */
  playHosts(play: Play): string[];
}

/** Renders the listing for every play of a playbook. */
export function renderListing(playbook: Playbook, request: ListingRequest): string {
  const lines = [``, `playbook: ${playbook.file}`];
  playbook.plays.forEach((play, index) => {
    lines.push('', `  play #${index + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`);
    if (request.hosts) {
      const hosts = request.playHosts(play);
      lines.push(
        `    pattern: ['${play.hosts}']`,
        `    hosts (${hosts.length}):`,
        ...hosts.map((host) => `      ${host}`),
      );
    }
    const tasks = [...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks];
    if (request.tasks) {
      lines.push('    tasks:');
      for (const entry of flatten(tasks, play.tags)) {
        if (tagsAllow(entry.tags, request.filter))
          lines.push(`      ${entry.name}\tTAGS: [${unique(entry.tags).join(', ')}]`);
      }
    }
    if (request.tags) {
      const all = unique(flatten(tasks, play.tags).flatMap((entry) => entry.tags)).sort();
      lines.push(`      TASK TAGS: [${all.join(', ')}]`);
    }
  });
  return lines.join('\n') + '\n';
}

interface ListedTask {
  name: string;
  tags: string[];
}

function flatten(nodes: readonly TaskNode[], inherited: string[]): ListedTask[] {
  return nodes.flatMap((node): ListedTask[] => {
    const tags = [...inherited, ...node.tags];
    if (node.kind === 'block') return flatten([...node.block, ...node.rescue, ...node.always], tags);
    if (node.kind === 'include') return [{ name: `include_${node.include} ${node.target}`, tags }];
    const base = node.name ?? node.module;
    return [{ name: node.role ? `${node.role.name} : ${base}` : base, tags }];
  });
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
