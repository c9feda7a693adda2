/**
 * Errors raised by the sandbox, classified by what the caller should do next:
 * install something (PrerequisiteError), fix the command line (SandboxUsageError)
 * or read the logs the message points to (SandboxError).
 */
export class SandboxError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SandboxError';
  }
}

/** A tool the sandbox needs is not installed; the message names the Debian packages. */
export class PrerequisiteError extends SandboxError {
  readonly missing: readonly string[];
  constructor(message: string, missing: readonly string[]) {
    super(message);
    this.name = 'PrerequisiteError';
    this.missing = missing;
  }
}

/** The user asked for something that cannot exist (unknown cluster, no sandbox in DIR). */
export class SandboxUsageError extends SandboxError {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxUsageError';
  }
}
