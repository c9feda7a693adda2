/**
 * Recognises Jinja2 (Ansible's template language) in a template or condition and says how to
 * write it in mcsync's Handlebars, so a playbook brought over from Ansible is refused at load
 * time with the exact fix instead of failing half-way through a run.
 *
 * Precise on purpose: valid Handlebars is never reported. Inside `{{ }}` only what Handlebars
 * cannot mean is Jinja2: a `|` that is not a block parameter (`as |item|`), comparison and
 * arithmetic operators, `and`/`or`/`in`/`is`/`if` after the first word, `f(x)` and `x[0]`,
 * `True`/`None`, and `{{-`/`-}}`. Outside it, `{% keyword … %}` statements and `{# … #}` comments.
 * A bare condition (`when: x == 'a'`) is read as the inside of one `{{ }}`.
 */
import { Untranslatable } from './jinja-ast.ts';
import { parseJinja } from './jinja-expression.ts';
import { tokenize } from './jinja-lexer.ts';
import type { Token } from './jinja-lexer.ts';
import { argument, mustache } from './jinja-print.ts';
import type { Trim } from './jinja-print.ts';
import { statementSuggestion } from './jinja-statements.ts';

export interface JinjaFinding {
  kind: 'expression' | 'statement' | 'comment';
  /** The Jinja2 as written. */
  written: string;
  /** The Handlebars to write instead, when there is a direct form. */
  suggestion?: string;
  /** What to do instead, when there is none. */
  advice?: string;
}

/** What the finding says when the expression does not even read as Jinja2. */
const GENERIC = "put the helper first and its arguments after it: {{ upper name }}, {{ eq x 'a' }}";

const INFIX_WORDS = new Set(['and', 'or', 'in', 'is', 'if', 'else']);
const PYTHON_LITERALS = new Set(['True', 'False', 'None']);
const NEUTRAL_OPERATORS = new Set(['(', ')', '=']);

/** True when the tokens hold something only Jinja2 means (see the module comment). */
export function looksLikeJinja(tokens: readonly Token[]): boolean {
  return tokens.some((token, index) => {
    const previous = tokens[index - 1];
    if (token.kind === 'name') {
      const groupStart = previous === undefined || previous.text === '(';
      return (INFIX_WORDS.has(token.text) && !groupStart) || PYTHON_LITERALS.has(token.text);
    }
    if (token.kind !== 'op') return false;
    if (token.text === '(') return !token.space && previous?.kind === 'name';
    return !NEUTRAL_OPERATORS.has(token.text);
  });
}

/** Translates the inside of a mustache into a finding's suggestion or advice. */
function translate(
  tokens: readonly Token[],
  print: (tokens: readonly Token[]) => string,
): Pick<JinjaFinding, 'suggestion' | 'advice'> {
  try {
    return { suggestion: print(tokens) };
  } catch (error) {
    return { advice: error instanceof Untranslatable ? error.advice : GENERIC };
  }
}

/** `users as |u|` → the tokens before `as` and the block parameters. */
function splitBlockParams(tokens: readonly Token[]): { params: readonly Token[]; blockParams: string } {
  const as = tokens.findIndex((t, i) => t.text === 'as' && tokens[i + 1]?.text === '|');
  if (as < 0) return { params: tokens, blockParams: '' };
  const names = tokens
    .slice(as + 2)
    .filter((t) => t.kind === 'name')
    .map((t) => t.text);
  return { params: tokens.slice(0, as), blockParams: ` as |${names.join(' ')}|` };
}

/** A finding for one `{{ … }}` (its inside without the braces), or undefined when it is Handlebars. */
function checkMustache(written: string, content: string): JinjaFinding | undefined {
  const trim: Trim = { open: /^-(?=[\s\w'"(@.[])/.test(content), close: /\s-$/.test(content) };
  const body = content
    .slice(trim.open ? 1 : 0, trim.close ? -1 : undefined)
    .replace(/^[~{&]|[~}]$/g, '')
    .trim();
  if (/^[!/^>]/.test(body) || body === 'else' || body === '') return undefined;
  const block = /^(#\s*\w+|else\s+(?:if|unless))\s+([\s\S]*)$/.exec(body);
  const tokens = tokenize(block ? (block[2] ?? '') : body);
  if (tokens === undefined) return undefined;
  if (block) {
    const { params, blockParams } = splitBlockParams(tokens);
    if (!looksLikeJinja(params)) return undefined;
    const head = (block[1] ?? '').replace(/\s+/g, ' ');
    const print = (t: readonly Token[]): string => `{{${head} ${argument(parseJinja(t))}${blockParams}}}`;
    return { kind: 'expression', written, ...translate(params, print) };
  }
  if (!looksLikeJinja(tokens) && !trim.open && !trim.close) return undefined;
  return { kind: 'expression', written, ...translate(tokens, (t) => mustache(parseJinja(t), trim)) };
}

interface Located {
  at: number;
  finding: JinjaFinding;
}

/** Every `{{ … }}` of a template (not `\{{`, not inside `{{!-- --}}` comments). */
function mustacheFindings(source: string): Located[] {
  const found: Located[] = [];
  const pattern = /\{\{!--[\s\S]*?--\}\}|(\\)?\{\{([\s\S]*?)\}\}(\})?/g;
  for (const match of source.matchAll(pattern)) {
    if (match[2] === undefined || match[1] !== undefined) continue;
    const finding = checkMustache(match[0], match[2]);
    if (finding) found.push({ at: match.index, finding });
  }
  return found;
}

const STATEMENT = /\{%(-?)\s*([a-z]+)\b([\s\S]*?)(-?)%\}/g;
const COMMENT = /(?<![{$])\{#([\s\S]*?)#\}/g;

/** `{% … %}` statements and `{# … #}` comments, each with its Handlebars form. */
function blockFindings(source: string): Located[] {
  const found: Located[] = [];
  const stack: string[] = [];
  for (const match of source.matchAll(STATEMENT)) {
    const trim: Trim = { open: match[1] === '-', close: match[4] === '-' };
    const result = statementSuggestion(match[2] ?? '', (match[3] ?? '').trim(), trim, stack);
    if (result === undefined) continue;
    found.push({ at: match.index, finding: { kind: 'statement', written: match[0], ...result } });
  }
  for (const match of source.matchAll(COMMENT)) {
    const suggestion = `{{!-- ${(match[1] ?? '').trim()} --}}`;
    found.push({ at: match.index, finding: { kind: 'comment', written: match[0], suggestion } });
  }
  return found;
}

/** A condition written without braces: `x == 'a'`, or `{{ x }} == 'a'` (braces around a part). */
function conditionFinding(source: string): JinjaFinding | undefined {
  const text = source.trim();
  const outside = text.replace(/\{\{[\s\S]*?\}\}/g, '').trim();
  if (text.includes('{{') && outside === '') return undefined;
  const bare = text.replace(/\{\{-?~?([\s\S]*?)~?-?\}\}/g, '($1)');
  const tokens = tokenize(bare);
  if (tokens === undefined || !looksLikeJinja(tokens)) return undefined;
  return { kind: 'expression', written: text, ...translate(tokens, (t) => mustache(parseJinja(t))) };
}

/**
 * The Jinja2 in `source`, in the order written; empty when there is none. With `condition`, a
 * string without `{{` is read as an expression, as `when:` does.
 */
export function findJinja(source: string, options: { condition?: boolean } = {}): JinjaFinding[] {
  if (options.condition && !/\{%|\{#/.test(source)) {
    const finding = conditionFinding(source);
    if (finding) return [finding];
  }
  if (!/\{\{|\{%|\{#/.test(source)) return [];
  return [...mustacheFindings(source), ...blockFindings(source)]
    .sort((a, b) => a.at - b.at)
    .map((item) => item.finding);
}

const SEE = '(see "Coming from Jinja2" in docs/templates.md)';

/** One message for the findings of one string: the Handlebars form of each, or what to do. */
export function jinjaMessage(findings: readonly JinjaFinding[]): string {
  const shown = findings.map((f) => ({ ...f, written: f.written.replace(/\s*\n\s*/g, ' ') }));
  const [only] = shown;
  if (shown.length === 1 && only !== undefined) {
    const head = `Jinja2 ${only.kind} "${only.written}" is not mcsync's template syntax`;
    return only.suggestion === undefined
      ? `${head}; ${only.advice ?? GENERIC} ${SEE}`
      : `${head}; write it as ${only.suggestion}`;
  }
  const parts = shown.map((f) =>
    f.suggestion === undefined
      ? `"${f.written}": ${f.advice ?? GENERIC}`
      : `"${f.written}" as ${f.suggestion}`,
  );
  const advice = findings.some((f) => f.suggestion === undefined) ? ` ${SEE}` : '';
  return `Jinja2 syntax is not mcsync's template syntax; write ${parts.join(', ')}${advice}`;
}
