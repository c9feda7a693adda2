/**
 * The playbook the observer will run and the variables it will run with, loaded as
 * `mcsync observe --playbook FILE -e @VARS…` loads them (same loader, same validation), so the
 * rules are derived from what the pod executes.
 */
import { relative } from 'node:path';
import { loadPlaybook, loadVarsFile } from '../load/index.ts';
import type { ModuleRegistry } from '../model/module.ts';
import type { Playbook } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { VaultDecrypter } from '../model/vault-decrypter.ts';

export interface WatchPlaybook {
  playbook: Playbook;
  /** The vars files merged in order, then the extra vars over them (as repeated `-e`). */
  extraVars: Vars;
  /** The vars files relative to `cwd`, for messages. */
  varsSources: string[];
}

export interface WatchPlaybookRequest {
  /** Absolute paths. */
  playbook: string;
  varsFiles: readonly string[];
  extraVars?: Vars;
  modules: ModuleRegistry;
  vault?: VaultDecrypter;
  /** Paths in messages are relative to it. */
  cwd: string;
}

/** Loads and validates the playbook (LoadErrors name file:line:col) and reads the vars files. */
export async function loadWatchPlaybook(request: WatchPlaybookRequest): Promise<WatchPlaybook> {
  const options = {
    modules: request.modules,
    rolesPath: [],
    ...(request.vault ? { vault: request.vault } : {}),
  };
  const playbook = await loadPlaybook(request.playbook, options);
  const extraVars: Vars = {};
  for (const file of request.varsFiles) Object.assign(extraVars, await loadVarsFile(file, request.vault));
  Object.assign(extraVars, request.extraVars ?? {});
  return {
    playbook,
    extraVars,
    varsSources: request.varsFiles.map((file) => relative(request.cwd, file) || file),
  };
}
