/**
 * Jinja2 statements (`{% if %}`, `{% for %}`, …) and the Handlebars block each one becomes. The
 * statements of one string are read in order with a stack, so `{% endif %}` closes what its
 * `{% if %}` opened (`{{/if}}`, or `{{/unless}}` for `{% if not x %}`).
 */
import { Untranslatable } from './jinja-ast.ts';
import type { Expr } from './jinja-ast.ts';
import { parseJinja } from './jinja-expression.ts';
import { tokenize } from './jinja-lexer.ts';
import { argument } from './jinja-print.ts';
import type { Trim } from './jinja-print.ts';

/** Statement keywords of Jinja2; `{% word %}` with any other word is left alone. */
const KEYWORDS = new Set([
  'if',
  'elif',
  'else',
  'endif',
  'for',
  'endfor',
  'set',
  'endset',
  'raw',
  'endraw',
  'macro',
  'endmacro',
  'call',
  'endcall',
  'filter',
  'endfilter',
  'with',
  'endwith',
  'block',
  'endblock',
  'include',
  'import',
  'from',
  'extends',
  'break',
  'continue',
  'do',
]);

const ADVICE: Record<string, string> = {
  set: "{% set %} has no Handlebars form; set the variable in 'vars:' or with set_fact",
  raw: 'Handlebars keeps text as written without {% raw %}: a backslash before {{ (\\{{) leaves it as text',
};

function expression(text: string): Expr {
  const tokens = tokenize(text);
  if (tokens === undefined || tokens.length === 0)
    throw new Untranslatable('the condition does not read as Jinja2');
  return parseJinja(tokens);
}

function wrap(body: string, trim: Trim): string {
  return `${trim.open ? '{{~' : '{{'}${body}${trim.close ? '~}}' : '}}'}`;
}

function openIf(body: string, trim: Trim, stack: string[]): string {
  const condition = expression(body);
  if (
    condition.t === 'call' &&
    condition.name === 'not' &&
    condition.args.length === 1 &&
    condition.args[0]
  ) {
    stack.push('unless');
    return wrap(`#unless ${argument(condition.args[0])}`, trim);
  }
  stack.push('if');
  return wrap(`#if ${argument(condition)}`, trim);
}

/** `{% for u in users %}` → `{{#each users as |u|}}`; `k, v in d.items()` → `as |v k|`. */
function openFor(body: string, trim: Trim, stack: string[]): string {
  const match = /^(\w+)(?:\s*,\s*(\w+))?\s+in\s+([\s\S]+)$/.exec(body);
  if (!match) throw new Untranslatable('write the loop as {{#each list as |item|}}…{{/each}}');
  const [, first = '', second, source = ''] = match;
  let list = expression(source);
  if (second !== undefined) {
    if (list.t !== 'call' || list.name !== 'dict2items' || list.args[0] === undefined)
      throw new Untranslatable('loop over a mapping with {{#each map as |value key|}}…{{/each}}');
    list = list.args[0];
  }
  stack.push('each');
  const params = second === undefined ? first : `${second} ${first}`;
  return wrap(`#each ${argument(list)} as |${params}|`, trim);
}

/**
 * The Handlebars form of `{% keyword body %}`: a suggestion, advice when it has none, or
 * undefined when the keyword is not Jinja2's (the text is then not a statement at all).
 */
export function statementSuggestion(
  keyword: string,
  body: string,
  trim: Trim,
  stack: string[],
): { suggestion?: string; advice?: string } | undefined {
  if (!KEYWORDS.has(keyword)) return undefined;
  try {
    switch (keyword) {
      case 'if':
        return { suggestion: openIf(body, trim, stack) };
      case 'elif':
        return { suggestion: wrap(`else if ${argument(expression(body))}`, trim) };
      case 'else':
        return { suggestion: wrap('else', trim) };
      case 'endif':
      case 'endfor':
        return { suggestion: wrap(`/${stack.pop() ?? (keyword === 'endif' ? 'if' : 'each')}`, trim) };
      case 'for':
        return { suggestion: openFor(body, trim, stack) };
      default:
        return { advice: ADVICE[keyword.replace(/^end/, '')] ?? `{% ${keyword} %} has no Handlebars form` };
    }
  } catch (error) {
    if (error instanceof Untranslatable) return { advice: error.advice };
    return { advice: "write the condition with helpers: {{#if (eq x 'a')}}" };
  }
}
