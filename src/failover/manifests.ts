/**
 * Backup contents → Kubernetes objects. A backup is a set of files: YAML or JSON manifests
 * (multi-document; `kind: List` expanded) and `.tar.gz`/`.tgz` archives of such files (read
 * with a small ustar reader over zlib's gunzip). Other files are ignored.
 */
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { McsyncError } from '../errors.ts';
import type { KubeObject } from '../kube/index.ts';
import { isRecord } from '../kube/index.ts';

export interface BackupFile {
  /** Path inside the backup (for messages). */
  name: string;
  data: Buffer;
}

const MANIFEST = /\.(?:ya?ml|json)$/i;
const ARCHIVE = /\.(?:tar\.gz|tgz)$/i;

/** True for a name mcsync reads as part of a backup. */
export function isBackupFileName(name: string): boolean {
  return MANIFEST.test(name) || ARCHIVE.test(name);
}

/** True for an archive name (`.tar.gz`, `.tgz`). */
export function isArchiveName(name: string): boolean {
  return ARCHIVE.test(name);
}

/** Every object in the files, in file-name order; a file that does not parse is an error naming it. */
export function objectsFromFiles(files: readonly BackupFile[]): KubeObject[] {
  const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name));
  const objects: KubeObject[] = [];
  for (const file of sorted) {
    if (ARCHIVE.test(file.name)) objects.push(...objectsFromFiles(untarGz(file)));
    else if (MANIFEST.test(file.name)) objects.push(...parseManifests(file));
  }
  return objects;
}

function parseManifests(file: BackupFile): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(file.data.toString('utf8'))) {
    if (doc.errors.length) {
      throw new McsyncError(
        `backup file ${file.name}: invalid YAML: ${doc.errors[0]?.message.split('\n')[0]}`,
      );
    }
    expand(doc.toJS() as unknown, objects, file.name);
  }
  return objects;
}

function expand(value: unknown, into: KubeObject[], file: string): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) expand(item, into, file);
    return;
  }
  if (!isRecord(value))
    throw new McsyncError(`backup file ${file}: expected Kubernetes objects, got ${typeof value}`);
  if (typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items'])) {
    for (const item of value['items']) expand(item, into, file);
    return;
  }
  into.push(value as KubeObject);
}

/** The regular files of a gzip'd tar archive (ustar, GNU long names, pax headers skipped). */
export function untarGz(file: BackupFile): BackupFile[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(file.data);
  } catch (error) {
    throw new McsyncError(`backup archive ${file.name}: not gzip data`, { cause: error });
  }
  const files: BackupFile[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = cString(header, 0, 100);
    const prefix = cString(header, 345, 155);
    const size = parseInt(cString(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cString(body, 0, body.length);
      continue;
    }
    const full = longName ?? (prefix ? `${prefix}/${name}` : name);
    longName = undefined;
    if (type === '0' || type === '\0') files.push({ name: `${file.name}/${full}`, data: Buffer.from(body) });
  }
  return files;
}

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? slice.length : end).toString('utf8');
}
