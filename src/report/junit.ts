/**
 * The JUnit XML of a run (`--junit FILE`), for CI systems that show test reports: one <testsuite>
 * per host, one <testcase> per host × task. failed → <failure>, unreachable → <error>,
 * skipped → <skipped/>; every case says its status in <properties> and, when it changed or has a
 * message, in <system-out>. Pure: the caller masks secrets first and writes the file.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { formatLocation } from '../errors.ts';
import type { HostTaskOutcome, ObjectChange } from './outcomes.ts';

export interface JunitRun {
  outcomes: readonly HostTaskOutcome[];
  /** `--check`: shown as a property of each suite, so a reader knows nothing was written. */
  check: boolean;
  interrupted: boolean;
  /**
   * Task files under this folder are named relative to it (CI systems link `file` to the
   * repository); others keep their path.
   */
  baseDir?: string;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  seconds: number;
}

/** The whole document, UTF-8, ending in a newline. */
export function junitXml(run: JunitRun): string {
  const byHost = new Map<string, HostTaskOutcome[]>();
  for (const outcome of run.outcomes) {
    const cases = byHost.get(outcome.host) ?? [];
    cases.push(outcome);
    byHost.set(outcome.host, cases);
  }
  const suites = [...byHost].map(([host, cases]) => suiteXml(host, cases, run));
  const total = counts(run.outcomes);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mcsync-play"${countAttributes(total)}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function suiteXml(host: string, cases: readonly HostTaskOutcome[], run: JunitRun): string {
  const properties = [
    property('check', String(run.check)),
    ...(run.interrupted ? [property('interrupted', 'true')] : []),
  ];
  return [
    `  <testsuite name="${escapeXml(host)}"${countAttributes(counts(cases))}>`,
    '    <properties>',
    ...properties.map((line) => `      ${line}`),
    '    </properties>',
    ...cases.map((outcome) => caseXml(outcome, run.baseDir)),
    '  </testsuite>',
  ].join('\n');
}

function caseXml(outcome: HostTaskOutcome, baseDir: string | undefined): string {
  const file = shownPath(outcome.location.file, baseDir);
  const { line } = outcome.location;
  const name = `${outcome.play} / ${outcome.handler ? 'handler: ' : ''}${outcome.task}`;
  const open =
    `    <testcase classname="${escapeXml(outcome.host)}" name="${escapeXml(name)}"` +
    ` time="${seconds(outcome.durationMs)}" file="${escapeXml(file)}" line="${line}">`;
  const body = [
    '      <properties>',
    `        ${property('status', outcome.status)}`,
    `        ${property('changed', String(outcome.changed))}`,
    `        ${property('module', outcome.module)}`,
    `        ${property('location', formatLocation({ ...outcome.location, file }))}`,
    '      </properties>',
    ...verdict(outcome),
  ];
  const out = systemOut(outcome);
  if (out) body.push(`      <system-out>${escapeXml(out)}</system-out>`);
  return [open, ...body, '    </testcase>'].join('\n');
}

/** The element that makes the case fail, error or skip; none for ok, changed and ignored. */
function verdict(outcome: HostTaskOutcome): string[] {
  const message = escapeXml(firstLine(outcome.msg ?? outcome.status));
  const text = escapeXml(outcome.msg ?? '');
  switch (outcome.status) {
    case 'failed':
      return [`      <failure message="${message}" type="failed">${text}</failure>`];
    case 'unreachable':
      return [`      <error message="${message}" type="unreachable">${text}</error>`];
    case 'skipped':
      return [`      <skipped message="${escapeXml(outcome.skipReason ?? outcome.msg ?? 'skipped')}"/>`];
    default:
      return [];
  }
}

/** `changed: update v1/ConfigMap demo/settings`, item lines and the message, for people. */
function systemOut(outcome: HostTaskOutcome): string {
  const lines: string[] = [];
  if (outcome.changed) lines.push(`changed: ${outcome.changes.length} object(s)`);
  for (const change of outcome.changes) lines.push(`  ${describeChange(change)}`);
  if (outcome.status === 'ignored') lines.push('failed (ignored)');
  for (const item of outcome.items)
    lines.push(`item ${item.item}: ${item.status}${item.msg === undefined ? '' : `: ${item.msg}`}`);
  // A failure's, error's or skip's message is already in its verdict element.
  const inVerdict = ['failed', 'unreachable', 'skipped'].includes(outcome.status);
  if (outcome.msg !== undefined && !inVerdict) lines.push(outcome.msg);
  return lines.join('\n');
}

function describeChange(change: ObjectChange): string {
  const where = change.namespace ? `${change.namespace}/` : '';
  const diff = change.diff ? ` (+${change.diff.added} -${change.diff.removed})` : '';
  return `${change.change} ${change.apiVersion}/${change.kind} ${where}${change.name}${diff}`;
}

function shownPath(file: string, baseDir: string | undefined): string {
  if (baseDir === undefined || !isAbsolute(file)) return file;
  const inside = relative(baseDir, file);
  return inside === '' || inside.startsWith(`..${sep}`) || isAbsolute(inside) ? file : inside;
}

function counts(cases: readonly HostTaskOutcome[]): Counts {
  const count = (status: string): number => cases.filter((outcome) => outcome.status === status).length;
  return {
    tests: cases.length,
    failures: count('failed'),
    errors: count('unreachable'),
    skipped: count('skipped'),
    seconds: cases.reduce((sum, outcome) => sum + outcome.durationMs, 0),
  };
}

function countAttributes(c: Counts): string {
  return ` tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.seconds)}"`;
}

function property(name: string, value: string): string {
  return `<property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

/**
 * Text safe in XML 1.0 content and in double-quoted attributes: the five markup characters as
 * entities, and characters XML 1.0 cannot carry even as references (most C0 controls, lone
 * surrogates) as U+FFFD.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
