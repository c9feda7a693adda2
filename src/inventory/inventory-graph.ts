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
  /** Each group's own hosts plus its descendants', deduplicated, in host definition order. */
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
  ungrouped.hosts = [...data.hosts.keys()].filter((host) => !grouped.has(host));
  all.hosts = [];
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

  const order = new Map([...data.hosts.keys()].map((host, index) => [host, index]));
  const hosts = new Map<string, string[]>();
  const memo = new Map<string, Set<string>>();
  const collect = (name: string): Set<string> => {
    const cached = memo.get(name);
    if (cached) return cached;
    const found = new Set<string>(data.groups.get(name)?.hosts ?? []);
    for (const child of data.groups.get(name)?.children ?? [])
      for (const host of collect(child)) found.add(host);
    memo.set(name, found);
    return found;
  };
  for (const name of data.groups.keys()) {
    const found = name === 'all' ? [...data.hosts.keys()] : [...collect(name)];
    hosts.set(
      name,
      found.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    );
  }

  const hostGroups = new Map<string, string[]>([...data.hosts.keys()].map((host) => [host, []]));
  for (const [group, members] of hosts) for (const host of members) hostGroups.get(host)?.push(group);
  return { depth, hosts, hostGroups };
}
