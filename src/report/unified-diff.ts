/**
 * A small line-based unified diff (LCS), enough to show what a module changed in a manifest or
 * file. Inputs beyond MAX_CELLS compare as "all removed, all added" rather than burn memory.
 */

export interface DiffLine {
  kind: ' ' | '-' | '+';
  text: string;
}

const MAX_CELLS = 4_000_000;

/**
 * Unified diff of two texts with `context` lines around each change (default 3), under a
 * `--- before: header` / `+++ after: header` pair as Ansible prints it. Returns [] when equal.
 */
export function unifiedDiff(before: string, after: string, header?: string, context = 3): string[] {
  if (before === after) return [];
  const ops = diffLines(splitLines(before), splitLines(after));
  const label = header ? `: ${header}` : '';
  const out = [`--- before${label}`, `+++ after${label}`];
  for (const hunk of hunks(ops, context)) out.push(...hunk);
  return out;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The edit script turning `a` into `b`, from a longest-common-subsequence table. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head = a.slice(0, start).map((text): DiffLine => ({ kind: ' ', text }));
  const tail = a.slice(endA).map((text): DiffLine => ({ kind: ' ', text }));
  return [...head, ...lcsScript(a.slice(start, endA), b.slice(start, endB)), ...tail];
}

function lcsScript(a: readonly string[], b: readonly string[]): DiffLine[] {
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) {
    return [
      ...a.map((text): DiffLine => ({ kind: '-', text })),
      ...b.map((text): DiffLine => ({ kind: '+', text })),
    ];
  }
  const lcs = lcsTable(a, b);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i] as string });
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lcs(i + 1, j) >= lcs(i, j + 1))) {
      out.push({ kind: '-', text: a[i++] as string });
    } else {
      out.push({ kind: '+', text: b[j++] as string });
    }
  }
  return out;
}

/** Length of the longest common subsequence of a[i..] and b[j..], as a lookup function. */
function lcsTable(a: readonly string[], b: readonly string[]): (i: number, j: number) => number {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  const at = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  return at;
}

/** Groups the script into `@@ -a,b +c,d @@` hunks with `context` unchanged lines around changes. */
function hunks(ops: readonly DiffLine[], context: number): string[][] {
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const ranges: [number, number][] = [];
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(ops.length, index + context + 1);
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else ranges.push([from, to]);
  }
  return ranges.map(([from, to]) => renderHunk(ops, from, to));
}

function renderHunk(ops: readonly DiffLine[], from: number, to: number): string[] {
  let oldLine = 1;
  let newLine = 1;
  for (const op of ops.slice(0, from)) {
    if (op.kind !== '+') oldLine++;
    if (op.kind !== '-') newLine++;
  }
  const body = ops.slice(from, to);
  const oldCount = body.filter((op) => op.kind !== '+').length;
  const newCount = body.filter((op) => op.kind !== '-').length;
  const oldStart = oldCount === 0 ? oldLine - 1 : oldLine;
  const newStart = newCount === 0 ? newLine - 1 : newLine;
  return [
    `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`,
    ...body.map((op) => `${op.kind}${op.text}`),
  ];
}
