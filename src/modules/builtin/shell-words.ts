/**
 * Splits a command line into argv the way a POSIX shell would tokenize it (quotes and backslashes),
 * without running a shell: no globbing, variables, pipes or redirections.
 */

interface Scan {
  line: string;
  pos: number;
}

/**
 * `echo "a b" 'c d' e\ f` → `['echo', 'a b', 'c d', 'e f']`. Throws an Error naming the problem
 * for an unterminated quote or a trailing backslash.
 */
export function splitShellWords(line: string): string[] {
  const scan: Scan = { line, pos: 0 };
  const words: string[] = [];
  for (;;) {
    while (scan.pos < line.length && /\s/.test(line[scan.pos] ?? '')) scan.pos++;
    if (scan.pos >= line.length) return words;
    words.push(readWord(scan));
  }
}

function readWord(scan: Scan): string {
  let word = '';
  while (scan.pos < scan.line.length) {
    const ch = scan.line[scan.pos] ?? '';
    if (/\s/.test(ch)) break;
    scan.pos++;
    if (ch === "'") word += readSingleQuoted(scan);
    else if (ch === '"') word += readDoubleQuoted(scan);
    else if (ch === '\\') word += readEscaped(scan);
    else word += ch;
  }
  return word;
}

function readSingleQuoted(scan: Scan): string {
  const end = scan.line.indexOf("'", scan.pos);
  if (end < 0) throw new Error('unterminated single quote in command line');
  const text = scan.line.slice(scan.pos, end);
  scan.pos = end + 1;
  return text;
}

function readDoubleQuoted(scan: Scan): string {
  let text = '';
  while (scan.pos < scan.line.length) {
    const ch = scan.line[scan.pos++] ?? '';
    if (ch === '"') return text;
    const next = scan.line[scan.pos] ?? '';
    if (ch === '\\' && next !== '' && '"\\$`\n'.includes(next)) {
      text += next;
      scan.pos++;
    } else text += ch;
  }
  throw new Error('unterminated double quote in command line');
}

function readEscaped(scan: Scan): string {
  if (scan.pos >= scan.line.length) throw new Error('command line ends with a backslash');
  const next = scan.line[scan.pos++] ?? '';
  return next === '\n' ? '' : next;
}
