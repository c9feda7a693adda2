/**
 * Secret masking shared by every renderer: any registered secret string (tokens read from files,
 * passwords) is replaced by `********` wherever it appears in what is printed.
 */
import { SECRET_MASK } from '../model/vars.ts';

/**
 * Replaces every occurrence of each secret in `value` (strings, and recursively the strings and keys
 * inside arrays and plain objects) with `********`. Longer secrets are replaced first so a secret
 * containing another is masked whole. Empty secrets are ignored. Returns a new value; the input is
 * not changed.
 */
export function maskSecrets<T>(value: T, secrets: readonly string[]): T {
  const ordered = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return value;
  return maskValue(value, ordered) as T;
}

function maskValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return maskString(value, secrets);
  if (Array.isArray(value)) return value.map((item) => maskValue(item, secrets));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[maskString(key, secrets)] = maskValue(item, secrets);
    return out;
  }
  return value;
}

function maskString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(SECRET_MASK);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `value` with the data of every Kubernetes Secret inside it masked: each value under a Secret's
 * `data` and `stringData` becomes `********` (unless a module already masked it), keys kept. A
 * k8s_info or k8s result, or a registered variable printed by debug, would otherwise print them.
 * Parts without a Secret are returned as they are, not copied.
 */
export function maskSecretData<T>(value: T): T {
  return maskSecretDataIn(value) as T;
}

/** A value a module masked itself (`******** (hmac:…)` in diffs, which shows which keys changed). */
const alreadyMasked = (v: unknown): boolean => typeof v === 'string' && v.startsWith(SECRET_MASK);

function maskSecretDataIn(value: unknown): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const masked = maskSecretDataIn(item);
      changed ||= masked !== item;
      return masked;
    });
    return changed ? out : value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  const isSecret = value['kind'] === 'Secret';
  for (const [key, item] of Object.entries(value)) {
    const masked =
      isSecret && (key === 'data' || key === 'stringData') && isPlainObject(item)
        ? Object.fromEntries(Object.entries(item).map(([k, v]) => [k, alreadyMasked(v) ? v : SECRET_MASK]))
        : maskSecretDataIn(item);
    if (masked !== item) (out ??= { ...value })[key] = masked;
  }
  return out ?? value;
}

/** A growing set of secrets a renderer masks with; `addSecret` is how the engine registers one. */
export class SecretSet {
  readonly #values = new Set<string>();

  add(value: string): void {
    if (value.length > 0) this.#values.add(value);
  }

  list(): string[] {
    return [...this.#values];
  }

  mask<T>(value: T): T {
    return this.#values.size === 0 ? value : maskSecrets(value, this.list());
  }
}
