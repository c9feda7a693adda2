/**
 * Host ranges as Ansible expands them in inventories: `web[01:03]` → web01 web02 web03,
 * `db-[a:c]` → db-a db-b db-c, `n[0:10:5]` → n0 n5 n10. Several ranges in one name multiply.
 */

import { LoadError } from '../errors.ts';

const RANGE = /^(.*?)\[([^\]]*:[^\]]*)\](.*)$/s;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Expands every `[begin:end(:step)]` in `pattern`; a name without a range comes back alone. */
export function expandHostRange(pattern: string): string[] {
  const match = RANGE.exec(pattern);
  if (!match) return [pattern];
  const [, head = '', range = '', tail = ''] = match;
  const parts = range.split(':');
  if (parts.length > 3) throw new LoadError(`host range [${range}] has more than begin:end:step`);
  const [begin = '', end = '', stepText = '1'] = parts;
  const values = rangeValues(begin === '' ? '0' : begin, end, stepText === '' ? '1' : stepText, range);
  return values.flatMap((value) => expandHostRange(`${head}${value}${tail}`));
}

function rangeValues(begin: string, end: string, stepText: string, range: string): string[] {
  if (end === '') throw new LoadError(`host range [${range}] has no end`);
  if (!/^[0-9]+$/.test(stepText) || Number(stepText) === 0) {
    throw new LoadError(`host range [${range}] has an invalid step '${stepText}'`);
  }
  const step = Number(stepText);
  const from = LETTERS.indexOf(begin);
  const to = LETTERS.indexOf(end);
  if (begin.length === 1 && end.length === 1 && from >= 0 && to >= 0) {
    return stepped(from, to, step, range).map((i) => LETTERS[i] as string);
  }
  if (!/^[0-9]+$/.test(begin) || !/^[0-9]+$/.test(end)) {
    throw new LoadError(`host range [${range}] must be numbers or single letters`);
  }
  const width = begin.startsWith('0') && begin.length > 1 ? begin.length : 0;
  if (width && width !== end.length) {
    throw new LoadError(`host range [${range}] must give begin and end with the same number of digits`);
  }
  return stepped(Number(begin), Number(end), step, range).map((i) => String(i).padStart(width, '0'));
}

function stepped(from: number, to: number, step: number, range: string): number[] {
  if (from > to) throw new LoadError(`host range [${range}] begins after it ends`);
  const out: number[] = [];
  for (let i = from; i <= to; i += step) out.push(i);
  return out;
}
