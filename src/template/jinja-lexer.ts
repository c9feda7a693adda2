/**
 * Tokens of the text inside `{{ … }}` (or of a bare condition), read so that both a Handlebars
 * expression and a Jinja2 one come out sensibly. Paths follow Handlebars (`item.[my-key]`,
 * `../x`, `@index`, `my-var`), so valid Handlebars never splits into something that looks like
 * a Jinja2 operator; only what is left over (`|`, `==`, `and` between operands…) marks Jinja2.
 */

export type TokenKind = 'name' | 'str' | 'num' | 'op';

export interface Token {
  kind: TokenKind;
  /** The text as written (strings keep their quotes). */
  text: string;
  /** Whether whitespace comes right before the token (`f(x)` is a call, `f (x)` is not). */
  space: boolean;
}

/** A path segment: a word (dashes allowed, as Handlebars does), a number or a `[literal]`. */
const SEGMENT = String.raw`(?:[A-Za-z_$][\w$-]*|\d+|\[[^\]]*\])`;
const NAME = new RegExp(
  String.raw`^(?:(?:\.\.\/)+|@)?(?:[A-Za-z_$][\w$-]*|\[[^\]'",\s]+\])(?:[./]${SEGMENT})*`,
);
const THIS = /^\.(?=\s|$|\))/;
const NUMBER = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const STRING = /^(?:'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")/s;
const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '//',
  '**',
  '<',
  '>',
  '|',
  '(',
  ')',
  '[',
  ']',
  ',',
  '~',
  '+',
  '-',
  '*',
  '/',
  '%',
  '.',
  ':',
  '=',
  '{',
  '}',
];

/** A number, signed when the minus cannot be an operator (`add x -1`, but `x - 1`). */
function numberAt(text: string, space: boolean, previous: Token | undefined): Token | undefined {
  const sign = /^-\d/.test(text) && (space || previous === undefined);
  const number = NUMBER.exec(sign ? text.slice(1) : text);
  return number ? { kind: 'num', text: sign ? `-${number[0]}` : number[0], space } : undefined;
}

/** `x[0]`, `f(x)[0]`, `a[1][2]`: a `[` right after an operand is Jinja2's subscript, not a path. */
function isSubscript(text: string, space: boolean, previous: Token | undefined): boolean {
  if (space || !text.startsWith('[') || previous === undefined) return false;
  return previous.kind === 'name' || previous.text === ')' || previous.text === ']';
}

function matchAt(text: string, space: boolean, previous: Token | undefined): Token | undefined {
  const string = STRING.exec(text);
  if (string) return { kind: 'str', text: string[0], space };
  const number = numberAt(text, space, previous);
  if (number) return number;
  const name = isSubscript(text, space, previous) ? undefined : (NAME.exec(text) ?? THIS.exec(text));
  if (name) return { kind: 'name', text: name[0].replace(/-+$/, '') || name[0], space };
  const op = OPERATORS.find((candidate) => text.startsWith(candidate));
  return op === undefined ? undefined : { kind: 'op', text: op, space };
}

/** The tokens of `text`, or undefined when it holds a character neither language uses there. */
export function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let rest = text;
  let space = true;
  while (rest.length > 0) {
    const blank = /^\s+/.exec(rest);
    if (blank) {
      rest = rest.slice(blank[0].length);
      space = true;
      continue;
    }
    const token = matchAt(rest, space, tokens[tokens.length - 1]);
    if (token === undefined) return undefined;
    tokens.push(token);
    rest = rest.slice(token.text.length);
    space = false;
  }
  return tokens;
}

/** The value of a Python/Jinja2 string literal (`'a\'b'` → `a'b`; unknown escapes stay as written). */
export function stringValue(literal: string): string {
  const body = literal.slice(1, -1);
  const escapes: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' };
  return body.replace(/\\(.)/gs, (whole, char: string) => escapes[char] ?? whole);
}

/** A Handlebars string literal for `value`, in the quotes the user wrote when that works. */
export function handlebarsString(value: string, preferred: "'" | '"' = "'"): string {
  const quote =
    value.includes(preferred) && !value.includes(preferred === "'" ? '"' : "'")
      ? preferred === "'"
        ? '"'
        : "'"
      : preferred;
  return `${quote}${value.replaceAll(quote, `\\${quote}`)}${quote}`;
}
