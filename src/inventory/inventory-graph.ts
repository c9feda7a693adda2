/**
 * The group graph: rejects cycles in `children`, then adds Ansible's implicit structure (every
 * group without a parent is a child of `all`; hosts in no group but `all` go to `ungrouped`) and
 * computes what precedence and patterns need: depth, ancestors, and hosts with descendants.
 */
import { formatLocation, LoadError } from '../errors.ts';
import type { InventoryData } from './inventory-data.ts';

/** Read-only facts derived from the finished graph. */
export interface GroupGraph {
  /** Longest path from `all` (all = 0, top-level groups = 1), as Ansible's `Group.depth`. */
  depth: Map<string, number>;
  /** Each group's own hosts plus its descendants', deduplicated, in Ansible's `Group.get_hosts()` order. */
  hosts: Map<string, string[]>;
  /** Each host's groups, including ancestors and `all`, in group definition order. */
  hostGroups: Map<string, string[]>;
}

/** Throws a LoadError naming the first cycle (`a → b → a`) and where it closes. */
export function checkCycles(data: InventoryData): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    const group = data.groups.get(name);
    for (const child of group?.children ?? []) {
      if (state.get(child) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(child)), child];
        const location = group?.childLocations.get(child);
        const where = cycleLocations(data, cycle);
        throw new LoadError(`group children form a cycle: ${cycle.join(' → ')}${where}`, {
          location,
          key: `${name}.children.${child}`,
        });
      }
      if (!state.has(child)) visit(child);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of data.groups.keys()) if (!state.has(name)) visit(name);
}

/** Lists where each edge of the cycle was written when more than one line is involved. */
function cycleLocations(data: InventoryData, cycle: string[]): string {
  const places: string[] = [];
  for (let i = 0; i + 1 < cycle.length; i++) {
    const location = data.groups.get(cycle[i] as string)?.childLocations.get(cycle[i + 1] as string);
    if (location) places.push(`${cycle[i]} → ${cycle[i + 1]} at ${formatLocation(location)}`);
  }
  return places.length > 1 ? ` (${places.join('; ')})` : '';
}

/** Makes parentless groups children of `all` and puts group-less hosts into `ungrouped`. */
export function reconcile(data: InventoryData): void {
  const hasParent = new Set<string>();
  for (const group of data.groups.values()) for (const child of group.children) hasParent.add(child);
  const all = data.group('all');
  for (const name of data.groups.keys()) {
    if (name !== 'all' && !hasParent.has(name) && !all.children.includes(name)) all.children.push(name);
  }
  const grouped = new Set<string>();
  for (const group of data.groups.values()) {
    if (group.name === 'all' || group.name === 'ungrouped') continue;
    for (const host of group.hosts) grouped.add(host);
  }
  const ungrouped = data.group('ungrouped');
  // Hosts written under `all` stay there too (they come first in `all`), as in Ansible.
  ungrouped.hosts = [...data.hosts.keys()].filter((host) => !grouped.has(host));
}

/** Derives depth, group hosts and host groups from a reconciled, acyclic inventory. */
export function buildGraph(data: InventoryData): GroupGraph {
  const depth = new Map<string, number>();
  const assignDepth = (name: string, value: number): void => {
    if ((depth.get(name) ?? -1) >= value) return;
    depth.set(name, value);
    for (const child of data.groups.get(name)?.children ?? []) assignDepth(child, value + 1);
  };
  assignDepth('all', 0);

  const hosts = new Map<string, string[]>();
  for (const name of data.groups.keys()) hosts.set(name, groupHostsInAnsibleOrder(data, name));

  const hostGroups = new Map<string, string[]>([...data.hosts.keys()].map((host) => [host, []]));
  for (const [group, members] of hosts) for (const host of members) hostGroups.get(host)?.push(group);
  return { depth, hosts, hostGroups };
}

/**
 * Ansible's `Group.get_hosts()`: the hosts of the group, then of its children in order, then of
 * the next generation (`get_descendants(include_self=True, preserve_ordering=True)`), each host
 * once. Ansible walks a generation from a Python set; where that order is not defined (several
 * groups of one generation with children of their own) this takes them in definition order.
 */
function groupHostsInAnsibleOrder(data: InventoryData, name: string): string[] {
  const childrenOf = (group: string): string[] => data.groups.get(group)?.children ?? [];
  const ordered = [name, ...childrenOf(name)];
  const seen = new Set<string>();
  let generation = [...new Set(ordered)];
  while (generation.length > 0) {
    for (const group of generation) seen.add(group);
    const next: string[] = [];
    for (const group of generation) {
      for (const child of childrenOf(group)) {
        if (!next.includes(child)) next.push(child);
        if (!seen.has(child) && !ordered.includes(child)) ordered.push(child);
      }
    }
    generation = next.filter((group) => !seen.has(group));
  }
  const hosts = new Set<string>();
  for (const group of ordered) for (const host of data.groups.get(group)?.hosts ?? []) hosts.add(host);
  return [...hosts];
}
