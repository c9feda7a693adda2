/**
 * Diffs of objects for `--diff`: live vs. result as YAML, with server bookkeeping hidden and
 * Secret values masked. A masked value keeps a short keyed hash so users see WHICH keys changed
 * without seeing values: `******** (hmac:1a2b3c4d)`. The key is random per process, so hashes
 * compare within a run but cannot be looked up or brute-forced against other runs' output.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import type { ResultDiff } from '../model/result.ts';
import { SECRET_MASK } from '../model/vars.ts';
import { forDisplay } from './sanitize.ts';
import type { KubeObject } from './types.ts';
import { describeRef, isRecord } from './types.ts';

const HASH_KEY = randomBytes(32);

/** `******** (hmac:xxxxxxxx)` for one secret value (bytes, decoded from base64 for `data`). */
export function maskedValue(bytes: Buffer, key: Buffer = HASH_KEY): string {
  return `${SECRET_MASK} (hmac:${createHmac('sha256', key).update(bytes).digest('hex').slice(0, 8)})`;
}

/**
 * A copy of a Secret with `data` and `stringData` values masked; other kinds are returned as is.
 * `data` is hashed after base64 decoding so `stringData: {a: x}` and `data: {a: eA==}` match.
 */
export function maskSecretValues(object: KubeObject, key: Buffer = HASH_KEY): KubeObject {
  if (object.kind !== 'Secret') return object;
  const copy: KubeObject = { ...object };
  for (const field of ['data', 'stringData'] as const) {
    const values = copy[field];
    if (!isRecord(values)) continue;
    const masked: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      masked[name] = maskedValue(Buffer.from(text, field === 'data' ? 'base64' : 'utf8'), key);
    }
    copy[field] = masked;
  }
  return copy;
}

/** The YAML a diff shows for one object (empty string for none). */
export function displayYaml(object: KubeObject | undefined): string {
  if (!object) return '';
  return stringify(maskSecretValues(forDisplay(object)), { lineWidth: 0 });
}

/**
 * The engine's ResultDiff for one object: `before` is the live object ('' when it did not exist),
 * `after` the result ('' when deleted). Header like `v1/Secret demo/creds`.
 */
export function objectDiff(before: KubeObject | undefined, after: KubeObject | undefined): ResultDiff {
  const source = after ?? before ?? {};
  const header = describeRef({
    apiVersion: source.apiVersion,
    kind: source.kind,
    name: source.metadata?.name,
    namespace: source.metadata?.namespace,
  });
  return { before: displayYaml(before), after: displayYaml(after), header };
}
