/**
 * kubectl's JSONPath templates (`-o jsonpath`, oc observe's `-a`/`--template`): literal text with
 * `{…}` actions — field paths (`.a.b`, `['k.x']`, `[0]`, `[1:3]`, `[*]`, `..name`, `[?(@.x=="y")]`,
 * unions `[a,b]`), quoted strings (`{"\n"}`), and `{range …}…{end}`. Results print as kubectl
 * does: strings raw, other scalars as text, maps and lists as compact JSON, several results
 * separated by a space. A missing key prints nothing unless `allowMissingKeys` is false.
 */
import { UsageError } from '../errors.ts';

type Segment =
  | { kind: 'field'; name: string }
  | { kind: 'recursive'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start: number | undefined; end: number | undefined; step: number }
  | { kind: 'union'; keys: (string | number)[] }
  | { kind: 'filter'; left: Segment[]; op: string | undefined; right: Segment[] | Literal };

interface Literal {
  literal: string | number | boolean | null;
}

type PathExpr = Segment[][];

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'path'; paths: PathExpr; source: string }
  | { kind: 'range'; paths: PathExpr; body: Node[] };

/** A parsed template; `render` may be called for many objects. */
export interface CompiledTemplate {
  readonly source: string;
  render(data: unknown): string;
}

/** Thrown (as a UsageError) by `render` when a key is missing and missing keys are not allowed. */
export class MissingKeyError extends UsageError {}

/**
 * Parses a kubectl JSONPath template. Throws UsageError naming the template for bad syntax, so
 * the command fails before it watches anything.
 */
export function compileJsonPath(
  template: string,
  options: { allowMissingKeys?: boolean } = {},
): CompiledTemplate {
  const allowMissing = options.allowMissingKeys ?? true;
  let nodes: Node[];
  try {
    nodes = parseNodes(template);
  } catch (error) {
    throw new UsageError(`error parsing jsonpath ${template}: ${(error as Error).message}`);
  }
  return {
    source: template,
    render: (data) => renderNodes(nodes, data, allowMissing),
  };
}

function parseNodes(template: string): Node[] {
  const root: Node[] = [];
  const stack: { body: Node[] }[] = [{ body: root }];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const top = stack[stack.length - 1] as { body: Node[] };
    if (open < 0) {
      top.body.push({ kind: 'text', text: template.slice(i) });
      break;
    }
    if (open > i) top.body.push({ kind: 'text', text: template.slice(i, open) });
    const close = findClose(template, open);
    const inner = template.slice(open + 1, close).trim();
    i = close + 1;
    if (inner === 'end') {
      if (stack.length === 1) throw new Error('not in range, nothing to end');
      stack.pop();
    } else if (inner.startsWith('range ') || inner === 'range') {
      const node: Node = { kind: 'range', paths: parsePaths(inner.slice(5).trim()), body: [] };
      top.body.push(node);
      stack.push(node);
    } else if (isQuoted(inner)) {
      top.body.push({ kind: 'text', text: unquote(inner) });
    } else {
      top.body.push({ kind: 'path', paths: parsePaths(inner), source: inner });
    }
  }
  if (stack.length > 1) throw new Error('unclosed range: missing {end}');
  return root;
}

function findClose(text: string, open: number): number {
  let quote: string | undefined;
  for (let j = open + 1; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return j;
  }
  throw new Error(`unclosed action starting at ${open}`);
}

function isQuoted(text: string): boolean {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"');
}

/** A double-quoted string with Go's escapes (\n, \t, \", \\). */
function unquote(text: string): string {
  try {
    return JSON.parse(text) as string;
  } catch {
    return text.slice(1, -1);
  }
}

/** `a,b` at the top level (outside brackets and quotes) is a union of paths. */
function parsePaths(text: string): PathExpr {
  if (!text) throw new Error('empty expression');
  return splitTopLevel(text, ',').map((part) => parsePath(part.trim()));
}

function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let j = 0; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, j));
      start = j + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const NAME_END = /[.[\s,)=!<>]/;

function parsePath(text: string): Segment[] {
  const segments: Segment[] = [];
  let i = text.startsWith('$') || text.startsWith('@') ? 1 : 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '.' && text[i + 1] === '.') {
      const { name, next } = readName(text, i + 2);
      segments.push({ kind: 'recursive', name });
      i = next;
    } else if (c === '.') {
      if (text[i + 1] === '*') {
        segments.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      const { name, next } = readName(text, i + 1);
      if (name) segments.push({ kind: 'field', name });
      i = next;
    } else if (c === '[') {
      const close = matchBracket(text, i);
      segments.push(parseBracket(text.slice(i + 1, close).trim()));
      i = close + 1;
    } else {
      throw new Error(`unrecognized character in action: ${text.slice(i)}`);
    }
  }
  return segments;
}

function readName(text: string, start: number): { name: string; next: number } {
  let name = '';
  let j = start;
  for (; j < text.length; j++) {
    const c = text[j] as string;
    if (c === '\\' && j + 1 < text.length) {
      name += text[++j];
      continue;
    }
    if (NAME_END.test(c)) break;
    name += c;
  }
  return { name, next: j };
}

function matchBracket(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let j = open; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return j;
  }
  throw new Error(`unterminated array: ${text.slice(open)}`);
}

function parseBracket(inner: string): Segment {
  if (inner === '*') return { kind: 'wildcard' };
  if (inner.startsWith('?')) return parseFilter(inner.slice(1).trim());
  if (/^-?\d*:-?\d*(:-?\d+)?$/.test(inner)) {
    const [a, b, s] = inner.split(':');
    const num = (v: string | undefined): number | undefined => (v ? Number(v) : undefined);
    return { kind: 'slice', start: num(a), end: num(b), step: num(s) ?? 1 };
  }
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const keys = splitTopLevel(inner, ',').map((k) => {
    const key = k.trim();
    if (/^-?\d+$/.test(key)) return Number(key);
    if (/^(['"]).*\1$/.test(key)) return key.slice(1, -1);
    throw new Error(`invalid array index ${key}`);
  });
  return keys.length === 1 && typeof keys[0] === 'string'
    ? { kind: 'field', name: keys[0] }
    : { kind: 'union', keys };
}

const FILTER = /^(.*?)\s*(==|!=|<=|>=|<|>)\s*(.*)$/;

function parseFilter(text: string): Segment {
  if (!text.startsWith('(') || !text.endsWith(')')) throw new Error(`invalid filter: ?${text}`);
  const body = text.slice(1, -1).trim();
  const match = FILTER.exec(body);
  if (!match) return { kind: 'filter', left: parsePath(body), op: undefined, right: { literal: null } };
  const [, left = '', op, right = ''] = match;
  return { kind: 'filter', left: parsePath(left.trim()), op, right: parseOperand(right.trim()) };
}

function parseOperand(text: string): Segment[] | Literal {
  if (/^(['"]).*\1$/.test(text)) return { literal: text.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { literal: Number(text) };
  if (text === 'true' || text === 'false') return { literal: text === 'true' };
  if (text === 'nil' || text === 'null') return { literal: null };
  return parsePath(text);
}

/** Evaluation: every segment maps a list of values to a list; `missing` records a lookup miss. */
interface Evaluation {
  values: unknown[];
  missing: string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function evaluate(segments: Segment[], data: unknown): Evaluation {
  let values: unknown[] = [data];
  let missing: string | undefined;
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of values) applySegment(segment, value, next);
    if (next.length === 0 && values.length > 0 && missing === undefined && isLookup(segment))
      missing = describe(segment);
    values = next;
  }
  return { values, missing };
}

function isLookup(segment: Segment): boolean {
  return segment.kind === 'field' || segment.kind === 'index';
}

function describe(segment: Segment): string {
  if (segment.kind === 'field' || segment.kind === 'recursive') return segment.name;
  if (segment.kind === 'index') return `[${segment.index}]`;
  return segment.kind;
}

function applySegment(segment: Segment, value: unknown, out: unknown[]): void {
  switch (segment.kind) {
    case 'field':
      if (isObject(value) && segment.name in value) out.push(value[segment.name]);
      return;
    case 'recursive':
      return collectRecursive(value, segment.name, out);
    case 'wildcard':
      if (Array.isArray(value)) out.push(...value);
      else if (isObject(value)) out.push(...Object.values(value));
      return;
    default:
      return applyListSegment(segment, value, out);
  }
}

function applyListSegment(segment: Segment, value: unknown, out: unknown[]): void {
  if (segment.kind === 'union') {
    for (const key of segment.keys) {
      if (typeof key === 'number') applySegment({ kind: 'index', index: key }, value, out);
      else applySegment({ kind: 'field', name: key }, value, out);
    }
    return;
  }
  if (!Array.isArray(value)) return;
  if (segment.kind === 'index') {
    const at = segment.index < 0 ? value.length + segment.index : segment.index;
    if (at >= 0 && at < value.length) out.push(value[at]);
  } else if (segment.kind === 'slice') out.push(...sliceOf(value, segment));
  else if (segment.kind === 'filter') out.push(...value.filter((item) => filterHolds(segment, item)));
}

function sliceOf(
  list: unknown[],
  s: { start: number | undefined; end: number | undefined; step: number },
): unknown[] {
  const norm = (n: number): number => (n < 0 ? Math.max(0, list.length + n) : Math.min(n, list.length));
  const start = norm(s.start ?? 0);
  const end = norm(s.end ?? list.length);
  const out: unknown[] = [];
  for (let i = start; i < end; i += Math.max(1, s.step)) out.push(list[i]);
  return out;
}

function collectRecursive(value: unknown, name: string, out: unknown[]): void {
  if (isObject(value)) {
    if (name === '' || name === '*') out.push(...Object.values(value));
    else if (name in value) out.push(value[name]);
    for (const child of Object.values(value)) collectRecursive(child, name, out);
  } else if (Array.isArray(value)) {
    for (const child of value) collectRecursive(child, name, out);
  }
}

function filterHolds(segment: Extract<Segment, { kind: 'filter' }>, item: unknown): boolean {
  const left = evaluate(segment.left, item).values;
  if (segment.op === undefined) return left.length > 0 && left[0] !== null && left[0] !== false;
  const right = 'literal' in segment.right ? [segment.right.literal] : evaluate(segment.right, item).values;
  if (left.length === 0 || right.length === 0) return false;
  return compare(left[0], segment.op, right[0]);
}

function compare(a: unknown, op: string, b: unknown): boolean {
  if (op === '==') return a === b || String(a) === String(b);
  if (op === '!=') return !(a === b || String(a) === String(b));
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return false;
  if (op === '<') return x < y;
  if (op === '>') return x > y;
  if (op === '<=') return x <= y;
  return x >= y;
}

/** kubectl's text form of one result. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function evalPaths(paths: PathExpr, data: unknown, allowMissing: boolean, source: string): unknown[] {
  const values: unknown[] = [];
  for (const path of paths) {
    const result = evaluate(path, data);
    if (result.missing !== undefined && !allowMissing)
      throw new MissingKeyError(`error executing jsonpath "{${source}}": ${result.missing} is not found`);
    values.push(...result.values);
  }
  return values;
}

function renderNodes(nodes: Node[], data: unknown, allowMissing: boolean): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'path')
      out += evalPaths(node.paths, data, allowMissing, node.source).map(textOf).join(' ');
    else {
      for (const item of evalPaths(node.paths, data, allowMissing, 'range'))
        out += renderNodes(node.body, item, allowMissing);
    }
  }
  return out;
}
