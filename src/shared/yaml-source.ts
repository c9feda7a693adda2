/**
 * YAML with source positions. Every file mcsync reads (playbooks, roles, vars, inventories) goes
 * through here so that any later error can name `file:line:column` of the offending key or value.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { Alias, Document, Node, ScalarTag } from 'yaml';
import { LoadError } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import { Vault } from '../vault/vault.ts';
import type { VaultDecrypter } from '../vault/vault.ts';
import { isVaultText } from '../vault/vault-format.ts';
import { decryptVaultedScalars } from '../vault/vault-yaml.ts';

/**
 * Ansible reads YAML with PyYAML, where yes/no/on/off are booleans. YAML 1.2 drops them and the
 * yaml library's 1.1 schema adds y/n too (a key named `y` would become `true`), so only PyYAML's
 * words are added to the 1.2 core schema.
 */
const ansibleBooleans: ScalarTag = {
  identify: (value) => typeof value === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF)$/,
  resolve: (text) => /^(?:yes|on)$/i.test(text),
};

export type YamlPath = readonly (string | number)[];

/** A parsed YAML file: its plain value plus a way back to positions. */
export interface YamlSource {
  file: string;
  value: unknown;
  /** Location of the value at `path` (or of the nearest existing parent). */
  locate(path: YamlPath): SourceLocation;
  /** Location of the key of the mapping entry at `path` (falls back to the value). */
  locateKey(path: YamlPath): SourceLocation;
}

export interface YamlReadOptions {
  /** An empty file is `null` instead of an error. */
  allowEmpty?: boolean;
  /**
   * Decrypts a file made by `ansible-vault encrypt` and `!vault` values. Without one, vault data
   * is a LoadError saying how to give a password.
   */
  vault?: VaultDecrypter;
}

/** No secrets: plain YAML reads as before, vault data fails with a hint. */
const NO_VAULT = new Vault();

/** Reads and parses one YAML file; an empty file is an error unless `allowEmpty`. */
export async function readYamlFile(file: string, options: YamlReadOptions = {}): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : String(error);
    throw new LoadError(`cannot read ${file}: ${why}`, {
      location: { file, line: 1, column: 1 },
      cause: error,
    });
  }
  return parseYaml(text, file, options);
}

/**
 * Parses YAML text: duplicate keys, tabs and syntax errors become LoadErrors with a location.
 * Vault data is decrypted first (a whole file) or in place (`!vault` values); every string of a
 * decrypted file is registered as a secret. Locations in a decrypted file are of its plaintext.
 */
export function parseYaml(text: string, file: string, options: YamlReadOptions = {}): YamlSource {
  const vault = options.vault ?? NO_VAULT;
  const encrypted = isVaultText(text);
  const plain = encrypted ? vault.decrypt(text, { location: { file, line: 1, column: 1 } }) : text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(plain, {
    lineCounter,
    uniqueKeys: true,
    merge: true,
    prettyErrors: false,
    customTags: (tags) => [...tags, ansibleBooleans],
  });
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const problem = structuralProblem(plain, doc, options.allowEmpty ?? false);
  if (problem) {
    throw new LoadError(problem.message, {
      location: problem.offset === undefined ? { file, line: 1, column: 1 } : at(problem.offset),
      key: problem.key,
    });
  }
  decryptVaultedScalars(doc, vault, at);
  const value: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? null;
  if (encrypted) vault.conceal(value);
  return {
    file,
    value,
    locate: (path) => at(nodeAt(doc, path)?.range?.[0] ?? 0),
    locateKey: (path) => at(keyNodeAt(doc, path)?.range?.[0] ?? nodeAt(doc, path)?.range?.[0] ?? 0),
  };
}

interface Problem {
  message: string;
  offset?: number;
  key?: string;
}

/** The first thing that makes the text unusable: tabs, syntax, duplicate keys, emptiness, aliases. */
function structuralProblem(text: string, doc: Document, allowEmpty: boolean): Problem | undefined {
  const tab = findIndentingTab(text);
  if (tab !== undefined)
    return { message: 'tab character used for indentation; YAML needs spaces', offset: tab };
  const error = doc.errors[0];
  if (error?.code === 'DUPLICATE_KEY') {
    const key = keyAt(text, error.pos[0]);
    return { message: `duplicate key '${key}' in a mapping`, offset: error.pos[0], key };
  }
  if (error)
    return {
      message: `invalid YAML: ${error.message.split('\n')[0] ?? error.message}`,
      offset: error.pos[0],
    };
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
  if (empty && !allowEmpty) return { message: 'file is empty; expected YAML content' };
  const alias = firstUnresolvedAlias(doc);
  if (alias) {
    const name = alias.source;
    return {
      message: `undefined YAML alias '*${name}': no anchor '&${name}' is set before it`,
      offset: alias.range?.[0] ?? 0,
      key: name,
    };
  }
  return undefined;
}

/** The mapping key that starts at `offset` (the parser's range can cover only part of it). */
function keyAt(text: string, offset: number): string {
  const line = text.slice(offset).split('\n')[0] ?? '';
  return /^(["']?)([^:"']+)\1\s*:/.exec(line)?.[2]?.trim() ?? line.trim();
}

/** An alias whose anchor is not defined before it (toJS would throw a bare ReferenceError). */
function firstUnresolvedAlias(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Finds a tab in leading indentation (YAML forbids it; the parser's own message is obscure). */
function findIndentingTab(text: string): number | undefined {
  const match = /^[ ]*\t/m.exec(text);
  if (!match) return undefined;
  return match.index + match[0].length - 1;
}

/** The deepest existing node along `path`. */
function nodeAt(doc: Document, path: YamlPath): Node | undefined {
  let node: unknown = doc.contents;
  let found: Node | undefined = isNode(node) ? node : undefined;
  for (const segment of path) {
    const next = childOf(node, segment);
    if (next === undefined) break;
    node = next;
    if (isNode(next)) found = next;
  }
  return found;
}

function keyNodeAt(doc: Document, path: YamlPath): Node | undefined {
  if (path.length === 0) return undefined;
  const parent = nodeAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find(
    (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(last),
  );
  return pair && isNode(pair.key) ? pair.key : undefined;
}

function childOf(node: unknown, segment: string | number): unknown {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    return pair?.value ?? undefined;
  }
  if (isNode(node) && 'items' in node && Array.isArray(node.items) && typeof segment === 'number') {
    return node.items[segment] as unknown;
  }
  return undefined;
}
