/**
 * ANSI colors for the text renderers, in Ansible's palette (ok green, changed yellow, skipped cyan,
 * failed red). A Painter with colors off returns text unchanged, so callers never branch on it.
 */

export type ColorName = 'green' | 'yellow' | 'cyan' | 'red' | 'brightRed' | 'magenta' | 'gray' | 'bold';

const CODES: Record<ColorName, string> = {
  green: '0;32',
  yellow: '0;33',
  cyan: '0;36',
  red: '0;31',
  brightRed: '1;31',
  magenta: '1;35',
  gray: '1;30',
  bold: '1',
};

export type Painter = (text: string, color: ColorName) => string;

/** Returns a painter; with `enabled` false it is the identity. */
export function createPainter(enabled: boolean): Painter {
  if (!enabled) return (text) => text;
  return (text, color) => (text === '' ? text : `\u001b[${CODES[color]}m${text}\u001b[0m`);
}

/**
 * Whether output should be colored: asked for, the stream is a terminal and NO_COLOR is not set
 * (any value, even empty, turns color off).
 */
export function shouldColor(requested: boolean, out: NodeJS.WritableStream, env: NodeJS.ProcessEnv): boolean {
  if (!requested) return false;
  if (env['NO_COLOR'] !== undefined) return false;
  return isTty(out);
}

/** True when the stream is a terminal (a `tty.WriteStream` or a stream that says it is one). */
export function isTty(out: NodeJS.WritableStream): boolean {
  return (out as { isTTY?: boolean }).isTTY === true;
}
