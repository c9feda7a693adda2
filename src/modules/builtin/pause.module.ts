/**
 * pause: waits for a while (seconds/minutes) through the injected clock, so tests never sleep and
 * Ctrl-C ends the wait. Modules cannot read the terminal, so a `prompt` without a duration does not
 * wait for input: the task says so and continues, as ansible-playbook does when not interactive.
 */
import type { ModuleDefinition } from '../../model/module.ts';

export interface PauseArgs {
  seconds?: number;
  minutes?: number;
  prompt?: string;
  echo?: boolean;
}

export const pauseModule: ModuleDefinition<PauseArgs> = {
  name: 'pause',
  description: 'Wait for a number of seconds or minutes.',
  supportsCheckMode: true,
  argsSchema: {
    type: 'object',
    properties: {
      seconds: { type: 'number', minimum: 0 },
      minutes: { type: 'number', minimum: 0 },
      prompt: { type: 'string' },
      echo: { type: 'boolean' },
    },
    not: { required: ['seconds', 'minutes'] },
    additionalProperties: false,
  },
  async run(args, context) {
    const clock = context.services.clock;
    const ms =
      args.seconds !== undefined
        ? args.seconds * 1000
        : args.minutes !== undefined
          ? args.minutes * 60_000
          : undefined;
    if (ms === undefined) {
      context.log.warn('pause: not waiting for input; mcsync modules never read the terminal');
      return {
        changed: false,
        user_input: '',
        stdout: 'Paused: no prompt answered (not interactive)',
        echo: args.echo ?? true,
      };
    }
    if (args.prompt) context.log.info(args.prompt);
    const start = clock.now();
    await clock.sleep(ms, context.signal);
    const stop = clock.now();
    const delta = Math.round((stop - start) / 1000);
    return {
      changed: false,
      start: new Date(start).toISOString(),
      stop: new Date(stop).toISOString(),
      delta,
      user_input: '',
      echo: args.echo ?? true,
      stdout: `Paused for ${args.minutes !== undefined ? `${args.minutes} minutes` : `${args.seconds} seconds`}`,
    };
  },
};
