/**
 * POSIX shell-style word splitting as Python's `shlex.split(line, comments=True)` does it, which
 * is how Ansible's INI plugin splits host lines: quotes group words and are removed, a backslash
 * escapes the next character, and `#` (even inside a word) starts a comment.
 */
import { LoadError } from '../errors.ts';

/** Splits one line into words; an unclosed quote is a LoadError (callers add the location). */
export function shlexSplit(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (ch === '#') break;
    inWord = true;
    if (ch === '"' || ch === "'") {
      const quoted = readQuoted(line, i);
      word += quoted.text;
      i = quoted.end;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new LoadError('no character after the escape character \\');
      word += line[++i];
    } else word += ch;
  }
  if (inWord) words.push(word);
  return words;
}

/** Reads a quoted part starting at `start`; returns its text and the index of the closing quote. */
function readQuoted(line: string, start: number): { text: string; end: number } {
  const quote = line[start];
  let text = '';
  for (let i = start + 1; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === quote) return { text, end: i };
    if (quote === '"' && ch === '\\' && '\\"$`\n'.includes(line[i + 1] ?? 'x')) text += line[++i];
    else text += ch;
  }
  throw new LoadError(`no closing quotation (${quote})`);
}
