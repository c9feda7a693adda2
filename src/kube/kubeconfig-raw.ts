/**
 * Entries of kubeconfig files as the YAML has them, for the fields @kubernetes/client-node's
 * KubeConfig drops when it loads them (tokenFile, as-groups, as-uid, as-user-extra, cluster
 * extensions) or keeps without knowing where they came from (an exec command relative to its
 * kubeconfig). With several KUBECONFIG files the first file naming an entry wins, as kubectl
 * merges them.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { isRecord } from './types.ts';

/** The files KUBECONFIG lists (in order), else ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env['KUBECONFIG']?.split(path.delimiter).filter(Boolean) ?? [];
  return listed.length ? listed : [path.join(homedir(), '.kube', 'config')];
}

/** One named entry (`{name, user}` / `{name, cluster}`) and the file it is in. */
export interface RawEntry {
  entry: Record<string, unknown>;
  file: string;
}

/** The first entry named `name` in `section` of the files; unreadable files are skipped. */
export async function rawEntry(
  files: readonly string[],
  section: 'users' | 'clusters',
  name: string,
): Promise<RawEntry | undefined> {
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parse(await readFile(file, 'utf8'));
    } catch {
      continue;
    }
    const list = isRecord(doc) && Array.isArray(doc[section]) ? doc[section].filter(isRecord) : [];
    const entry = list.find((item) => item['name'] === name);
    if (entry) return { entry, file };
  }
  return undefined;
}
