/**
 * Values in INI inventories, typed the way Ansible's INI plugin types them: it runs Python's
 * `ast.literal_eval` on each value and keeps the raw text when that fails. So `8443` is a number,
 * `True` a boolean, `"x"` (in `:vars` sections) the string `x`, `[1, 2]` a list — while `true`,
 * `yes`, `0755` and `https://east:8443` stay strings. This is a small literal_eval for exactly
 * those Python literals: numbers, strings, True/False/None, lists, tuples, sets and dicts.
 */

const NOT_LITERAL = Symbol('not a literal');
type Parsed = unknown;

/** Types one INI value as Ansible would; anything that is not a Python literal stays a string. */
export function parseIniValue(raw: string): unknown {
  const parser = new LiteralParser(raw);
  const value = parser.parseAll();
  return value === NOT_LITERAL ? raw : value;
}

class LiteralParser {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  parseAll(): Parsed | typeof NOT_LITERAL {
    try {
      const value = this.expression();
      this.skipSpace();
      return this.pos === this.text.length ? value : NOT_LITERAL;
    } catch (error) {
      if (error === NOT_LITERAL) return NOT_LITERAL;
      throw error;
    }
  }

  /** Skips whitespace and Python `#` comments, as the Python tokenizer does. */
  private skipSpace(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.pos++;
      else if (ch === '#') {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.text.length : end;
      } else return;
    }
  }

  private expression(): Parsed {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) throw NOT_LITERAL;
    if (ch === '[') return this.sequence('[', ']');
    if (ch === '(') return this.sequence('(', ')');
    if (ch === '{') return this.braces();
    if (ch === '"' || ch === "'") return this.strings();
    if (ch === '-' || ch === '+') {
      this.pos++;
      const value = this.expression();
      if (typeof value !== 'number') throw NOT_LITERAL;
      return ch === '-' ? -value : value;
    }
    if (/[0-9.]/.test(ch)) return this.number();
    return this.name();
  }

  private name(): Parsed {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!match) throw NOT_LITERAL;
    this.pos += match[0].length;
    if (match[0] === 'True') return true;
    if (match[0] === 'False') return false;
    if (match[0] === 'None') return null;
    throw NOT_LITERAL;
  }

  private number(): number {
    const rest = this.text.slice(this.pos);
    const radix = /^0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)(?![0-9A-Za-z_.])/.exec(rest);
    if (radix) {
      this.pos += radix[0].length;
      const digits = radix[0].slice(2).replaceAll('_', '');
      const base = { x: 16, o: 8, b: 2 }[radix[0][1]?.toLowerCase() as 'x' | 'o' | 'b'];
      return parseInt(digits, base);
    }
    const digits = '[0-9](?:_?[0-9])*';
    const decimal = new RegExp(
      `^(?:(?:${digits})?\\.${digits}|${digits}\\.?)(?:[eE][+-]?${digits})?(?![0-9A-Za-z_.])`,
    ).exec(rest);
    if (!decimal) throw NOT_LITERAL;
    const text = decimal[0];
    // Python rejects integers with leading zeros such as 0755 (but accepts 0, 00 and 0.5).
    if (/^0+[1-9]/.test(text.replaceAll('_', '')) && !/[.eE]/.test(text)) throw NOT_LITERAL;
    this.pos += text.length;
    return Number(text.replaceAll('_', ''));
  }

  /** One or more adjacent string literals, concatenated as Python does. */
  private strings(): string {
    let result = this.string();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch !== '"' && ch !== "'") {
        this.pos = save;
        return result;
      }
      result += this.string();
    }
  }

  private string(): string {
    const quote =
      this.text.startsWith('"""', this.pos) || this.text.startsWith("'''", this.pos)
        ? this.text.slice(this.pos, this.pos + 3)
        : (this.text[this.pos] as string);
    this.pos += quote.length;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) throw NOT_LITERAL;
      if (this.text.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return out;
      }
      const ch = this.text[this.pos] as string;
      if (ch === '\n' && quote.length === 1) throw NOT_LITERAL;
      if (ch === '\\') out += this.escape();
      else {
        out += ch;
        this.pos++;
      }
    }
  }

  private escape(): string {
    const next = this.text[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
      '\n': '',
    };
    if (next === undefined) throw NOT_LITERAL;
    if (next in simple) return simple[next] as string;
    const hex = { x: 2, u: 4, U: 8 }[next as 'x' | 'u' | 'U'];
    if (hex !== undefined) {
      const code = this.text.slice(this.pos, this.pos + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(code)) throw NOT_LITERAL;
      this.pos += hex;
      return String.fromCodePoint(parseInt(code, 16));
    }
    const octal = /^[0-7]{1,3}/.exec(this.text.slice(this.pos - 1));
    if (octal) {
      this.pos += octal[0].length - 1;
      return String.fromCodePoint(parseInt(octal[0], 8));
    }
    return `\\${next}`;
  }

  /** `[a, b]` or `(a, b)`: both become arrays; `(a)` is just `a`. */
  private sequence(open: string, close: string): Parsed {
    this.pos++;
    const items: Parsed[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return open === '(' && items.length === 1 && !sawComma ? items[0] : items;
      }
      items.push(this.expression());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        sawComma = true;
      } else if (this.text[this.pos] !== close) throw NOT_LITERAL;
    }
  }

  /** `{k: v}` becomes an object (keys as strings); `{a, b}` (a set) becomes an array. */
  private braces(): Parsed {
    this.pos++;
    const entries: [string, Parsed][] = [];
    const items: Parsed[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        if (entries.length > 0) return Object.fromEntries(entries);
        return items.length > 0 ? items : {};
      }
      const key = this.expression();
      this.skipSpace();
      if (this.text[this.pos] === ':' && items.length === 0) {
        this.pos++;
        if (key !== null && typeof key === 'object') throw NOT_LITERAL;
        entries.push([String(key), this.expression()]);
      } else if (entries.length === 0) items.push(key);
      else throw NOT_LITERAL;
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') throw NOT_LITERAL;
    }
  }
}
