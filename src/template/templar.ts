/**
 * The templar: renders task arguments and evaluates conditions with one host's variables.
 * Compiled templates are cached per templar, so rendering the same argument for many hosts and
 * loop items costs one compile.
 */
import { McsyncError, TemplateError } from '../errors.ts';
import type { Condition } from '../model/playbook.ts';
import { isData } from '../model/vars.ts';
import type { Vars } from '../model/vars.ts';
import { compileTemplate } from './compile.ts';
import type { CompiledTemplate } from './compile.ts';
import { createEnvironment } from './environment.ts';
import type { RenderState } from './environment.ts';
import { TemplateFailure, whereSuffix } from './failure.ts';
import type { RenderContext } from './types.ts';
import { describeValue, isPlainObject, setKey } from './values.ts';

export interface Templar {
  /**
   * Renders every string inside `value` (lists and mappings recursively, keys untouched, input
   * never mutated). A string that is exactly one `{{ … }}` keeps its value's type; a list or
   * mapping taken from a variable that way is the variable's own value, not a copy.
   */
  render(value: unknown, vars: Vars, where: RenderContext): unknown;
  /** True when every condition holds; a string may be `{{ expr }}` or a bare expression. */
  condition(cond: Condition | Condition[], vars: Vars, where: RenderContext): boolean;
  /** True when `value` contains `{{` anywhere (recursively). */
  isTemplate(value: unknown): boolean;
}

export interface TemplarOptions {
  /** Environment the `env` helper reads (default: process.env at call time). */
  env?: NodeJS.ProcessEnv;
}

/** More distinct templates than this and the cache starts over (it only saves compile time). */
const CACHE_LIMIT = 10_000;

const WORDS: Record<string, boolean> = { true: true, yes: true, false: false, no: false };

const PROTO_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

/** Creates a templar with its own isolated Handlebars environment and template cache. */
export function createTemplar(options: TemplarOptions = {}): Templar {
  const { hb, helpers } = createEnvironment(options.env ?? process.env);
  const cache = new Map<string, CompiledTemplate>();

  const compiled = (source: string): CompiledTemplate => {
    let template = cache.get(source);
    if (template === undefined) {
      template = compileTemplate(hb, source, helpers);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(source, template);
    }
    return template;
  };

  const renderString = (source: string, vars: Vars, where: RenderContext): unknown => {
    try {
      const template = compiled(source);
      if (template.simplePath) {
        const value = ownPath(vars, template.simplePath);
        if (value !== undefined) return value;
      }
      const state: RenderState = template.native ? { where, sink: { value: undefined } } : { where };
      const text = template.run(vars, { data: { mcsync: state }, ...PROTO_OPTIONS });
      return state.sink ? (state.sink.value ?? null) : text;
    } catch (error) {
      throw contextualize(error, where);
    }
  };

  const renderValue = (value: unknown, vars: Vars, where: RenderContext): unknown => {
    if (isData(value)) return value;
    if (typeof value === 'string') return value.includes('{{') ? renderString(value, vars, where) : value;
    if (Array.isArray(value)) return value.map((item) => renderValue(item, vars, where));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) setKey(out, key, renderValue(item, vars, where));
      return out;
    }
    return value;
  };

  const one = (cond: unknown, vars: Vars, where: RenderContext): boolean => {
    if (typeof cond === 'boolean') return cond;
    if (typeof cond !== 'string') {
      throw new TemplateError(
        `condition must be a string or boolean, got ${describeValue(cond)}${whereSuffix(where)}`,
      );
    }
    const template = conditionTemplate(cond);
    if (typeof template === 'boolean') return template;
    return conditionValue(renderString(template, vars, where), cond, where);
  };

  return {
    render: renderValue,
    condition: (cond, vars, where) =>
      Array.isArray(cond) ? cond.every((c) => one(c, vars, where)) : one(cond, vars, where),
    isTemplate,
  };
}

/**
 * The template a condition string renders as: a bare expression gets its braces (`eq x 'a'` →
 * `{{ eq x 'a' }}`); the words true/false/yes/no are their boolean. The loader compiles the same
 * template at load time, so both agree on what a condition means.
 */
export function conditionTemplate(cond: string): string | boolean {
  const text = cond.trim();
  const word = WORDS[text.toLowerCase()];
  if (word !== undefined) return word;
  return text.includes('{{') ? text : `{{ ${text} }}`;
}

/** A condition's rendered value as a boolean: booleans and true/false/yes/no words only. */
function conditionValue(value: unknown, cond: string, where: RenderContext): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = WORDS[value.trim().toLowerCase()];
    if (word !== undefined) return word;
  }
  throw new TemplateError(
    `condition '${cond}' must be true or false, got ${describeValue(value)}${whereSuffix(where)}; ` +
      'compare with (eq …) or convert with (bool …)',
  );
}

/** Adds the task and location to a render failure; anything unexpected becomes a TemplateError. */
function contextualize(error: unknown, where: RenderContext): TemplateError {
  const suffix = whereSuffix(where);
  if (error instanceof TemplateFailure) {
    return new TemplateError(`${error.message}${suffix}${error.hint}`, {
      key: error.key,
      cause: error.cause,
    });
  }
  if (error instanceof McsyncError)
    return new TemplateError(`${error.message}${suffix}`, { key: error.key, cause: error });
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new TemplateError(`template error: ${message}${suffix}`, { cause: error });
}

/** Follows own properties of mappings and lists only; undefined when any step is missing. */
function ownPath(vars: Vars, parts: string[]): unknown {
  let current: unknown = vars;
  for (const part of parts) {
    if (!(Array.isArray(current) || isPlainObject(current)) || !Object.hasOwn(current, part))
      return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** True when `value` holds `{{` in any string, at any depth, outside values marked as data. */
export function isTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (isData(value)) return false;
  if (Array.isArray(value)) return value.some(isTemplate);
  if (isPlainObject(value)) return Object.values(value).some(isTemplate);
  return false;
}
