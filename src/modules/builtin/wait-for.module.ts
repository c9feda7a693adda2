/**
 * wait_for: waits until a TCP port accepts connections or an HTTP(S) URL answers with an accepted
 * status (`state: started`, the default), or until it stops doing so (`state: stopped`). Time is
 * measured and slept through the injected clock.
 */
import { connect } from 'node:net';
import type { ModuleContext, ModuleDefinition } from '../../model/module.ts';
import type { ModuleResult } from '../../model/result.ts';
import { httpRequest } from '../../http/client.ts';
import { tlsOptionsOf } from './tls-args.ts';

export interface WaitForArgs {
  /** Host for the TCP check (default 127.0.0.1). */
  host?: string;
  port?: number;
  /** HTTP(S) URL to poll instead of a TCP port. */
  url?: string;
  /** Accepted HTTP statuses for `url` (default: any status below 400). */
  status_code?: number | number[];
  validate_certs?: boolean;
  ca_path?: string;
  /** Seconds before giving up (default 300). */
  timeout?: number;
  /** Seconds to wait before the first check (default 0). */
  delay?: number;
  /** Seconds between checks (default 1). */
  sleep?: number;
  /** Seconds one connection attempt may take (default 5). */
  connect_timeout?: number;
  state?: 'started' | 'stopped';
  /** Message on timeout instead of the default. */
  msg?: string;
}

export const waitForModule: ModuleDefinition<WaitForArgs> = {
  name: 'wait_for',
  description: 'Wait until a TCP port or an HTTP(S) URL is ready (or stopped).',
  supportsCheckMode: true,
  argsSchema: {
    type: 'object',
    properties: {
      host: { type: 'string', minLength: 1 },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      url: { type: 'string', pattern: '^https?://' },
      status_code: {
        anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' }, minItems: 1 }],
      },
      validate_certs: { type: 'boolean' },
      ca_path: { type: 'string', minLength: 1 },
      timeout: { type: 'number', minimum: 0 },
      delay: { type: 'number', minimum: 0 },
      sleep: { type: 'number', exclusiveMinimum: 0 },
      connect_timeout: { type: 'number', exclusiveMinimum: 0 },
      state: { enum: ['started', 'stopped'] },
      msg: { type: 'string' },
    },
    oneOf: [{ required: ['port'] }, { required: ['url'] }],
    additionalProperties: false,
  },
  async run(args, context) {
    if ((args.port === undefined) === (args.url === undefined)) {
      return { changed: false, failed: true, msg: 'wait_for needs exactly one of: port, url' };
    }
    const clock = context.services.clock;
    const state = args.state ?? 'started';
    const start = clock.now();
    const deadline = start + (args.timeout ?? 300) * 1000;
    const target = args.url ?? `${args.host ?? '127.0.0.1'}:${args.port}`;
    if (args.delay) await clock.sleep(args.delay * 1000, context.signal);
    for (;;) {
      const up = await probe(args, context);
      const elapsed = Math.round((clock.now() - start) / 1000);
      if (up.ready === (state === 'started')) return done(args, state, elapsed, up.status);
      if (clock.now() >= deadline) {
        const verb = state === 'started' ? 'to be ready' : 'to stop';
        return {
          changed: false,
          failed: true,
          elapsed,
          state,
          msg: args.msg ?? `Timeout when waiting for ${target} ${verb}`,
        };
      }
      await clock.sleep(
        Math.min((args.sleep ?? 1) * 1000, Math.max(0, deadline - clock.now())),
        context.signal,
      );
    }
  },
};

function done(args: WaitForArgs, state: string, elapsed: number, status: number | undefined): ModuleResult {
  const result: ModuleResult = { changed: false, elapsed, state };
  if (args.port !== undefined) Object.assign(result, { host: args.host ?? '127.0.0.1', port: args.port });
  if (args.url !== undefined)
    Object.assign(result, { url: args.url, ...(status === undefined ? {} : { status }) });
  return result;
}

async function probe(
  args: WaitForArgs,
  context: ModuleContext,
): Promise<{ ready: boolean; status?: number }> {
  const timeoutMs = (args.connect_timeout ?? 5) * 1000;
  if (args.url === undefined)
    return { ready: await tcpOpen(args.host ?? '127.0.0.1', args.port ?? 0, timeoutMs) };
  try {
    const response = await httpRequest(args.url, {
      timeoutMs,
      tls: await tlsOptionsOf(args),
      redirect: { max: 5, beyondMax: 'return' },
      signal: context.signal,
    });
    const accepted = args.status_code === undefined ? undefined : [args.status_code].flat();
    return {
      ready: accepted ? accepted.includes(response.status) : response.status < 400,
      status: response.status,
    };
  } catch (error) {
    if (context.signal.aborted) throw error;
    return { ready: false };
  }
}

function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const finish = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}
