/**
 * Turns template source into a Handlebars AST that mcsync can trust, then compiles it.
 *
 * Every `{{ expr }}` becomes `{{__mcsync_out expr 'expr'}}` so that one helper decides how values
 * print (YAML-like scalars, JSON objects), captures the native value of a single-expression
 * template, and reports undefined variables by name. Every variable passed to a helper is wrapped
 * the same way (`(__mcsync_req path 'path')`) unless the helper is tolerant (`default`, `defined`,
 * `and`, `or`). Handlebars' own `strict` mode is not used: it throws a TypeError instead of
 * passing undefined when a helper argument such as `default foo.bar 'x'` misses a parent (`foo`).
 */
import type Handlebars from 'handlebars';
import { didYouMean } from '../shared/did-you-mean.ts';
import { jinjaHint, TemplateFailure } from './failure.ts';

type Program = hbs.AST.Program;
type Statement = hbs.AST.Statement;
type Expression = hbs.AST.Expression;
type PathExpression = hbs.AST.PathExpression;
type SubExpression = hbs.AST.SubExpression;
type MustacheStatement = hbs.AST.MustacheStatement;
type BlockStatement = hbs.AST.BlockStatement;
type Hash = hbs.AST.Hash;
type Location = hbs.AST.SourceLocation;

/** Private helper names; not listed, not meant to be called by users. */
export const OUT_HELPER = '__mcsync_out';
export const REQUIRE_HELPER = '__mcsync_req';
/** `(__mcsync_call 'name' args…)` dispatches to mcsync's helper table (see environment.ts). */
export const CALL_HELPER = '__mcsync_call';

/** Handlebars block helpers mcsync allows, and whether their arguments may be undefined. */
const BLOCKS: Record<string, boolean> = { if: true, unless: true, each: false, with: false };

export interface HelperInfo {
  /** Every helper a template may call (mcsync's plus Handlebars' `lookup`). */
  names: ReadonlySet<string>;
  /** Helpers that accept undefined arguments. */
  tolerant: ReadonlySet<string>;
}

export interface CompiledTemplate {
  /** True when the template is exactly one `{{ … }}`: its value keeps its type. */
  native: boolean;
  /** For `{{ a.b.c }}` alone: the path, which the renderer may resolve without Handlebars. */
  simplePath?: string[];
  run: Handlebars.TemplateDelegate;
}

// Node builders: the AST is plain data, so building it by hand is what Handlebars' own tools do.
const str = (value: string, loc: Location): Expression =>
  ({ type: 'StringLiteral', value, original: value, loc }) as hbs.AST.StringLiteral;
const pathTo = (name: string, loc: Location): PathExpression => ({
  type: 'PathExpression',
  data: false,
  depth: 0,
  parts: [name],
  original: name,
  loc,
});
const call = (name: string, params: Expression[], loc: Location, hash?: Hash): SubExpression =>
  ({ type: 'SubExpression', path: pathTo(name, loc), params, hash, loc }) as SubExpression;

function isPath(node: hbs.AST.Node): node is PathExpression {
  return node.type === 'PathExpression';
}

const TOKENS: Record<string, string> = {
  EOF: 'end of template (an unclosed {{ or block?)',
  INVALID: 'character',
  EQUALS: "'='",
  CLOSE_BLOCK_PARAMS: "'|'",
  OPEN_BLOCK_PARAMS: "'as |'",
  CLOSE: "'}}'",
};

/** Handlebars' multi-line parse error as one line: `parse error on line 1: unexpected '=' after '{{ x'`. */
function parseProblem(message: string): string {
  const [head = message, excerpt = '', caret = ''] = message.split('\n');
  const got = /got '(\w+)'/.exec(message)?.[1];
  if (got === undefined) return head.replace(/:$/, '');
  const before = excerpt.slice(0, Math.max(0, caret.indexOf('^'))).trim();
  const token = TOKENS[got] ?? `'${got}'`;
  return `${head.replace(/:$/, '').replace(/^Parse/, 'parse')}: unexpected ${token}${before ? ` after '${before}'` : ''}`;
}

/**
 * `item.1` → `item.[1]` inside `{{ … }}`: Handlebars lexes a trailing `.1` as a number, so Ansible's
 * `item.1` (with_subelements) and `results.0` would not parse. Quoted strings and number literals
 * (`1.5`) are left alone.
 */
export function bracketIndexes(source: string): string {
  return source.replace(/\{\{[^}]*\}\}/g, (mustache) =>
    mustache
      .split(/('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")/)
      .map((part, i) =>
        i % 2 === 1
          ? part
          : part.replace(
              /(^|[\s(=~{])([A-Za-z_@$.[][^\s(){}=~|]*)/g,
              (_, lead: string, token: string) => `${lead}${token.replace(/\.(\d+)(?=\.|$)/g, '.[$1]')}`,
            ),
      )
      .join(''),
  );
}

/** How a path reads in messages: `item.[1]` as the user wrote it, `item.1`. */
function displayPath(original: string): string {
  return original.replace(/\.\[(\d+)\]/g, '.$1');
}

/** Compiles template text; throws TemplateFailure for syntax errors and unknown helpers. */
export function compileTemplate(
  hb: typeof Handlebars,
  source: string,
  helpers: HelperInfo,
): CompiledTemplate {
  let program: Program;
  try {
    program = hb.parse(/\.\d/.test(source) ? bracketIndexes(source) : source);
  } catch (error) {
    throw new TemplateFailure(`invalid template '${source}': ${parseProblem((error as Error).message)}`, {
      hint: jinjaHint(source),
      cause: error,
    });
  }
  const significant = program.body.filter(
    (s) =>
      s.type !== 'CommentStatement' &&
      !(s.type === 'ContentStatement' && (s as hbs.AST.ContentStatement).value.trim() === ''),
  );
  const first = significant[0];
  const single =
    significant.length === 1 && first?.type === 'MustacheStatement'
      ? (first as MustacheStatement)
      : undefined;
  const simplePath = single ? plainPath(single) : undefined;
  new Transformer(helpers, source).program(program);
  const known = { [OUT_HELPER]: true, [REQUIRE_HELPER]: true, [CALL_HELPER]: true, lookup: true };
  const run = hb.compile(program, {
    noEscape: true,
    strict: false,
    knownHelpers: known,
    knownHelpersOnly: true,
  });
  return { native: single !== undefined, run, ...(simplePath ? { simplePath } : {}) };
}

/** The parts of `{{ a.b.0 }}` (no helper, no `this`, `../` or `@data`), else undefined. */
function plainPath(node: MustacheStatement): string[] | undefined {
  const path = node.path as hbs.AST.Node;
  if (!isPath(path) || node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) return undefined;
  if (path.data || path.depth > 0 || path.parts.length === 0 || /^(this\b|\.)/.test(path.original))
    return undefined;
  return [...path.parts];
}

/** Rewrites a parsed program in place (see the module comment). */
class Transformer {
  readonly #helpers: HelperInfo;
  readonly #source: string;

  constructor(helpers: HelperInfo, source: string) {
    this.#helpers = helpers;
    this.#source = source;
  }

  program(program: Program | undefined): void {
    if (!program) return;
    program.body = program.body.map((statement) => this.statement(statement));
  }

  statement(node: Statement): Statement {
    switch (node.type) {
      case 'MustacheStatement':
        return this.mustache(node as MustacheStatement);
      case 'BlockStatement':
        return this.block(node as BlockStatement);
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'Decorator':
      case 'DecoratorBlock':
        throw new TemplateFailure(`partials and decorators are not supported (template '${this.#source}')`);
      default:
        return node;
    }
  }

  mustache(node: MustacheStatement): MustacheStatement {
    const path = node.path as hbs.AST.Node;
    const hasArgs = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
    let params: Expression[];
    if (!hasArgs && isPath(path)) params = [path, str(displayPath(path.original), path.loc)];
    else if (!hasArgs) params = [path as Expression];
    else
      params = [
        this.sub({
          type: 'SubExpression',
          path: path as PathExpression,
          params: node.params,
          hash: node.hash,
          loc: node.loc,
        }),
      ];
    const { hash: _hash, ...rest } = node;
    return { ...rest, path: pathTo(OUT_HELPER, node.loc), params, escaped: false } as MustacheStatement;
  }

  block(node: BlockStatement): BlockStatement {
    const name = node.path.original;
    const tolerant = BLOCKS[name];
    if (tolerant === undefined || !isPath(node.path) || node.path.parts.length !== 1) {
      throw new TemplateFailure(
        `unknown block '{{#${name}}}' in template '${this.#source}'; blocks are #if, #unless, #each and #with`,
      );
    }
    node.params = this.args(node.params, tolerant);
    if (node.hash)
      node.hash.pairs = node.hash.pairs.map((p) => ({ ...p, value: this.arg(p.value, tolerant) }));
    this.program(node.program);
    this.program(node.inverse);
    return node;
  }

  sub(node: SubExpression): SubExpression {
    const name = this.helperName(node);
    const tolerant = this.#helpers.tolerant.has(name);
    const hash = node.hash
      ? { ...node.hash, pairs: node.hash.pairs.map((p) => ({ ...p, value: this.arg(p.value, tolerant) })) }
      : undefined;
    const args = this.args(node.params, tolerant);
    if (name === 'lookup') return call(name, args, node.loc, hash);
    return call(CALL_HELPER, [str(name, node.path.loc), ...args], node.loc, hash);
  }

  args(params: Expression[], tolerant: boolean): Expression[] {
    return params.map((p) => this.arg(p, tolerant));
  }

  arg(node: Expression, tolerant: boolean): Expression {
    if (node.type === 'SubExpression') return this.sub(node as SubExpression);
    if (!tolerant && isPath(node))
      return call(REQUIRE_HELPER, [node, str(displayPath(node.original), node.loc)], node.loc);
    return node;
  }

  /** The helper a call names; anything else is an error with the nearest helper suggested. */
  helperName(node: SubExpression): string {
    const path = node.path as hbs.AST.Node;
    const name = isPath(path) ? path.original : String((path as hbs.AST.StringLiteral).value);
    if (
      isPath(path) &&
      path.parts.length === 1 &&
      path.depth === 0 &&
      !path.data &&
      this.#helpers.names.has(name)
    ) {
      return name;
    }
    const infix = node.params.some((p) => isPath(p) && ['and', 'or', 'is', 'in', 'not'].includes(p.original));
    const hint =
      jinjaHint(this.#source) ||
      (infix ? '; helpers come first: (and a b), not a and b' : didYouMean(name, this.#helpers.names));
    throw new TemplateFailure(`unknown helper '${name}' in template '${this.#source}'`, { hint });
  }
}
