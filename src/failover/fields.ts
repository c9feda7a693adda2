/**
 * Reading a user document field by field: each problem becomes a LoadError that names the
 * dotted field (`spec.ping_period`) and, when the document came from a file, its
 * `file:line:column`. Problems are collected so one run reports all of them.
 */
import { LoadError, LoadErrors } from '../errors.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import type { YamlPath, YamlSource } from '../shared/yaml-source.ts';

export type FieldPath = YamlPath;

/** Collects field errors for one document. */
export interface FieldErrors {
  /** Records a problem with the value at `path` (`message` is prefixed with the dotted path). */
  add(path: FieldPath, message: string, options?: { atKey?: boolean }): void;
  /** Reports keys of `value` (a mapping at `path`) that are not in `known`, with did-you-mean. */
  unknownKeys(value: Record<string, unknown>, path: FieldPath, known: readonly string[]): void;
  /** Throws LoadError (one problem) or LoadErrors (several); does nothing without problems. */
  throwIfAny(): void;
  readonly count: number;
}

/** The dotted form of a path: `spec.pool[1].hub1`. */
export function dotted(path: FieldPath): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join('');
}

/**
 * An error collector. `source` gives locations (a document read from a file); `prefix` is the
 * path of the document inside that file (usually []). `origin` names a document that has no file
 * (`HubPool rhacm-mirror/my-hubpool on west`) and starts every message.
 */
export function fieldErrors(
  source: YamlSource | undefined,
  prefix: FieldPath = [],
  origin?: string,
): FieldErrors {
  const errors: LoadError[] = [];
  const add = (path: FieldPath, message: string, options: { atKey?: boolean } = {}): void => {
    const key = dotted(path);
    const full = [...prefix, ...path];
    const location = source ? (options.atKey ? source.locateKey(full) : source.locate(full)) : undefined;
    const text = `${origin ? `${origin}: ` : ''}${key ? `${key}: ` : ''}${message}`;
    errors.push(new LoadError(text, location ? { key, location } : { key }));
  };
  return {
    add,
    unknownKeys(value, path, known) {
      for (const key of Object.keys(value)) {
        if (!known.includes(key))
          add([...path, key], `unknown field${didYouMean(key, known)}`, { atKey: true });
      }
    },
    throwIfAny() {
      const [first] = errors;
      if (first === undefined) return;
      throw errors.length === 1 ? first : new LoadErrors(errors);
    },
    get count() {
      return errors.length;
    },
  };
}

/** True for a plain mapping. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, else undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
