/**
 * `--limit` as Ansible's `InventoryManager.subset()` reads it: the pattern is split with the host
 * pattern rules, and each `@file` term is replaced by the file's lines (one pattern per line). The
 * terms are then evaluated together as one pattern, so `slaves,!west` excludes west.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { splitHostPattern } from './host-patterns.ts';

/** The limit's terms, `@file` expanded (blank lines and `#` comments in the file skipped). */
export function readLimit(pattern: string, cwd: string): string[] {
  return splitHostPattern(pattern).flatMap((term) =>
    term.startsWith('@') ? readLimitFile(term, cwd) : [term],
  );
}

function readLimitFile(term: string, cwd: string): string[] {
  const file = resolve(cwd, term.slice(1));
  let text: string;
  try {
    if (statSync(file).isDirectory())
      throw new UsageError(`--limit ${term}: a limit starting with '@' must be a file, not a directory`, {
        key: 'limit',
      });
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`--limit ${term}: cannot read limit file ${file}: ${code}`, {
      key: 'limit',
      cause: error,
    });
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
