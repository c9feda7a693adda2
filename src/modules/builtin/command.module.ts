/**
 * command: runs a program without a shell. `argv:` is used as is; a free-form string (or `cmd:`)
 * is split like a shell would split words, but pipes, globs and variables are not interpreted.
 */
import type { ModuleDefinition } from '../../model/module.ts';
import { COMMAND_OPTION_PROPERTIES, runCommand } from './run-command.ts';
import type { CommandOptions } from './run-command.ts';
import { splitShellWords } from './shell-words.ts';

export interface CommandArgs extends CommandOptions {
  _raw_params?: string;
  cmd?: string;
  argv?: string[];
}

export const commandModule: ModuleDefinition<CommandArgs> = {
  name: 'command',
  description:
    'Run a program with arguments, without a shell (argv list or a command line split into words).',
  freeForm: true,
  supportsCheckMode: true,
  argsSchema: {
    type: 'object',
    properties: {
      _raw_params: { type: 'string' },
      cmd: { type: 'string' },
      argv: { type: 'array', items: { type: 'string' }, minItems: 1 },
      ...COMMAND_OPTION_PROPERTIES,
    },
    additionalProperties: false,
  },
  async run(args, context) {
    const given = [args._raw_params, args.cmd, args.argv].filter((value) => value !== undefined);
    if (given.length !== 1) {
      return {
        failed: true,
        changed: false,
        msg: 'command needs exactly one of: a free-form command, cmd, argv',
      };
    }
    let argv: string[];
    try {
      argv = args.argv ?? splitShellWords(args._raw_params ?? args.cmd ?? '');
    } catch (error) {
      return { failed: true, changed: false, msg: error instanceof Error ? error.message : String(error) };
    }
    if (argv.length === 0) return { failed: true, changed: false, msg: 'no command given' };
    return runCommand(argv, argv, args, context);
  },
};
