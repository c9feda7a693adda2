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
