/**
 * Inventory host names for kubeconfig contexts (`mcsync init --from-kubeconfig`). A context name
 * can hold anything (`default/api-crc-testing:6443/kubeadmin`, `arn:aws:eks:…:cluster/prod`), but a
 * host name is typed in `--limit` patterns, where `:`, `,`, `!`, `&`, `*` and `[…]` mean something,
 * and read in templates (`hostvars.west`), where `.` does. So a host name keeps only letters,
 * digits, `_` and `-`, and the two context shapes tools write by themselves are shortened.
 */

/** Names a host cannot take: Ansible's implicit groups and host, and the groups init writes. */
const RESERVED = new Set(['all', 'ungrouped', 'localhost', 'master', 'slaves']);

/**
 * The host name for each context, in the given order: readable, valid in a host pattern, and
 * unique (a second `east` becomes `east-2`). Context names are compared as given, so pass each once.
 */
export function hostNamesForContexts(contexts: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const context of contexts) {
    const base = hostNameFor(context);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    names.set(context, name);
  }
  return names;
}

/** One context's host name before de-duplication. */
export function hostNameFor(context: string): string {
  const cleaned = shortened(context)
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const name = cleaned === '' ? 'cluster' : cleaned;
  return RESERVED.has(name) ? `${name}-cluster` : name;
}

/**
 * The cluster part of the context names `aws eks update-kubeconfig` (`arn:…:cluster/NAME`) and
 * `oc login` (`NAMESPACE/SERVER:PORT/USER`, SERVER with dots as dashes, often `api-…`) write.
 */
function shortened(context: string): string {
  const eks = /^arn:[^:]+:eks:[^:]*:[^:]*:cluster\/(.+)$/.exec(context);
  if (eks) return eks[1] as string;
  const oc = /^[^/]+\/([^/:]+):\d+\/[^/]+$/.exec(context);
  if (oc) return (oc[1] as string).replace(/^api-/, '');
  return context;
}
