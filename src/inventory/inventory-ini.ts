/**
 * Ansible's INI inventory format, as the PoC's `inventory` file used it: `[group]` sections of host
 * lines with inline `key=value` vars, `[group:vars]` and `[group:children]`, `#`/`;` comments and
 * hosts before any section (they land in `ungrouped`). Host ranges such as `web[01:03]` expand.
 */
import { LoadError } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import type { Vars } from '../model/vars.ts';
import { expandHostRange } from './host-range.ts';
import { parseIniValue } from './ini-value.ts';
import { setVar } from './inventory-data.ts';
import type { InventoryData } from './inventory-data.ts';
import { shlexSplit } from './shlex.ts';

type SectionKind = 'hosts' | 'vars' | 'children';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:[#;].*)?$/;
const SECTION_KINDS = ['vars', 'children'];

interface IniState {
  file: string;
  data: InventoryData;
  group: string;
  kind: SectionKind;
  /** Groups this file defines (`[g]`, `[g:children]`, or named as a child). */
  defined: Set<string>;
  /** `[g:vars]` sections, checked at the end against `defined`. */
  varsSections: Map<string, SourceLocation>;
}

/** Parses INI inventory text into `data`; every error names `file:line`. */
export function parseIniInventory(text: string, file: string, data: InventoryData): void {
  const state: IniState = {
    file,
    data,
    group: 'ungrouped',
    kind: 'hosts',
    defined: new Set(['all', 'ungrouped']),
    varsSections: new Map(),
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const location = { file, line: index + 1, column: raw.indexOf(line) + 1 };
    try {
      parseLine(line, location, state);
    } catch (error) {
      if (error instanceof LoadError && !error.location) {
        throw new LoadError(error.message, { location, key: error.key, cause: error.cause });
      }
      throw error;
    }
  });
  checkVarsSections(state);
}

function parseLine(line: string, location: SourceLocation, state: IniState): void {
  if (line.startsWith('[')) {
    startSection(line, location, state);
    return;
  }
  if (state.kind === 'hosts') parseHostLine(line, location, state);
  else if (state.kind === 'vars') parseVarLine(line, location, state);
  else parseChildLine(line, location, state);
}

function startSection(line: string, location: SourceLocation, state: IniState): void {
  const match = SECTION.exec(line);
  if (!match) {
    throw new LoadError(
      `invalid section header '${line}'; expected [group], [group:vars] or [group:children] with no spaces`,
    );
  }
  const [, group = '', kind] = match;
  if (kind !== undefined && !SECTION_KINDS.includes(kind)) {
    throw new LoadError(
      `section [${group}:${kind}] has an unknown type '${kind}'; expected 'vars' or 'children'${didYouMean(kind, SECTION_KINDS)}`,
      { key: `${group}:${kind}` },
    );
  }
  state.group = group;
  state.kind = (kind ?? 'hosts') as SectionKind;
  state.data.group(group, location);
  if (state.kind === 'vars') {
    if (!state.varsSections.has(group)) state.varsSections.set(group, location);
  } else {
    state.defined.add(group);
  }
}

function parseHostLine(line: string, location: SourceLocation, state: IniState): void {
  const words = shlexSplit(line);
  const [pattern, ...assignments] = words;
  if (pattern === undefined) return;
  const vars: Vars = {};
  for (const word of assignments) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      throw new LoadError(`expected key=value host variable after host '${pattern}', got '${word}'`, {
        key: pattern,
      });
    }
    setVar(vars, word.slice(0, eq), parseIniValue(word.slice(eq + 1)));
  }
  const { name, port } = splitPort(pattern);
  if (port !== undefined && !('ansible_port' in vars)) setVar(vars, 'ansible_port', port);
  for (const host of expandHostRange(name)) state.data.addHost(state.group, host, vars, location);
}

/** `host:2222` carries a port (kept as `ansible_port`); a colon inside a range `[1:3]` does not. */
function splitPort(pattern: string): { name: string; port?: number } {
  const outside = pattern.replace(/\[[^\]]*\]/g, (range) => '_'.repeat(range.length));
  const colon = outside.indexOf(':');
  if (colon < 0 || colon !== outside.lastIndexOf(':')) return { name: pattern };
  const port = pattern.slice(colon + 1);
  if (!/^[0-9]+$/.test(port)) return { name: pattern };
  return { name: pattern.slice(0, colon), port: Number(port) };
}

function parseVarLine(line: string, _location: SourceLocation, state: IniState): void {
  const eq = line.indexOf('=');
  if (eq < 0) {
    throw new LoadError(`expected key=value in section [${state.group}:vars], got '${line}'`, { key: line });
  }
  const key = line.slice(0, eq).trim();
  if (key === '') throw new LoadError(`missing variable name before '=' in section [${state.group}:vars]`);
  state.data.setGroupVar(state.group, key, parseIniValue(line.slice(eq + 1).trim()));
}

function parseChildLine(line: string, location: SourceLocation, state: IniState): void {
  const match = GROUP_NAME.exec(line);
  if (!match) {
    throw new LoadError(
      `expected one group name per line in section [${state.group}:children], got '${line}'`,
    );
  }
  const child = match[1] as string;
  if (child === 'all') {
    throw new LoadError(
      `group 'all' cannot be a child of '${state.group}'; every group is already in 'all'`,
      {
        key: child,
      },
    );
  }
  state.data.addChild(state.group, child, location);
  state.defined.add(child);
}

/** Ansible rejects `[g:vars]` for a group the file never defines: usually a misspelt name. */
function checkVarsSections(state: IniState): void {
  for (const [group, location] of state.varsSections) {
    if (state.defined.has(group)) continue;
    throw new LoadError(
      `section [${group}:vars] is for group '${group}', which this file never defines${didYouMean(group, state.defined)}`,
      { location, key: `${group}:vars` },
    );
  }
}
