import { run } from '../exec.ts';

/** Node addresses are taken from this /24 and added to `lo`, one per node. */
const NODE_NET = '10.213.0.';

/** Every IPv4 address on this host, from `ip -o -4 addr show`. */
async function hostAddresses(): Promise<Set<string>> {
  const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show']);
  return new Set([...stdout.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1] ?? ''));
}

/**
 * Picks `count` addresses for sandbox nodes that no interface holds yet. A node
 * needs an address of its own that is not loopback (the kubelet refuses 127/8):
 * host-network pods get it as their pod IP, so two replicas listening on the
 * same port do not collide when they run on different nodes.
 */
export async function pickNodeAddresses(count: number, taken: readonly string[] = []): Promise<string[]> {
  const used = await hostAddresses();
  const picked: string[] = [];
  for (let i = 2; i < 255 && picked.length < count; i++) {
    const ip = `${NODE_NET}${i}`;
    if (!used.has(ip) && !taken.includes(ip)) picked.push(ip);
  }
  if (picked.length < count) throw new Error(`no free node address left in ${NODE_NET}0/24`);
  return picked;
}

/** The last octet of a node address: names the node's CNI bridge and pod subnet. */
export function addressIndex(ip: string): number {
  return Number(ip.split('.').pop());
}

/** Adds `ip`/32 to the loopback interface unless it is there already. */
export async function addNodeAddress(ip: string): Promise<void> {
  if ((await hostAddresses()).has(ip)) return;
  await run('ip', ['addr', 'add', `${ip}/32`, 'dev', 'lo']);
}

/** Removes a node address from `lo`; an address that is gone already is fine. */
export async function removeNodeAddress(ip: string): Promise<void> {
  if (!(await hostAddresses()).has(ip)) return;
  await run('ip', ['addr', 'del', `${ip}/32`, 'dev', 'lo']);
}
