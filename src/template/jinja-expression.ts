/**
 * Reads a Jinja2 expression (Ansible's template language) and builds the mcsync Handlebars
 * expression that means the same, so a load error can show the exact spelling to write:
 * `x | default('y')` → `default x 'y'`, `a == 1 and not b` → `and (eq a 1) (not b)`.
 *
 * Precedence follows Jinja2: `if/else` < `or` < `and` < `not` < comparisons, `in`, `is` < `~` <
 * `+ -` < `* / // %` < unary minus < filters `|` < `.attr`, `[index]`, `(call)`. Anything with no
 * Handlebars form raises Untranslatable with advice (e.g. mcsync has no helper 'map').
 */
import { call, lit, Untranslatable } from './jinja-ast.ts';
import type { CallArgs, Expr } from './jinja-ast.ts';
import { handlebarsString, stringValue } from './jinja-lexer.ts';
import type { Token } from './jinja-lexer.ts';
import { callFunction, callMethod, callTest, filterCall } from './jinja-names.ts';

const COMPARISONS: Record<string, string> = {
  '==': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
};
const ARITHMETIC: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'mod' };
const KEYWORDS: Record<string, string> = {
  true: 'true',
  True: 'true',
  false: 'false',
  False: 'false',
  none: 'null',
  None: 'null',
};

/** Flattens `and a (and b c)` into `and a b c` (also `or`, `add`, `mul`). */
function joined(name: string, left: Expr, right: Expr): Expr {
  const head = left.t === 'call' && left.name === name && left.hash.length === 0 ? left.args : [left];
  return call(name, [...head, right]);
}

/** Parses the whole token list; throws Untranslatable, or SyntaxError when it is not Jinja2 either. */
export function parseJinja(tokens: readonly Token[]): Expr {
  const parser = new Parser(tokens);
  const expr = parser.ternary();
  if (!parser.done()) throw new SyntaxError(`unexpected '${parser.peek()?.text}'`);
  return expr;
}

class Parser {
  readonly #tokens: readonly Token[];
  #at = 0;

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  done(): boolean {
    return this.#at >= this.#tokens.length;
  }

  peek(offset = 0): Token | undefined {
    return this.#tokens[this.#at + offset];
  }

  #next(): Token {
    const token = this.#tokens[this.#at++];
    if (token === undefined) throw new SyntaxError('unexpected end');
    return token;
  }

  #accept(text: string, kind?: Token['kind']): boolean {
    const token = this.peek();
    if (token?.text !== text || (kind !== undefined && token.kind !== kind)) return false;
    this.#at++;
    return true;
  }

  #expect(text: string): void {
    if (!this.#accept(text)) throw new SyntaxError(`expected '${text}'`);
  }

  ternary(): Expr {
    const value = this.#or();
    if (!this.#accept('if', 'name')) return value;
    const cond = this.#or();
    const other = this.#accept('else', 'name') ? this.ternary() : undefined;
    return { t: 'ifelse', cond, then: value, else: other };
  }

  #or(): Expr {
    let left = this.#and();
    while (this.#accept('or', 'name')) left = joined('or', left, this.#and());
    return left;
  }

  #and(): Expr {
    let left = this.#not();
    while (this.#accept('and', 'name')) left = joined('and', left, this.#not());
    return left;
  }

  #not(): Expr {
    if (this.#accept('not', 'name')) return call('not', [this.#not()]);
    return this.#compare();
  }

  #compare(): Expr {
    let left = this.#concat();
    for (;;) {
      const token = this.peek();
      const helper = token?.kind === 'op' ? COMPARISONS[token.text] : undefined;
      if (helper !== undefined) {
        this.#at++;
        left = call(helper, [left, this.#concat()]);
      } else if (this.#accept('in', 'name')) left = call('contains', [this.#concat(), left]);
      else if (token?.text === 'not' && this.peek(1)?.text === 'in') {
        this.#at += 2;
        left = call('not', [call('contains', [this.#concat(), left])]);
      } else if (this.#accept('is', 'name')) left = this.#test(left);
      else return left;
    }
  }

  #test(subject: Expr): Expr {
    const negated = this.#accept('not', 'name');
    const name = this.#next();
    if (name.kind !== 'name') throw new SyntaxError('expected a test name after is');
    const args = this.peek()?.text === '(' ? this.#callArgs().args : [];
    const result = callTest(name.text, subject, args);
    return negated ? call('not', [result]) : result;
  }

  #concat(): Expr {
    const first = this.#additive();
    if (this.peek()?.text !== '~') return first;
    const parts = [first];
    while (this.#accept('~')) parts.push(this.#additive());
    return { t: 'concat', parts };
  }

  #additive(): Expr {
    let left = this.#multiplicative();
    for (;;) {
      if (this.#accept('+')) left = joined('add', left, this.#multiplicative());
      else if (this.#accept('-')) left = call('sub', [left, this.#multiplicative()]);
      else return left;
    }
  }

  #multiplicative(): Expr {
    let left = this.#unary();
    for (;;) {
      const token = this.peek();
      if (token?.text === '//' && token.kind === 'op') {
        this.#at++;
        left = call('int', [call('div', [left, this.#unary()])]);
        continue;
      }
      const helper = token?.kind === 'op' ? ARITHMETIC[token.text] : undefined;
      if (helper === undefined) return left;
      this.#at++;
      const right = this.#unary();
      left = helper === 'mul' ? joined('mul', left, right) : call(helper, [left, right]);
    }
  }

  #unary(): Expr {
    if (this.#accept('-')) {
      const value = this.#unary();
      return value.t === 'lit' && /^\d/.test(value.hb)
        ? lit(`-${value.hb}`)
        : call('mul', [value, lit('-1')]);
    }
    this.#accept('+');
    const base = this.#filtered();
    if (this.#accept('**')) throw new Untranslatable("mcsync has no power operator (**); use 'mul'");
    return base;
  }

  #filtered(): Expr {
    let base = this.#postfix();
    while (this.#accept('|')) {
      const name = this.#next();
      if (name.kind !== 'name') throw new SyntaxError('expected a filter name after |');
      const args =
        this.peek()?.text === '(' && !this.peek()?.space ? this.#callArgs() : { args: [], kwargs: [] };
      base = filterCall(name.text, base, args);
    }
    return base;
  }

  #postfix(): Expr {
    let base = this.#primary();
    for (;;) {
      const token = this.peek();
      if (token === undefined || token.space || token.kind !== 'op') return base;
      if (token.text === '[') base = this.#subscript(base);
      else if (token.text === '(') base = this.#call(base);
      else if (token.text === '.') {
        this.#at++;
        const attribute = this.#next();
        base = attribute.kind === 'name' ? attributeOf(base, attribute.text) : base;
      } else return base;
    }
  }

  #call(base: Expr): Expr {
    const args = this.#callArgs();
    if (base.t !== 'path') throw new Untranslatable('call the helper with its name first: (name args)');
    const dot = base.path.lastIndexOf('.');
    if (dot < 0) return callFunction(base.path, args);
    return callMethod(base.path.slice(dot + 1), { t: 'path', path: base.path.slice(0, dot) }, args);
  }

  #subscript(base: Expr): Expr {
    this.#expect('[');
    if (this.peek()?.text === ':') throw new Untranslatable('mcsync has no list slices ([a:b])');
    const key = this.ternary();
    if (this.peek()?.text === ':') throw new Untranslatable('mcsync has no list slices ([a:b])');
    this.#expect(']');
    return indexOf(base, key);
  }

  #callArgs(): CallArgs {
    this.#expect('(');
    const result: CallArgs = { args: [], kwargs: [] };
    while (!this.#accept(')')) {
      const name = this.peek();
      if (name?.kind === 'name' && this.peek(1)?.text === '=') {
        this.#at += 2;
        result.kwargs.push([name.text, this.ternary()]);
      } else result.args.push(this.ternary());
      if (!this.#accept(',')) {
        this.#expect(')');
        break;
      }
    }
    return result;
  }

  #primary(): Expr {
    const token = this.#next();
    if (token.kind === 'str') {
      const value = stringValue(token.text);
      return { t: 'lit', hb: handlebarsString(value, token.text[0] === '"' ? '"' : "'"), str: value };
    }
    if (token.kind === 'num') return lit(token.text);
    if (token.kind === 'name')
      return KEYWORDS[token.text] ? lit(KEYWORDS[token.text]!) : { t: 'path', path: token.text };
    if (token.text === '(') {
      const inner = this.ternary();
      this.#expect(')');
      return inner;
    }
    if (token.text === '[') return call('list', this.#items(']'));
    if (token.text === '{') return this.#dict();
    throw new SyntaxError(`unexpected '${token.text}'`);
  }

  #items(close: string): Expr[] {
    const items: Expr[] = [];
    while (!this.#accept(close)) {
      items.push(this.ternary());
      if (!this.#accept(',')) {
        this.#expect(close);
        break;
      }
    }
    return items;
  }

  #dict(): Expr {
    const hash: [string, Expr][] = [];
    while (!this.#accept('}')) {
      const key = this.ternary();
      this.#expect(':');
      if (key.t !== 'lit' || key.str === undefined || !/^[A-Za-z_][\w]*$/.test(key.str))
        throw new Untranslatable("write the mapping with word keys: (dict name='x' ns='y')");
      hash.push([key.str, this.ternary()]);
      if (!this.#accept(',')) {
        this.#expect('}');
        break;
      }
    }
    return call('dict', [], hash);
  }
}

/** `x.name` on something that is not a plain path: `(lookup x 'name')`. */
function attributeOf(base: Expr, name: string): Expr {
  if (base.t === 'path') return { t: 'path', path: `${base.path}.${name}` };
  return name.split('.').reduce<Expr>((inner, key) => call('lookup', [inner, lit(`'${key}'`)]), base);
}

/** `x['k']`, `x[0]`, `x[-1]`, `x[var]` as Handlebars paths, `last` or `lookup`. */
function indexOf(base: Expr, key: Expr): Expr {
  if (key.t === 'lit' && key.hb === '-1') return call('last', [base]);
  if (key.t === 'lit' && /^-/.test(key.hb))
    throw new Untranslatable('mcsync has no negative indexes but -1 (last x)');
  if (base.t !== 'path') return call('lookup', [base, key]);
  if (key.t === 'lit' && /^\d+$/.test(key.hb)) return { t: 'path', path: `${base.path}.${key.hb}` };
  if (key.t === 'lit' && key.str !== undefined) {
    const segment = /^[A-Za-z_][\w]*$/.test(key.str) ? key.str : `[${key.str}]`;
    if (!key.str.includes(']')) return { t: 'path', path: `${base.path}.${segment}` };
  }
  return call('lookup', [base, key]);
}
