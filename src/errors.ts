/**
 * Errors classified by what should happen next. One top-level handler in the CLI maps each class
 * to an exit code and prints only the message (the stack only at -vvv).
 */

/** A place in a source file, 1-based as editors show it. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Formats a location as `file:line:column`. */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

export interface McsyncErrorOptions {
  location?: SourceLocation;
  /** The YAML key (or dotted path) the error is about. */
  key?: string;
  cause?: unknown;
}

/** Base class: carries an optional source location and the key it concerns. */
export class McsyncError extends Error {
  readonly location: SourceLocation | undefined;
  readonly key: string | undefined;

  constructor(message: string, options: McsyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.location = options.location;
    this.key = options.key;
  }

  /** The message as users see it: `file:line:col: message`. */
  describe(): string {
    return this.location ? `${formatLocation(this.location)}: ${this.message}` : this.message;
  }
}

/** Bad input in a file (playbook, role, vars, inventory): exit 4, nothing runs. */
export class LoadError extends McsyncError {}

/** Several load errors found in one pass; each is printed. Exit 4. */
export class LoadErrors extends McsyncError {
  readonly errors: readonly LoadError[];
  constructor(errors: readonly LoadError[]) {
    super(errors.map((e) => e.describe()).join('\n'));
    this.errors = errors;
  }
  override describe(): string {
    return this.message;
  }
}

/** A bad command-line option or argument: exit 5. */
export class UsageError extends McsyncError {}

/** A template that cannot be rendered (undefined variable, helper error) at run time. */
export class TemplateError extends McsyncError {}

/** A host cannot be reached at all (connection refused, DNS, TLS, timeout). */
export class UnreachableError extends McsyncError {}

/** A failure worth retrying (409 conflicts, 429, 5xx, transient network errors). */
export class RetryableError extends McsyncError {}

/** Returns the message of anything thrown, without its stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof McsyncError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
