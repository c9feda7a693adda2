/**
 * The loaded inventory: hosts, groups and each host's inventory variables merged in Ansible's
 * precedence. Read-only once built; `loadInventory` is the only way to make one.
 */
import { McsyncError } from '../errors.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import type { Vars } from '../model/vars.ts';
import { buildGraph } from './inventory-graph.ts';
import type { GroupGraph } from './inventory-graph.ts';
import { assignVars } from './inventory-data.ts';
import type { InventoryData } from './inventory-data.ts';
import { evaluateHostPattern, evaluateTerms, IMPLICIT_LOCALHOST, selectHosts } from './host-patterns.ts';
import type { PatternSelection } from './host-patterns.ts';
import type { VarsLayer } from './vars-dirs.ts';

/** The inventory every later stage reads: the engine, `--list-hosts`, the observe loop. */
export interface Inventory {
  /** Defined hosts in definition order (the implicit localhost is not listed). */
  hostNames(): string[];
  /** Every group, `all` and `ungrouped` first, then in definition order. */
  groupNames(): string[];
  /** Hosts of a group including those of its child groups, deduplicated, in inventory order. */
  groupHosts(group: string): string[];
  /** The groups a host is in, directly or through a child group, `all` included. */
  hostGroups(host: string): string[];
  /** Inventory vars (files, group_vars/, host_vars/) merged, plus magic vars. Throws on an unknown host. */
  hostVars(host: string): Vars;
  /** True for a defined host and for the implicit `localhost`. */
  hasHost(name: string): boolean;
  /** Hosts matching an Ansible host pattern, in Ansible's order; [] when nothing matches. */
  selectHosts(pattern: string | readonly string[]): string[];
  /** A pattern's hosts and the terms that matched nothing. */
  evaluatePattern(pattern: string | readonly string[]): PatternSelection;
  /** Evaluates already split terms (a `--limit` after `readLimit`) as one pattern. */
  selectTerms(terms: readonly string[]): PatternSelection;
}

/** Group and host vars files, beside each inventory source and beside the playbook. */
export interface VarsLayers {
  inventory: VarsLayer[];
  playbook: VarsLayer | undefined;
}

/** The host entry for a defined host, its inventory file and directory (Ansible's magic vars). */
export interface HostOrigin {
  file: string;
  dir: string;
}

export class LoadedInventory implements Inventory {
  readonly #data: InventoryData;
  readonly #graph: GroupGraph;
  readonly #layers: VarsLayers;
  readonly #origins: Map<string, HostOrigin>;
  readonly #hostVars = new Map<string, Vars>();

  constructor(data: InventoryData, layers: VarsLayers, origins: Map<string, HostOrigin>) {
    this.#data = data;
    this.#graph = buildGraph(data);
    this.#layers = layers;
    this.#origins = origins;
  }

  hostNames(): string[] {
    return [...this.#data.hosts.keys()];
  }

  groupNames(): string[] {
    return [...this.#data.groups.keys()];
  }

  groupHosts(group: string): string[] {
    return [...(this.#graph.hosts.get(group) ?? [])];
  }

  hostGroups(host: string): string[] {
    return [...(this.#graph.hostGroups.get(host) ?? [])];
  }

  hasHost(name: string): boolean {
    return this.#data.hosts.has(name) || name === IMPLICIT_LOCALHOST;
  }

  selectHosts(pattern: string | readonly string[]): string[] {
    return selectHosts(this, pattern);
  }

  evaluatePattern(pattern: string | readonly string[]): PatternSelection {
    return evaluateHostPattern(this, pattern);
  }

  selectTerms(terms: readonly string[]): PatternSelection {
    return evaluateTerms(this, terms);
  }

  hostVars(host: string): Vars {
    // The inventory never changes once loaded, so each host's merge is done once; the caller gets
    // its own top-level copy (the engine reads it for every task of every host).
    let merged = this.#hostVars.get(host);
    if (!merged) {
      merged = this.#mergeHostVars(host);
      this.#hostVars.set(host, merged);
    }
    return { ...merged };
  }

  #mergeHostVars(host: string): Vars {
    const entry = this.#data.hosts.get(host);
    if (!entry && host !== IMPLICIT_LOCALHOST) {
      throw new McsyncError(`unknown host '${host}'${didYouMean(host, this.#data.hosts.keys())}`);
    }
    const groups = entry ? this.#sortedGroups(host) : [];
    const { inventory, playbook } = this.#layers;
    const layers = playbook ? [...inventory, playbook] : inventory;
    const vars: Vars = {};
    // Ansible's order: inventory-file group vars (all, then groups), group_vars/all beside the
    // inventory then the playbook, group_vars/<group> likewise; then the same three for the host.
    assignVars(vars, this.#data.groups.get('all')?.vars);
    for (const group of groups) assignVars(vars, this.#data.groups.get(group)?.vars);
    for (const layer of layers) assignVars(vars, layer.groupVars.get('all'));
    for (const layer of inventory) for (const group of groups) assignVars(vars, layer.groupVars.get(group));
    for (const group of groups) assignVars(vars, playbook?.groupVars.get(group));
    assignVars(vars, entry ? entry.vars : { ansible_connection: 'local' });
    for (const layer of layers) assignVars(vars, layer.hostVars.get(host));
    return assignVars(vars, this.#magicVars(host));
  }

  /** The host's groups without `all`, by depth, then `ansible_group_priority`, then name. */
  #sortedGroups(host: string): string[] {
    const key = (group: string): [number, number] => {
      const priority = Number(this.#data.groups.get(group)?.vars['ansible_group_priority'] ?? 1);
      return [this.#graph.depth.get(group) ?? 0, Number.isFinite(priority) ? priority : 1];
    };
    return this.hostGroups(host)
      .filter((group) => group !== 'all')
      .sort((a, b) => {
        const [depthA, priorityA] = key(a);
        const [depthB, priorityB] = key(b);
        return depthA - depthB || priorityA - priorityB || (a < b ? -1 : a > b ? 1 : 0);
      });
  }

  #magicVars(host: string): Vars {
    const groups: Record<string, string[]> = {};
    for (const [group, members] of this.#graph.hosts) groups[group] = [...members];
    const origin = this.#origins.get(host);
    const magic: Vars = {
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0] ?? host,
      group_names: this.hostGroups(host)
        .filter((group) => group !== 'all')
        .sort(),
      groups,
    };
    if (origin) {
      magic['inventory_file'] = origin.file;
      magic['inventory_dir'] = origin.dir;
    }
    return magic;
  }
}
