/**
 * Finding and fetching the latest backup from `backup_location`. In a directory (file) or under
 * a bucket prefix (s3), the backups are its subdirectories and archives: the latest is the one
 * modified last (ties: the greatest name, as timestamped names sort). When there are only
 * manifest files, the location itself is the one backup. With https the URL is one backup
 * file (an archive or a manifest), after redirects (https-source.ts).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { McsyncError } from '../errors.ts';
import type { BackupFile } from './manifests.ts';
import { isArchiveName, isBackupFileName } from './manifests.ts';
import type { S3Bucket, S3Target } from './s3-client.ts';
import { openS3 } from './s3-client.ts';
import { s3TargetOf } from './s3-location.ts';
import { fetchHttpsBackup } from './https-source.ts';
import type { BackupCredentials } from './credentials.ts';
import type { BackupLocation } from './types.ts';

export interface Backup {
  /** Which backup: a directory, archive, object prefix or URL. */
  name: string;
  files: BackupFile[];
}

interface Entry {
  name: string;
  modified: number;
}

/** The latest backup with every file read. */
export async function fetchLatestBackup(
  location: BackupLocation,
  credentials: BackupCredentials,
  options: { ca?: string | Buffer | undefined; cwd?: string } = {},
): Promise<Backup> {
  if (location.protocol === 'file')
    return latestFromDirectory(
      path.resolve(options.cwd ?? process.cwd(), location.url.replace(/^file:\/\//, '')),
    );
  if (location.protocol === 's3') return latestFromS3(s3TargetOf(location, credentials, options.ca));
  return fetchHttpsBackup(location.url, credentials, options.ca);
}

/** Latest entry by modification time, then name. */
export function latest<T extends Entry>(entries: readonly T[]): T | undefined {
  return [...entries].sort((a, b) => b.modified - a.modified || b.name.localeCompare(a.name))[0];
}

async function latestFromDirectory(dir: string): Promise<Backup> {
  const info = await stat(dir).catch((error: unknown) => {
    throw new McsyncError(
      `backup_location.url: cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  });
  if (info.isFile()) return { name: dir, files: [{ name: path.basename(dir), data: await readFile(dir) }] };
  const entries = await readdir(dir, { withFileTypes: true });
  const candidates: (Entry & { dir: boolean })[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() || (entry.isFile() && isArchiveName(entry.name))) {
      candidates.push({ name: entry.name, modified: (await stat(full)).mtimeMs, dir: entry.isDirectory() });
    }
  }
  const pick = latest(candidates);
  if (!pick) return { name: dir, files: await readTree(dir, '') };
  const full = path.join(dir, pick.name);
  return {
    name: full,
    files: pick.dir ? await readTree(full, '') : [{ name: pick.name, data: await readFile(full) }],
  };
}

async function readTree(dir: string, prefix: string): Promise<BackupFile[]> {
  const files: BackupFile[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await readTree(full, name)));
    else if (entry.isFile() && isBackupFileName(entry.name)) files.push({ name, data: await readFile(full) });
  }
  if (!files.length && !prefix) throw new McsyncError(`backup_location: no backup found in ${dir}`);
  return files;
}

async function latestFromS3(target: S3Target & { prefix: string }): Promise<Backup> {
  const s3 = await openS3(target);
  try {
    return await latestInBucket(s3, target);
  } finally {
    s3.close();
  }
}

async function latestInBucket(s3: S3Bucket, target: S3Target & { prefix: string }): Promise<Backup> {
  const prefix = target.prefix && !target.prefix.endsWith('/') ? `${target.prefix}/` : target.prefix;
  const top = await s3.list(prefix, '/');
  const candidates: (Entry & { key: string; folder: boolean })[] = top.objects
    .filter((o) => isArchiveName(o.key))
    .map((o) => ({ name: o.key, key: o.key, modified: o.modified, folder: false }));
  const folders = await Promise.all(
    top.prefixes.map(async (p) => {
      const inside = await s3.list(p);
      return {
        name: p,
        key: p,
        modified: Math.max(0, ...inside.objects.map((o) => o.modified)),
        folder: true,
        inside,
      };
    }),
  );
  const pick = latest([...candidates, ...folders]);
  const where = `s3 ${target.bucket || target.endpoint}/${prefix}`;
  if (!pick) {
    const manifests = top.objects.filter((o) => isBackupFileName(o.key));
    if (!manifests.length) throw new McsyncError(`backup_location: no backup found in ${where}`);
    return {
      name: where,
      files: await fetchObjects(
        s3,
        manifests.map((o) => o.key),
        prefix,
      ),
    };
  }
  const keys = pick.folder
    ? (folders.find((f) => f.key === pick.key)?.inside.objects ?? [])
        .map((o) => o.key)
        .filter(isBackupFileName)
    : [pick.key];
  return {
    name: `s3 ${target.bucket}/${pick.key}`,
    files: await fetchObjects(s3, keys, pick.folder ? pick.key : prefix),
  };
}

async function fetchObjects(s3: S3Bucket, keys: readonly string[], prefix: string): Promise<BackupFile[]> {
  const files: BackupFile[] = new Array<BackupFile>(keys.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const index = next++;
      const key = keys[index] as string;
      files[index] = { name: key.slice(prefix.length) || key, data: await s3.get(key) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker));
  return files;
}
