/** Variables as a plain mapping; values are whatever YAML or a module produced. */
export type Vars = Record<string, unknown>;

/** Values marked secret print as `********` wherever results are rendered. */
export const SECRET_MASK = '********';

/**
 * Values that are data, never templates: what modules return (registered results) and the
 * objects `mcsync observe` hands a playbook. As in Ansible, whose module results are "unsafe", a
 * `{{` inside them (a Prometheus rule in a ConfigMap, a command's output) is kept as written
 * and never rendered. Marking covers every nested mapping and list of the value; a string
 * taken out of it on its own (a loop over a registered list of strings) is not covered.
 */
const DATA = new WeakSet<object>();

/** Marks `value` (and every mapping and list inside it) as data; returns it. */
export function markData<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current !== 'object' || current === null || DATA.has(current)) continue;
    DATA.add(current);
    for (const inner of Object.values(current)) if (typeof inner === 'object') stack.push(inner);
  }
  return value;
}

/** True for a mapping or list marked by markData. */
export function isData(value: unknown): boolean {
  return typeof value === 'object' && value !== null && DATA.has(value);
}
