/** Local file paths named in connection variables. */
import { homedir } from 'node:os';
import path from 'node:path';

/** Expands `~/` and resolves relative paths against `cwd`. */
export function resolvePath(file: string, cwd: string): string {
  if (file === '~' || file.startsWith('~/')) return path.join(homedir(), file.slice(1));
  return path.resolve(cwd, file);
}
