/**
 * The state one load pass carries: options, the errors collected so far, and where the task list
 * being converted lives (file, directory, role, play). Errors are collected, not thrown, so one
 * pass reports every independent mistake it can find.
 */
import { dirname } from 'node:path';
import { LoadError, LoadErrors } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import type { ModuleRegistry } from '../model/module.ts';
import type { VaultDecrypter } from '../vault/vault.ts';
import type { Handler, RoleScope } from '../model/playbook.ts';
import type { YamlPath, YamlSource } from '../shared/yaml-source.ts';

/** What the loader needs from the outside world. */
export interface LoadOptions {
  /** Modules by name and alias: task keys are looked up here. */
  modules: ModuleRegistry;
  /** Extra role directories, searched after the playbook's own `roles/` folders. */
  rolesPath: string[];
  /** Decrypts vaulted files and `!vault` values; without it vault data is a LoadError. */
  vault?: VaultDecrypter;
}

/** One load pass: options and the error sink. */
export interface LoadRun {
  options: LoadOptions;
  errors: LoadError[];
  /** Directory of the top-level playbook (roles are searched relative to it). */
  playbookDir: string;
}

/** Per-play state: role de-duplication and the handlers that roles bring. */
export interface PlayState {
  handlers: Handler[];
  /** `name + params` of roles already added to the play (a role runs once per play). */
  seenRoles: Set<string>;
}

/** Where a list of tasks lives. */
export interface TaskScope {
  run: LoadRun;
  source: YamlSource;
  /** Directory of `source`: relative include paths start here. */
  dir: string;
  role?: RoleScope;
  /** Absent when tasks are loaded at run time (dynamic includes): role handlers are then dropped. */
  play?: PlayState;
  /** Files and roles currently being expanded, outermost first (cycle detection). */
  chain: string[];
  /** Whether the list holds handlers. */
  handlers?: boolean;
}

/** Starts a load pass. */
export function newRun(options: LoadOptions, playbookFile: string): LoadRun {
  return { options, errors: [], playbookDir: dirname(playbookFile) };
}

/** Records an error at a path of a source (report and reportKey). */
type PathReporter = (run: LoadRun, source: YamlSource, path: YamlPath, message: string, key?: string) => void;

/** Records an error at a path of a source. */
export const report: PathReporter = (run, source, path, message, key) =>
  reportAt(run, source.locate(path), message, key);

/** Records an error about a key (positioned on the key itself). */
export const reportKey: PathReporter = (run, source, path, message, key) =>
  reportAt(run, source.locateKey(path), message, key);

/** Records an error at a known location. */
export function reportAt(run: LoadRun, location: SourceLocation, message: string, key?: string): void {
  run.errors.push(new LoadError(message, { location, key }));
}

/** Throws the collected errors (de-duplicated, in the order found) if there are any. */
export function throwIfErrors(run: LoadRun): void {
  if (run.errors.length === 0) return;
  const seen = new Set<string>();
  const unique = run.errors.filter((error) => {
    const id = error.describe();
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  throw new LoadErrors(unique);
}

/** True for values that are mappings (not lists, not null). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a value holds a template anywhere (`{{` in any string, keys included). */
export function isTemplated(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(isTemplated);
  if (isMapping(value)) return Object.entries(value).some(([k, v]) => k.includes('{{') || isTemplated(v));
  return false;
}
