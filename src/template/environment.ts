/**
 * The isolated Handlebars environment: mcsync's helpers with argument checks, the two private
 * helpers the compiled templates call, and nothing else (no partials, no `log`).
 */
import Handlebars from 'handlebars';
import { McsyncError, TemplateError } from '../errors.ts';
import { CALL_HELPER, OUT_HELPER, REQUIRE_HELPER } from './compile.ts';
import type { HelperInfo } from './compile.ts';
import { undefinedVariable } from './failure.ts';
import { BUILTIN_HELPERS, HELPERS } from './helpers/index.ts';
import type { HelperSpec, RenderContext } from './types.ts';
import { stringify } from './values.ts';

/** Per-render state, passed as Handlebars `data` so that one environment serves every render. */
export interface RenderState {
  where: RenderContext;
  /** Present for single-expression templates: receives the expression's native value. */
  sink?: { value: unknown };
}

interface Options {
  hash: Record<string, unknown>;
  data?: { mcsync?: RenderState };
}

function stateOf(options: Options): RenderState {
  return options.data?.mcsync ?? { where: {} };
}

function arityError(name: string, spec: HelperSpec, got: number): TemplateError {
  const { min, max } = spec;
  const expected = max === undefined ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
  const noun = max === 1 && min === 1 ? 'argument' : 'arguments';
  return new TemplateError(`${name}: expected ${expected} ${noun}, got ${got}`);
}

/**
 * The one Handlebars helper behind every mcsync helper: `(__mcsync_call 'name' args… options)`.
 * One registered helper instead of sixty keeps Handlebars' per-render helper setup cheap.
 */
function dispatcher(env: NodeJS.ProcessEnv): Handlebars.HelperDelegate {
  return (...raw: unknown[]): unknown => {
    const options = raw.pop() as Options;
    const name = raw.shift() as string;
    const spec = HELPERS[name];
    if (spec === undefined) throw new TemplateError(`unknown helper '${name}'`);
    if (raw.length < spec.min || (spec.max !== undefined && raw.length > spec.max))
      throw arityError(name, spec, raw.length);
    try {
      return spec.fn(raw, { hash: options.hash, where: stateOf(options).where, env });
    } catch (error) {
      if (error instanceof McsyncError) throw error;
      throw new TemplateError(`${name}: ${(error as Error).message}`, { cause: error });
    }
  };
}

/** `{{ expr }}`: stores the native value for single-expression templates, else prints it. */
function out(this: unknown, ...raw: unknown[]): unknown {
  const options = raw.pop() as Options;
  const [value, name] = raw;
  if (value === undefined && typeof name === 'string') throw undefinedVariable(name, this);
  const sink = stateOf(options).sink;
  if (sink) {
    sink.value = value;
    return '';
  }
  return stringify(value);
}

/** A variable passed to a strict helper must be defined. */
function requireDefined(this: unknown, value: unknown, name: unknown): unknown {
  if (value === undefined) throw undefinedVariable(String(name), this);
  return value;
}

export interface Environment {
  hb: typeof Handlebars;
  helpers: HelperInfo;
}

/** Builds an isolated Handlebars instance; `env` is what the `env` helper reads. */
export function createEnvironment(env: NodeJS.ProcessEnv): Environment {
  const hb = Handlebars.create();
  hb.unregisterHelper('log');
  hb.registerHelper(CALL_HELPER, dispatcher(env));
  hb.registerHelper(OUT_HELPER, out);
  hb.registerHelper(REQUIRE_HELPER, requireDefined);
  const names = new Set<string>([...Object.keys(HELPERS), 'lookup']);
  const tolerant = new Set(
    Object.entries(HELPERS)
      .filter(([, spec]) => spec.tolerant === true)
      .map(([name]) => name),
  );
  return { hb, helpers: { names, tolerant } };
}

/** Names a template may call, sorted: mcsync's helpers and Handlebars' block helpers and lookup. */
export function helperNames(): string[] {
  return [...Object.keys(HELPERS), ...BUILTIN_HELPERS].sort();
}
