/**
 * Prints the expression tree as mcsync Handlebars: `name args` inside `{{ }}`, `(name args)` as
 * an argument. A Jinja2 `a if c else b` or `a ~ b` becomes `{{#if}}` blocks or plain text around
 * `{{ }}` when it is the whole mustache, and `add`/`string` when nested.
 */
import { call, Untranslatable } from './jinja-ast.ts';
import type { Expr } from './jinja-ast.ts';

/** Whitespace control around a mustache: Jinja2's `{{-`/`-}}` are Handlebars' `{{~`/`~}}`. */
export interface Trim {
  open: boolean;
  close: boolean;
}

const NO_TRIM: Trim = { open: false, close: false };

/** The expression as a helper argument: `x`, `'a'` or `(eq x 'a')`. */
export function argument(expr: Expr): string {
  if (expr.t === 'path') return expr.path;
  if (expr.t === 'lit') return expr.hb;
  if (expr.t === 'concat') return `(${inner(concatCall(expr.parts))})`;
  if (expr.t === 'ifelse')
    throw new Untranslatable(
      'an inline if has no helper form; put {{#if c}}a{{else}}b{{/if}} around the value',
    );
  return `(${inner(expr)})`;
}

/** The expression inside `{{ }}`: `eq x 'a'`. */
export function inner(expr: Expr): string {
  if (expr.t !== 'call') return argument(expr);
  const hash = expr.hash.map(([key, value]) => `${key}=${argument(value)}`);
  return [expr.name, ...expr.args.map(argument), ...hash].join(' ');
}

/** `a ~ '-' ~ b` nested in a call: `add (string a) '-' (string b)`. */
function concatCall(parts: readonly Expr[]): Expr {
  return call(
    'add',
    parts.map((part) => (part.t === 'lit' && part.str !== undefined ? part : call('string', [part]))),
  );
}

function open(trim: Trim): string {
  return trim.open ? '{{~ ' : '{{ ';
}

function close(trim: Trim): string {
  return trim.close ? ' ~}}' : ' }}';
}

/** Text for a piece of a whole-mustache concat or if/else: a string literal prints as itself. */
function piece(expr: Expr): string {
  if (expr.t === 'lit' && expr.str !== undefined) return expr.str;
  return `{{ ${inner(expr)} }}`;
}

/** The whole mustache: `{{ upper x }}`, `{{ a }}-{{ b }}` or `{{#if c}}a{{else}}b{{/if}}`. */
export function mustache(expr: Expr, trim: Trim = NO_TRIM): string {
  if (expr.t === 'concat') return expr.parts.map(piece).join('');
  if (expr.t === 'ifelse') {
    const other = expr.else === undefined ? '' : `{{else}}${piece(expr.else)}`;
    return `{{#if ${argument(expr.cond)}}}${piece(expr.then)}${other}{{/if}}`;
  }
  return `${open(trim)}${inner(expr)}${close(trim)}`;
}
