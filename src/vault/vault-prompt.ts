/**
 * `--ask-vault-pass` and `--vault-id LABEL@prompt`: reads a password from the terminal without
 * echoing it. The question goes to stderr so that stdout (`--output json`) stays clean. Without a
 * terminal on stdin there is no one to ask: that is a UsageError naming the alternatives.
 */
import { UsageError } from '../errors.ts';

export interface PromptIO {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  output: NodeJS.WritableStream;
}

const ENTER = new Set(['\r', '\n']);
const BACKSPACE = new Set(['\x7f', '\b']);
const CTRL_C = '\x03';
const CTRL_D = '\x04';

/** Asks `question` and resolves with what was typed up to Enter (Ctrl-C or Ctrl-D on an empty line abort). */
export function promptHidden(question: string, io: PromptIO): Promise<string> {
  const { input, output } = io;
  if (input.isTTY !== true || typeof input.setRawMode !== 'function') {
    return Promise.reject(
      new UsageError(
        'cannot ask for the vault password: stdin is not a terminal;' +
          ' use --vault-password-file FILE or --vault-id LABEL@FILE instead',
      ),
    );
  }
  const setRawMode = input.setRawMode.bind(input);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error): void => {
      input.off('data', onData);
      setRawMode(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (ENTER.has(char)) return finish();
        if (char === CTRL_C) return finish(new UsageError('vault password prompt interrupted'));
        if (char === CTRL_D && typed === '')
          return finish(new UsageError('EOF (Ctrl-D) on the vault password prompt'));
        if (BACKSPACE.has(char)) typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    output.write(question);
    setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}
