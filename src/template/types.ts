/** Types shared by the template renderer and its helpers. */
import type { SourceLocation } from '../errors.ts';

/**
 * Where a template is rendered: named in error messages (`in task 'NAME' (file:line:col)`);
 * `baseDir` is the directory `lookup_file` resolves relative paths against (default: cwd).
 */
export interface RenderContext {
  task?: string;
  location?: SourceLocation;
  baseDir?: string;
}

/** What a helper sees besides its positional arguments. */
export interface HelperCall {
  /** `key=value` arguments (Handlebars hash arguments). */
  hash: Record<string, unknown>;
  where: RenderContext;
  env: NodeJS.ProcessEnv;
}

/** One helper: its implementation plus what the docs and argument checks need. */
export interface HelperSpec {
  fn(args: unknown[], call: HelperCall): unknown;
  /** Fewest positional arguments. */
  min: number;
  /** Most positional arguments; omitted means any number. */
  max?: number;
  /** One line for the docs. */
  summary: string;
  /** A template using it, for the docs. */
  example: string;
  /**
   * Whether an undefined variable may be passed (default, defined, and, or). Every other helper
   * gets an "undefined variable" error instead, as Ansible's filters do.
   */
  tolerant?: boolean;
}

export type HelperTable = Record<string, HelperSpec>;
