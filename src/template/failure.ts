/**
 * Errors raised while rendering, before the renderer adds the task and location, plus the hints
 * that make them actionable (nearest variable name, the Handlebars spelling of a Jinja2 idiom).
 */
import { nearest } from '../shared/did-you-mean.ts';
import { formatLocation, TemplateError } from '../errors.ts';
import { findJinja, jinjaMessage } from './jinja.ts';
import type { RenderContext } from './types.ts';
import { isPlainObject, typeName } from './values.ts';

/** A render failure whose message gets ` in task 'T' (file:line:col)` before its hint. */
export class TemplateFailure extends TemplateError {
  readonly hint: string;
  constructor(message: string, options: { hint?: string; key?: string; cause?: unknown } = {}) {
    super(message, { key: options.key, cause: options.cause });
    this.hint = options.hint ?? '';
  }
}

/** ` in task 'NAME' (file:line:col)`, or less when `where` does not say. */
export function whereSuffix(where: RenderContext): string {
  const task = where.task ? ` in task '${where.task}'` : '';
  const loc = where.location ? ` (${formatLocation(where.location)})` : '';
  return `${task}${loc}`;
}

/** Path segments of a Handlebars path as written: `a.b.[my-key]`, `a/b`, `results.0`. */
function segments(path: string): string[] {
  return path
    .split(/[./]/)
    .filter((s) => s !== '')
    .map((s) => s.replace(/^\[(.*)\]$/, '$1'));
}

/** Why `path` is undefined in `context`: the nearest key at the first segment that is missing. */
function explainMissing(path: string, context: unknown): string {
  if (/^(this|@|\.\.)/.test(path)) return '';
  const parts = segments(path);
  let current: unknown = context;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const container = current as Record<string, unknown>;
    const present = (isPlainObject(current) || Array.isArray(current)) && Object.hasOwn(container, part);
    if (!present) {
      const where =
        i === 0 ? '' : `'${parts.slice(0, i).join('.')}' is a ${typeName(current)} without '${part}'`;
      const candidates = isPlainObject(current) ? Object.keys(current) : [];
      const match = nearest(part, candidates);
      const suggestion =
        match === undefined ? '' : `did you mean '${[...parts.slice(0, i), match].join('.')}'?`;
      return [where, suggestion].filter((s) => s !== '').join('; ');
    }
    current = container[part];
  }
  return '';
}

/** The error for an undefined variable; `context` is where Handlebars looked it up. */
export function undefinedVariable(path: string, context: unknown): TemplateFailure {
  const why = explainMissing(path, context);
  return new TemplateFailure(`undefined variable '${path}'`, {
    key: path,
    hint: why === '' ? '' : `; ${why}`,
  });
}

const JINJA_HINTS: [RegExp, string][] = [
  [
    /\{%/,
    'Jinja2 statements ({% %}) are not supported; use {{#if x}}...{{/if}} and {{#each list}}...{{/each}}',
  ],
  [/\bis\s+(not\s+)?defined\b/, "write (defined x) instead of 'x is defined'"],
  [
    /\|\s*[A-Za-z_]/,
    "Jinja2 filters are not supported; put the helper first: {{ default x 'y' }} for {{ x | default('y') }}",
  ],
  [/==|!=|<=|>=|[^{]<[^{]|[^}]>[^}]/, 'comparisons are helpers: (eq a b), (ne a b), (lt a b), (gte a b)'],
  [/[\w\]]\[\s*['"\d]/, 'index with dots: item.name, results.0, or item.[my-key] for keys with dashes'],
  [/\w\(/, 'call helpers without parentheses after the name: (upper name), not upper(name)'],
];

/**
 * A hint when a template looks like Jinja2 rather than Handlebars: the exact Handlebars form when
 * the Jinja2 reader recognises it (as the load-time check shows), else a general one. Templates
 * the loader never sees (inventory and vars_files values, extra vars) get the same help at run time.
 */
export function jinjaHint(source: string): string {
  const findings = findJinja(source);
  if (findings.length > 0) return `; ${jinjaMessage(findings)}`;
  for (const [pattern, hint] of JINJA_HINTS) {
    if (pattern.test(source)) return `; ${hint} (see docs/templates.md)`;
  }
  return '';
}
