/** `-e` values: `key=value ...`, `@file.yml`, or inline JSON/YAML mappings; later ones win. */
import { parse as parseYamlText } from 'yaml';
import { UsageError } from '../errors.ts';
import type { Vars } from '../model/vars.ts';

export interface ExtraVarsIO {
  loadVarsFile(file: string): Promise<Vars>;
}

/** Parses every `-e` argument in order and merges them. Malformed input is a UsageError (exit 5). */
export async function parseExtraVars(values: readonly string[], io: ExtraVarsIO): Promise<Vars> {
  const merged: Vars = {};
  for (const value of values) Object.assign(merged, await parseOne(value, io));
  return merged;
}

async function parseOne(value: string, io: ExtraVarsIO): Promise<Vars> {
  const text = value.trim();
  if (text.startsWith('@')) return io.loadVarsFile(text.slice(1));
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = parseYamlText(text);
    } catch (error) {
      throw new UsageError(`-e '${value}': not valid JSON/YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError(`-e '${value}': expected a mapping`);
    }
    return parsed as Vars;
  }
  return parseKeyValues(value);
}

/** `a=1 b="two words"`: values stay strings, as Ansible's key=value form keeps them. */
function parseKeyValues(value: string): Vars {
  const result: Vars = {};
  const pattern = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/y;
  let rest = value.trim();
  while (rest.length > 0) {
    pattern.lastIndex = 0;
    const match = pattern.exec(rest);
    if (!match) {
      throw new UsageError(`-e '${value}': expected key=value, @file or a JSON/YAML mapping`);
    }
    const raw = match[2] ?? '';
    result[match[1]!] = raw.startsWith('"')
      ? (JSON.parse(raw) as string)
      : raw.startsWith("'")
        ? raw.slice(1, -1)
        : raw;
    rest = rest.slice(match[0].length).trimStart();
  }
  return result;
}
