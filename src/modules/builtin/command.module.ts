/**
 * command: runs a program without a shell. `argv:` is used as is; a free-form string (or `cmd:`)
 * is split like a shell would split words, but pipes, globs and variables are not interpreted.
 */
import type { SchemaObject } from 'ajv';
import type { ModuleDefinition } from '../../model/module.ts';
import { COMMAND_OPTION_PROPERTIES, runCommand } from './run-command.ts';
import type { CommandOptions } from './run-command.ts';
import { splitShellWords } from './shell-words.ts';

export interface CommandArgs extends CommandOptions {
  _raw_params?: string;
  cmd?: string;
  argv?: string[];
}

/**
 * The argument schema of a module that runs a command line (command, shell): the free-form line or
 * `cmd`, the module's own `properties`, then the options every command takes.
 */
export function commandLineArgsSchema(properties: Record<string, SchemaObject>): SchemaObject {
  return {
    type: 'object',
    properties: {
      _raw_params: { type: 'string' },
      cmd: { type: 'string' },
      ...properties,
      ...COMMAND_OPTION_PROPERTIES,
    },
    additionalProperties: false,
  };
}

export const commandModule: ModuleDefinition<CommandArgs> = {
  name: 'command',
  description:
    'Run a program with arguments, without a shell (argv list or a command line split into words).',
  freeForm: true,
  supportsCheckMode: true,
  argsSchema: commandLineArgsSchema({ argv: { type: 'array', items: { type: 'string' }, minItems: 1 } }),
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
