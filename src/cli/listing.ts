/**
 * --list-hosts, --list-tasks and --list-tags: what a run would touch, printed as Ansible does
 * (test/oracle/listing.test.ts compares it with ansible-playbook's).
 */
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
    const selected = flatten(tasks, play.tags).filter((entry) => tagsAllow(entry.tags, request.filter));
    if (request.tasks) {
      lines.push('    tasks:');
      for (const entry of selected)
        lines.push(`      ${entry.name}\tTAGS: [${sortedTags(entry.tags).join(', ')}]`);
    }
    if (request.tags) {
      const all = sortedTags(selected.flatMap((entry) => entry.tags));
      lines.push(`      TASK TAGS: [${all.join(', ')}]`);
    }
  });
  return lines.join('\n') + '\n';
}

interface ListedTask {
  name: string;
  tags: string[];
}

/**
 * The tasks ansible-playbook lists: those of each block's `block` section, nested blocks
 * included. Like Ansible's `_process_block`, `rescue` and `always` tasks are not listed.
 */
function flatten(nodes: readonly TaskNode[], inherited: string[]): ListedTask[] {
  return nodes.flatMap((node): ListedTask[] => {
    const tags = [...inherited, ...node.tags];
    if (node.kind === 'block') return flatten(node.block, tags);
    if (node.kind === 'include') return [{ name: `include_${node.include} ${node.target}`, tags }];
    const base = node.name ?? node.module;
    return [{ name: node.role ? `${node.role.name} : ${base}` : base, tags }];
  });
}

/** Each tag once, sorted, as Ansible prints a task's tags and TASK TAGS. */
function sortedTags(values: string[]): string[] {
  return [...new Set(values)].sort();
}
