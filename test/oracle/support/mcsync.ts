/**
 * Running the built mcsync CLI (`node bin/mcsync-play.js`) as a user would, in the project
 * directory. The CLI runs dist/, so the suite needs `npm run build` first (`npm test` does it);
 * a missing build fails with that hint.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './processes.ts';
import type { ProcessRun } from './processes.ts';
import type { Project } from './project.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(repoRoot, 'bin', 'mcsync-play.js');
const builtMain = path.join(repoRoot, 'dist', 'cli', 'main.js');

/** `mcsync-play ARGS` in the project directory. */
export function mcsyncPlay(project: Project, args: readonly string[]): Promise<ProcessRun> {
  if (!existsSync(builtMain)) {
    throw new Error('mcsync is not built: run `npm run build` before the oracle suite');
  }
  return runProcess(process.execPath, [bin, ...args], {
    cwd: project.dir,
    env: { NO_COLOR: '1', CI: 'true' },
  });
}
