/**
 * shell: runs a script through `/bin/sh -c` (or `executable`), so pipes, redirections and
 * variables work. Prefer command for anything that does not need a shell.
 */
import type { ModuleDefinition } from '../../model/module.ts';
import { commandLineArgsSchema } from './command.module.ts';
import { runCommand } from './run-command.ts';
import type { CommandOptions } from './run-command.ts';

export interface ShellArgs extends CommandOptions {
  _raw_params?: string;
  cmd?: string;
  /** The shell to use (default `/bin/sh`). */
  executable?: string;
}

export const shellModule: ModuleDefinition<ShellArgs> = {
  name: 'shell',
  description: 'Run a command line through /bin/sh -c (pipes, redirections and variables work).',
  freeForm: true,
  supportsCheckMode: true,
  argsSchema: commandLineArgsSchema({ executable: { type: 'string', minLength: 1 } }),
  async run(args, context) {
    const script = args._raw_params ?? args.cmd;
    if (
      script === undefined ||
      script.trim() === '' ||
      (args._raw_params !== undefined && args.cmd !== undefined)
    ) {
      return {
        failed: true,
        changed: false,
        msg: 'shell needs exactly one of: a free-form command line, cmd',
      };
    }
    return runCommand([args.executable ?? '/bin/sh', '-c', script], script, args, context);
  },
};
