/**
 * The renderer contract and the factory the CLI calls. Renderers only listen to engine events;
 * `close()` is awaited once at the end so buffered output (JSON, listr2's tree) is flushed.
 */
import type { EventSink } from '../model/events.ts';
import { isTty, shouldColor } from './color.ts';
import { JsonRenderer } from './json-renderer.ts';
import { PlainRenderer } from './plain-renderer.ts';
import { TreeRenderer } from './tree-renderer.ts';

export interface Renderer extends EventSink {
  /** Registers a secret value (a token read from a file); it prints as `********` from now on. */
  addSecret(value: string): void;
  /** Flushes everything still buffered; call once after the recap event. */
  close(): Promise<void>;
}

export type RendererKind = 'auto' | 'plain' | 'tree' | 'json';

export interface RendererOptions {
  out: NodeJS.WritableStream;
  /** -v count, 0..4. */
  verbosity: number;
  /** Color wanted; still off when NO_COLOR is set or `out` is not a terminal. */
  color: boolean;
  /** `--diff`: show diffs at any verbosity (-vv shows them anyway). */
  diff: boolean;
  /** `--profile`: list the slowest tasks after the recap. */
  profile: boolean;
  /** Environment read for NO_COLOR and CI; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Settings every text renderer shares, resolved once from RendererOptions. */
export interface ResolvedRendererOptions {
  out: NodeJS.WritableStream;
  verbosity: number;
  color: boolean;
  diff: boolean;
  profile: boolean;
}

/**
 * Creates the renderer for `--output`. `auto` picks the live listr2 tree when `out` is a terminal
 * and `CI` is not set, else the plain line renderer (pipes, CI logs, pods).
 */
export function createRenderer(kind: RendererKind, options: RendererOptions): Renderer {
  const env = options.env ?? process.env;
  const resolved: ResolvedRendererOptions = {
    out: options.out,
    verbosity: options.verbosity,
    color: shouldColor(options.color, options.out, env),
    diff: options.diff,
    profile: options.profile,
  };
  const chosen = kind === 'auto' ? (isTty(options.out) && env['CI'] === undefined ? 'tree' : 'plain') : kind;
  if (chosen === 'json') return new JsonRenderer(resolved);
  if (chosen === 'tree') return new TreeRenderer(resolved);
  return new PlainRenderer(resolved);
}
