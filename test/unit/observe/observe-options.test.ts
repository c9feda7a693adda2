import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.ts';
import { PassThrough } from 'node:stream';
import { runObserveCommand } from '../../../src/cli/observe-command.ts';
import { parseObserveOptions } from '../../../src/cli/observe-options.ts';
import { parseGoDuration as parseDuration } from '../../../src/shared/duration.ts';

const usage = (argv: string[], pattern: RegExp): void =>
  assert.throws(
    () => parseObserveOptions(argv),
    (e: Error) => e instanceof UsageError && pattern.test(e.message),
  );

describe('mcsync observe options', () => {
  it("parses the seed's command line: resource, -A, -a, and the command after --", () => {
    const o = parseObserveOptions([
      'imagestreams',
      '--all-namespaces',
      '-a',
      '{ .metadata.annotations.sync }',
      '--',
      './watch.sh',
    ]);
    assert.equal(o.resource, 'imagestreams');
    assert.equal(o.allNamespaces, true);
    assert.equal(o.template, '{ .metadata.annotations.sync }');
    assert.equal(o.format, 'jsonpath');
    assert.deepEqual(o.command, ['./watch.sh']);
  });

  it("has oc's defaults", () => {
    const o = parseObserveOptions(['pods']);
    assert.equal(o.maximumErrors, 20);
    assert.equal(o.retryCount, 2);
    assert.equal(o.retryOnExitCode, 0);
    assert.equal(o.listenAddr, ':11251');
    assert.equal(o.allowMissingTemplateKeys, true);
    assert.equal(o.template, '');
    assert.equal(o.workers, 1);
    assert.equal(o.once, false);
    assert.equal(o.exitAfterMs, 0);
    assert.equal(o.resyncPeriodMs, 0);
    assert.equal(o.prune, false);
  });

  it('joins repeated -a with a space and keeps everything after -- verbatim (flags included)', () => {
    const o = parseObserveOptions([
      'svc',
      '-a',
      '{.metadata.name}',
      '-a',
      '{.spec.clusterIP}',
      '--',
      'x.sh',
      '-q',
      '--once',
    ]);
    assert.equal(o.template, '{.metadata.name} {.spec.clusterIP}');
    assert.deepEqual(o.command, ['x.sh', '-q', '--once']);
    assert.equal(o.quiet, false);
  });

  it('accepts Go flag forms: negative numbers, =values, durations, repeated --delete/--names words', () => {
    const o = parseObserveOptions([
      'nodes',
      '--maximum-errors',
      '-1',
      '--retry-on-exit-code=3',
      '--exit-after',
      '1m30s',
      '--resync-period=500ms',
      '--names',
      './known.sh',
      '--delete',
      './rm.sh',
      '--delete',
      '--force',
      '--listen-addr=',
      '--print-metrics-on-exit',
    ]);
    assert.equal(o.maximumErrors, -1);
    assert.equal(o.retryOnExitCode, 3);
    assert.equal(o.exitAfterMs, 90_000);
    assert.equal(o.resyncPeriodMs, 500);
    assert.deepEqual(o.names, ['./known.sh']);
    assert.deepEqual(o.delete, ['./rm.sh', '--force']);
    assert.equal(o.listenAddr, '');
    assert.equal(o.printMetricsOnExit, true);
  });

  it('takes the template from -o jsonpath=… and go-template=…', () => {
    assert.equal(parseObserveOptions(['pods', '-o', 'jsonpath={.metadata.uid}']).template, '{.metadata.uid}');
    const go = parseObserveOptions(['pods', '-o', 'go-template={{.metadata.uid}}']);
    assert.equal(go.format, 'go-template');
    assert.equal(go.template, '{{.metadata.uid}}');
    assert.equal(
      parseObserveOptions(['pods', '--allow-missing-template-keys=false']).allowMissingTemplateKeys,
      false,
    );
    assert.equal(parseObserveOptions(['pods', '--strict-templates']).allowMissingTemplateKeys, false);
  });

  it('parses the mcsync flags: playbook, -e, --when-annotation, --prune, --hosts, workers, leader election', () => {
    const o = parseObserveOptions([
      'imagestreams',
      '-A',
      '-i',
      'inv.yml',
      '--hosts',
      'hubs',
      '--playbook',
      'watch.yml',
      '-e',
      'x=1',
      '--when-annotation',
      'sync=me',
      '--workers',
      '4',
      '--watch-files',
      '--prune',
      '--leader-elect',
      '--lease-name',
      'obs',
      '-q',
    ]);
    assert.deepEqual(o.inventory, ['inv.yml']);
    assert.equal(o.hosts, 'hubs');
    assert.equal(o.playbook, 'watch.yml');
    assert.deepEqual(o.extraVars, ['x=1']);
    assert.deepEqual(o.whenAnnotation, { key: 'sync', value: 'me' });
    assert.equal(o.workers, 4);
    assert.equal(o.watchFiles, true);
    assert.equal(o.prune, true);
    assert.equal(o.leader.enabled, true);
    assert.equal(o.leader.leaseName, 'obs');
    assert.equal(o.leader.leaseDurationMs, 15_000);
    assert.equal(o.quiet, true);
  });

  it('--help prints the usage with every flag, --prune among them, and exits 0 without a cluster', async () => {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (c: Buffer) => (text += c.toString()));
    const io = {
      stdout,
      stderr: new PassThrough(),
      cwd: process.cwd(),
      env: {},
      interrupt: new AbortController().signal,
    };
    assert.equal(await runObserveCommand(['--help'], io), 0);
    assert.match(text, /^Usage: mcsync observe RESOURCE/);
    assert.match(
      text,
      /^ {6}--prune {18}after the first list, each relist and each resync, delete the copies$/m,
    );
    for (const flag of ['--when-annotation', '--leader-elect', '--names CMD', '--vault-id'])
      assert.ok(text.includes(flag), flag);
  });

  it('rejects bad combinations with a message naming the flags', () => {
    usage([], /at least one argument containing the resource/);
    usage(['pods', 'svc'], /only specify one argument.*use '--'/);
    usage(['pods', '--names', './n.sh'], /--delete and --names must both be specified/);
    usage(
      ['pods', '--template', '{.a}', '-a', '{.b}'],
      /--template and -a\/--argument cannot be used together/,
    );
    usage(['pods', '-o', 'yaml'], /--output 'yaml' is not supported/);
    usage(['pods', '--playbook', 'p.yml', '--', './x.sh'], /use one/);
    usage(['pods', '--when-annotation', 'sync=me'], /filters --playbook runs/);
    usage(['pods', '--prune'], /--prune removes the copies a --playbook made/);
    usage(['pods', '--host', 'a', '--hosts', 'b'], /use one/);
    usage(['pods', '--kubeconfig', 'k', '--host', 'a'], /cannot be combined/);
    usage(['pods', '-A', '-n', 'x'], /cannot be used together/);
    usage(['pods', '--maximum-errors', 'ten'], /--maximum-errors must be an integer/);
    usage(['pods', '--workers', '0'], /--workers must be an integer >= 1/);
    usage(['pods', '--exit-after', '10'], /--exit-after: invalid duration '10'/);
    usage(['pods', '--type-env-var', '1X'], /not a valid environment variable name/);
    usage(['pods', '--bogus'], /Unknown option '--bogus'/);
    usage(['pods', '-a'], /flag needs an argument: -a/);
  });
});

describe('Go durations', () => {
  it('parses the forms time.ParseDuration accepts', () => {
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('1h2m3.5s'), 3_723_500);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('10'), undefined);
    assert.equal(parseDuration('5x'), undefined);
  });
});
