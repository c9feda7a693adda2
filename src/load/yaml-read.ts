/**
 * Reads YAML through yaml-source and turns every failure into a LoadError with a position,
 * including the resolver's ReferenceError for an alias whose anchor is not defined.
 */
import { readFile } from 'node:fs/promises';
import { LoadError } from '../errors.ts';
import { readYamlFile } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';

/** Reads a YAML file; throws only LoadError. */
export async function readYaml(file: string, options: { allowEmpty?: boolean } = {}): Promise<YamlSource> {
  try {
    return await readYamlFile(file, options);
  } catch (error) {
    if (error instanceof LoadError)
      throw error.message.startsWith('duplicate key') ? await withFullKey(file, error) : error;
    throw await asLoadError(file, error);
  }
}

/** yaml-source names a duplicate key from the parser's range, which can be cut short; re-read it. */
async function withFullKey(file: string, error: LoadError): Promise<LoadError> {
  const location = error.location;
  if (location === undefined) return error;
  const text = await readFile(file, 'utf8').catch(() => '');
  const line = text.split('\n')[location.line - 1] ?? '';
  const key = /^\s*(?:-\s+)?(["']?)([^:"']+)\1\s*:/.exec(line.slice(location.column - 1))?.[2]?.trim();
  if (key === undefined || key === error.key) return error;
  return new LoadError(`duplicate key '${key}' in a mapping; each key may appear once`, {
    location,
    key,
    cause: error,
  });
}

async function asLoadError(file: string, error: unknown): Promise<LoadError> {
  const message = error instanceof Error ? error.message : String(error);
  const alias = /alias/i.test(message) ? await findUndefinedAlias(file) : undefined;
  if (alias !== undefined) {
    return new LoadError(
      `undefined YAML alias '*${alias.name}': no anchor '&${alias.name}' is set before it`,
      {
        location: { file, line: alias.line, column: alias.column },
        key: alias.name,
        cause: error,
      },
    );
  }
  return new LoadError(`invalid YAML: ${message}`, { location: { file, line: 1, column: 1 }, cause: error });
}

/** The first `*alias` used before (or without) its `&anchor`. */
async function findUndefinedAlias(
  file: string,
): Promise<{ name: string; line: number; column: number } | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const anchors = new Set<string>();
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const code = line.replace(/\s#.*$/, '');
    for (const match of code.matchAll(/(?:^|[\s[{,:-])([&*])([^\s,[\]{}]+)/g)) {
      const [, sigil, name] = match;
      if (name === undefined) continue;
      if (sigil === '&') anchors.add(name);
      else if (!anchors.has(name)) {
        return { name, line: index + 1, column: (match.index ?? 0) + match[0].indexOf('*') + 1 };
      }
    }
  }
  return undefined;
}
