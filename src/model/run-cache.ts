/**
 * Typed access to the per-run cache (`ModuleServices.runCache`, a `Map<string, unknown>`). The map
 * stays untyped because every module shares it; a `RunCacheKey<T>` names an entry and says what
 * it holds, so the one cast lives here instead of in every module that caches something.
 */

/** Names one entry of the run cache; `T` is what the entry holds (never read at run time). */
export interface RunCacheKey<T> {
  readonly name: string;
  /** Only carries `T` for the type checker. */
  readonly entry?: T;
}

/**
 * A key for entries holding `T`. Prefix `name` with the module that owns it (`k8s:templar`,
 * `image_copy:registry:<host>`): the cache is shared by every module of the run.
 */
export function runCacheKey<T>(name: string): RunCacheKey<T> {
  return { name };
}

export interface GetOrCreateOptions<T> {
  /** True when a cached entry may no longer be reused; it is created again (e.g. a TTL). */
  stale?: (entry: T) => boolean;
}

/**
 * The entry under `key`, created by `create()` when missing (or stale). An entry that is a
 * promise is dropped when it rejects (if it is still the cached one), so the next caller retries
 * instead of every later task of the run getting the same failure; concurrent callers before
 * that share the one pending creation.
 */
export function getOrCreate<T>(
  cache: Map<string, unknown>,
  key: RunCacheKey<T>,
  create: () => T,
  options: GetOrCreateOptions<T> = {},
): T {
  if (cache.has(key.name)) {
    const cached = cache.get(key.name) as T;
    if (!options.stale?.(cached)) return cached;
  }
  const entry = create();
  cache.set(key.name, entry);
  if (entry instanceof Promise) entry.catch(() => forget(cache, key, entry));
  return entry;
}

/** Removes the entry under `key` if it is still `entry` (a newer one is left alone). */
export function forget<T>(cache: Map<string, unknown>, key: RunCacheKey<T>, entry: T): void {
  if (cache.get(key.name) === entry) cache.delete(key.name);
}
