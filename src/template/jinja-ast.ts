/**
 * The small expression tree the Jinja2 reader builds: already mcsync's Handlebars (helper calls,
 * paths, literals), plus the two Jinja2 forms that only a whole `{{ }}` can express as blocks.
 */
import { nearest } from '../shared/did-you-mean.ts';
import { HELPERS } from './helpers/index.ts';

/** A Handlebars expression being built. */
export type Expr =
  | { t: 'path'; path: string }
  /** A literal as Handlebars spells it; `str` is the value of a string literal. */
  | { t: 'lit'; hb: string; str?: string }
  | { t: 'call'; name: string; args: Expr[]; hash: [string, Expr][] }
  /** Jinja2's `a if c else b`: only a whole `{{ }}` can become `{{#if}}` blocks. */
  | { t: 'ifelse'; cond: Expr; then: Expr; else: Expr | undefined }
  /** Jinja2's `a ~ b`: text pieces. */
  | { t: 'concat'; parts: Expr[] };

/** Arguments of a Jinja2 call: positional and `name=value`. */
export interface CallArgs {
  args: Expr[];
  kwargs: [string, Expr][];
}

/** A Jinja2 construct with no Handlebars form; `advice` says what to do instead. */
export class Untranslatable extends Error {
  readonly advice: string;
  constructor(advice: string) {
    super(advice);
    this.advice = advice;
  }
}

export const call = (name: string, args: Expr[], hash: [string, Expr][] = []): Expr => ({
  t: 'call',
  name,
  args,
  hash,
});
export const lit = (hb: string): Expr => ({ t: 'lit', hb });
export const HELPER_NAMES: ReadonlySet<string> = new Set(Object.keys(HELPERS));

/** `; mcsync has no helper 'map'` plus the nearest helper, when there is one. */
export function noHelper(name: string, what = 'helper'): Untranslatable {
  const near = nearest(name, HELPER_NAMES);
  return new Untranslatable(
    `mcsync has no ${what} '${name}'${near === undefined ? '' : ` (the nearest helper is '${near}')`}`,
  );
}
