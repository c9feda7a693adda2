// Writes a small file tree into a fresh temporary directory for one test.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { McsyncError } from '../../../src/errors.ts';

/** Creates `files` (relative path → content) under a new temp dir and returns the dir. */
export async function writeTree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'mcsync-inventory-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** Asserts that `promise` rejects with an McsyncError whose `file:line:col: message` matches. */
export async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof McsyncError, `expected an McsyncError, got ${String(error)}`);
    assert.match(error.describe(), pattern);
    return true;
  });
}
