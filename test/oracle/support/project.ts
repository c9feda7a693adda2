/**
 * A throwaway project directory both tools run in: the same playbook, inventory, group_vars,
 * roles and vars files, written once, so neither tool sees anything the other does not.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** File path (relative, `/`-separated) → text, or a value written as YAML. */
export type ProjectFiles = Record<string, unknown>;

export interface Project {
  dir: string;
  /** Absolute path of a file in the project. */
  file(relative: string): string;
  remove(): Promise<void>;
}

/**
 * Writes `files` into a new temporary directory (parent directories created). An empty
 * `ansible.cfg` is added so Ansible reads no configuration from the machine (ANSIBLE_CONFIG
 * points at it); mcsync ignores it.
 */
export async function writeProject(files: ProjectFiles): Promise<Project> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-oracle-'));
  const all: ProjectFiles = { 'ansible.cfg': '', ...files };
  for (const [name, content] of Object.entries(all)) {
    const target = path.join(dir, name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, typeof content === 'string' ? content : stringify(content));
  }
  return {
    dir,
    file: (relative) => path.join(dir, relative),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** An INI inventory whose every host connects locally, so Ansible never tries ssh. */
export function localInventory(body: string): string {
  return `${body.trim()}\n\n[all:vars]\nansible_connection=local\n`;
}
