/**
 * Pure helpers of k8s_sync: per-target overrides (JSON merge patch, JSON patch), annotation
 * selectors, and "is the live object already what we would write?" (so no-op reruns send no
 * writes).
 */
import { hash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { McsyncError } from '../../errors.ts';
import { isRecord } from '../../kube/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import type { JsonPatchOp, SyncOverride } from './k8s-sync-args.ts';

/** RFC 7386: mappings merge, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

const unescape = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~');

function parent(doc: unknown, path: string): { holder: unknown; key: string } {
  if (!path.startsWith('/')) throw new McsyncError(`JSON patch path '${path}' must start with '/'`);
  const tokens = path.slice(1).split('/').map(unescape);
  const key = tokens.pop() as string;
  let holder: unknown = doc;
  for (const token of tokens) {
    holder = Array.isArray(holder) ? holder[Number(token)] : isRecord(holder) ? holder[token] : undefined;
    if (holder === undefined) throw new McsyncError(`JSON patch path '${path}' does not exist`);
  }
  return { holder, key };
}

function applyOp(doc: unknown, op: JsonPatchOp): void {
  const { holder, key } = parent(doc, op.path);
  if (Array.isArray(holder)) {
    const index = key === '-' ? holder.length : Number(key);
    if (op.op === 'add') holder.splice(index, 0, structuredClone(op.value));
    else if (op.op === 'remove') holder.splice(index, 1);
    else if (op.op === 'replace') holder[index] = structuredClone(op.value);
    else if (!isDeepStrictEqual(holder[index], op.value))
      throw new McsyncError(`JSON patch test failed at '${op.path}'`);
    return;
  }
  if (!isRecord(holder)) throw new McsyncError(`JSON patch path '${op.path}' does not exist`);
  if (op.op === 'add' || op.op === 'replace') holder[key] = structuredClone(op.value);
  else if (op.op === 'remove') delete holder[key];
  else if (!isDeepStrictEqual(holder[key], op.value))
    throw new McsyncError(`JSON patch test failed at '${op.path}'`);
}

/** RFC 6902 subset (add, remove, replace, test) on a copy of `object`. */
export function jsonPatch(object: KubeObject, ops: readonly JsonPatchOp[]): KubeObject {
  const copy = structuredClone(object);
  for (const op of ops) applyOp(copy, op);
  return copy;
}

/** The object with one override applied. */
export function applyOverride(object: KubeObject, override: SyncOverride): KubeObject {
  return 'merge' in override
    ? (mergePatch(object, override.merge) as KubeObject)
    : jsonPatch(object, override.json);
}

/**
 * The overrides that apply to `host`, in order: the groups it belongs to (in the order the
 * overrides are written), then the host's own entry (which therefore wins).
 */
export function overridesFor(
  overrides: Record<string, SyncOverride> | undefined,
  host: string,
  groupHosts: (group: string) => string[],
): SyncOverride[] {
  if (!overrides) return [];
  const fromGroups = Object.entries(overrides)
    .filter(([name]) => name !== host && groupHosts(name).includes(host))
    .map(([, override]) => override);
  const own = overrides[host];
  return own ? [...fromGroups, own] : fromGroups;
}

/**
 * Annotation selector in label-selector syntax: `a=b`, `a==b`, `a!=b`, `a` (exists), `!a`
 * (absent), comma separated (all must hold).
 */
export function matchesAnnotations(
  annotations: Record<string, string> | undefined,
  selector: string,
): boolean {
  const have = annotations ?? {};
  return selector
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((term) => {
      const neq = term.split('!=');
      if (neq.length === 2) return have[(neq[0] as string).trim()] !== (neq[1] as string).trim();
      const eq = term.split(/==?/);
      if (eq.length === 2) return have[(eq[0] as string).trim()] === (eq[1] as string).trim();
      if (term.startsWith('!')) return !(term.slice(1).trim() in have);
      return term in have;
    });
}

/** True when every field `want` sets has the same value in `have` (lists compared item by item). */
export function isSubset(want: unknown, have: unknown): boolean {
  if (isRecord(want)) {
    if (!isRecord(have)) return false;
    return Object.entries(want).every(([k, v]) => isSubset(v, have[k]));
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return false;
    return want.every((v, i) => isSubset(v, have[i]));
  }
  return want === have || (typeof want === 'number' && String(want) === String(have));
}

/** Short, stable hash of what k8s_sync writes, stored on the target to notice removed fields. */
export function contentHash(object: KubeObject): string {
  return hash('sha256', stableJson(object)).slice(0, 16); // one-shot: no Hash object per object
}

/** JSON with sorted keys, built by appending (no arrays of parts: it runs per object and target). */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + stableJson(value[i]);
    return `${out}]`;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      out += `${i ? ',' : ''}${JSON.stringify(key)}:${stableJson(value[key])}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
