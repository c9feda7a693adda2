/**
 * The inventory as parsers build it: hosts and groups in definition order, each with the vars
 * written in the inventory file and where it was defined. Parsers (INI, YAML) only add to it;
 * `finalizeInventory` then checks it and adds Ansible's implicit structure (`all`, `ungrouped`).
 */
import type { SourceLocation } from '../errors.ts';
import type { Vars } from '../model/vars.ts';

/** One host (cluster) as the inventory files define it. */
export interface HostEntry {
  name: string;
  /** Vars from host lines / `hosts:` entries, later definitions replacing earlier keys. */
  vars: Vars;
  /** Where the host was first defined. */
  location: SourceLocation;
}

/** One group: its own hosts (not its children's), child groups and inventory-file vars. */
export interface GroupEntry {
  name: string;
  vars: Vars;
  hosts: string[];
  children: string[];
  /** Where each child edge was written, for cycle errors. */
  childLocations: Map<string, SourceLocation>;
  /** Where the group was first defined or referenced. */
  location: SourceLocation | undefined;
}

/** Mutable inventory under construction; one per `loadInventory` call. */
export class InventoryData {
  readonly hosts = new Map<string, HostEntry>();
  readonly groups = new Map<string, GroupEntry>();

  constructor() {
    this.group('all');
    this.group('ungrouped');
  }

  /** Returns the group, creating it (empty) on first use. */
  group(name: string, location?: SourceLocation): GroupEntry {
    let entry = this.groups.get(name);
    if (!entry) {
      entry = { name, vars: {}, hosts: [], children: [], childLocations: new Map(), location };
      this.groups.set(name, entry);
    } else if (!entry.location && location) {
      entry.location = location;
    }
    return entry;
  }

  /** Adds a host to a group (creating both as needed) and merges its vars. */
  addHost(groupName: string, hostName: string, vars: Vars, location: SourceLocation): void {
    let host = this.hosts.get(hostName);
    if (!host) {
      host = { name: hostName, vars: {}, location };
      this.hosts.set(hostName, host);
    }
    assignVars(host.vars, vars);
    const group = this.group(groupName, location);
    if (!group.hosts.includes(hostName)) group.hosts.push(hostName);
  }

  /** Records `parent → child`, creating the child group empty if it is never defined. */
  addChild(parentName: string, childName: string, location: SourceLocation): void {
    const parent = this.group(parentName, location);
    this.group(childName, location);
    if (!parent.children.includes(childName)) {
      parent.children.push(childName);
      parent.childLocations.set(childName, location);
    }
  }

  /** Sets one inventory-file group variable (later definitions win). */
  setGroupVar(groupName: string, key: string, value: unknown, location?: SourceLocation): void {
    setVar(this.group(groupName, location).vars, key, value);
  }
}

/** Sets a key as an own data property, so a key such as `__proto__` is stored, not interpreted. */
export function setVar(target: Vars, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Copies every own key of `source` onto `target`, replacing whole values (Ansible's `replace`). */
export function assignVars(target: Vars, source: Vars | undefined): Vars {
  if (!source) return target;
  for (const [key, value] of Object.entries(source)) setVar(target, key, value);
  return target;
}
