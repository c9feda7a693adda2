/** fail: stops the host with a message (usually under a `when:`). */
import type { ModuleDefinition } from '../../model/module.ts';

export interface FailArgs {
  msg?: unknown;
}

export const failModule: ModuleDefinition<FailArgs> = {
  name: 'fail',
  description: 'Fail the host with a message.',
  supportsCheckMode: true,
  argsSchema: { type: 'object', properties: { msg: {} }, additionalProperties: false },
  async run(args) {
    const msg =
      args.msg === undefined
        ? 'Failed as requested from task'
        : typeof args.msg === 'string'
          ? args.msg
          : JSON.stringify(args.msg);
    return { changed: false, failed: true, msg };
  },
};
