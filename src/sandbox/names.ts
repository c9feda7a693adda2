/** Names of the first clusters, as in the seed's east/west example. */
const DEFAULT_NAMES = ['east', 'west', 'south', 'north'];

/** Cluster names for a sandbox of `count` clusters: east, west, south, north, then c5, c6, ... */
export function clusterNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => DEFAULT_NAMES[i] ?? `c${i + 1}`);
}
