/**
 * Inventories: which hosts (clusters) exist, their groups and inventory variables, host patterns
 * and `--limit`, and how a host's variables turn into connection settings.
 */
export { loadInventory } from './load-inventory.ts';
export type { LoadInventoryOptions } from './load-inventory.ts';
export type { Inventory } from './inventory.ts';
export { IMPLICIT_LOCALHOST, splitHostPattern } from './host-patterns.ts';
export type { PatternSelection } from './host-patterns.ts';
export { readLimit } from './limit.ts';
export { hostConnection, CONNECTION_VARS } from './connection.ts';
export type { HostConnection, RegistryConnection } from './connection.ts';
