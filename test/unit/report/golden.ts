// Golden-file helpers for renderer tests: UPDATE_GOLDEN=1 rewrites the files instead of comparing.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/report');

export async function assertGolden(name: string, actual: string): Promise<void> {
  const file = join(FIXTURES, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    await mkdir(FIXTURES, { recursive: true });
    await writeFile(file, actual);
    return;
  }
  const expected = await readFile(file, 'utf8');
  assert.equal(actual, expected, `output differs from ${name} (UPDATE_GOLDEN=1 regenerates it)`);
}

/** A writable stream that keeps what was written; `tty` makes it claim to be a terminal. */
export function captureStream(tty = false): {
  out: PassThrough & { isTTY?: boolean; columns?: number };
  text: () => string;
} {
  const out: PassThrough & { isTTY?: boolean; columns?: number } = new PassThrough();
  if (tty) {
    out.isTTY = true;
    out.columns = 100;
  }
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { out, text: () => chunks.join('') };
}
