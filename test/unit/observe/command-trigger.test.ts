import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createCommandTrigger, printCommandLine } from '../../../src/observe/command-trigger.ts';
import type { CommandTriggerOptions } from '../../../src/observe/command-trigger.ts';
import { compileJsonPath } from '../../../src/observe/jsonpath.ts';
import type { ResourceInfo } from '../../../src/kube/types.ts';
import type { TriggerItem } from '../../../src/observe/trigger.ts';
import { IMAGESTREAMS as imagestreams } from '../../support/resources.ts';

const nodes: ResourceInfo = {
  ...imagestreams,
  group: '',
  apiVersion: 'v1',
  kind: 'Node',
  resource: 'nodes',
  namespaced: false,
};

function item(
  type: TriggerItem['type'],
  annotations: Record<string, string> = { sync: 'me' },
  resource = imagestreams,
): TriggerItem {
  const namespace = resource.namespaced ? 'demo' : '';
  return {
    type,
    cluster: 'east',
    namespace,
    name: 'app',
    key: `east/${namespace}/app`,
    resource,
    finalStateKnown: true,
    object: {
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      metadata: { name: 'app', ...(namespace ? { namespace } : {}), resourceVersion: '42', annotations },
    },
  };
}

/** A script that appends its argv (one per line, then a separator) and chosen env vars to a log. */
async function recorder(exitCodes: number[] = [0]): Promise<{ script: string; log: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-observe-cmd-'));
  const log = join(dir, 'log');
  const counter = join(dir, 'n');
  await writeFile(counter, '0');
  const codes = exitCodes.join(' ');
  const script = join(dir, 'record.sh');
  await writeFile(
    script,
    `#!/bin/sh
for a in "$@"; do printf '%s\\n' "[$a]" >> "${log}"; done
printf 'type=%s obj=%s\\n--\\n' "$OBS_TYPE" "$OBS_OBJECT" >> "${log}"
n=$(cat "${counter}"); echo $((n+1)) > "${counter}"
set -- ${codes}; i=0; code=0
for c in "$@"; do if [ $i -eq $n ]; then code=$c; fi; i=$((i+1)); code=\${code:-$c}; done
[ $n -ge $# ] && eval "code=\\\${$#}"
printf 'ran %s' "$n"
exit $code
`,
  );
  await chmod(script, 0o755);
  return { script, log, dir };
}

function options(
  over: Partial<CommandTriggerOptions>,
): CommandTriggerOptions & { outText(): string; errText(): string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c: Buffer) => (o += c.toString()));
  err.on('data', (c: Buffer) => (e += c.toString()));
  return {
    command: [],
    deleteCommand: [],
    template: undefined,
    typeEnvVar: undefined,
    objectEnvVar: undefined,
    retryOnExitCode: 0,
    retryCount: 2,
    quiet: false,
    env: process.env,
    cwd: process.cwd(),
    out,
    err,
    now: () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    ...over,
    outText: () => o,
    errText: () => e,
  };
}

const never = new AbortController().signal;

describe("command trigger (oc observe's child process contract)", () => {
  it("runs COMMAND ARGS namespace name <rendered template> with oc's env vars, and prints a header line", async () => {
    const r = await recorder();
    const o = options({
      command: [r.script, 'extra arg'],
      template: compileJsonPath('{ .metadata.annotations.sync }'),
      typeEnvVar: 'OBS_TYPE',
      objectEnvVar: 'OBS_OBJECT',
    });
    const result = await createCommandTrigger(o).run(item('Updated'), never);
    assert.deepEqual(result, { exitCode: 0 });
    const log = await readFile(r.log, 'utf8');
    const [args, env] = log.split('type=');
    assert.equal(args, '[extra arg]\n[demo]\n[app]\n[me]\n');
    assert.match(env ?? '', /^Updated obj=\{"apiVersion":"image.openshift.io\/v1","kind":"ImageStream"/);
    assert.match(
      o.outText(),
      /^# \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) Updated 42\t.*record\.sh "extra arg" demo app me\nran 0\n$/,
    );
  });

  it('passes an empty argument when there is no template, and no namespace for cluster-scoped kinds', async () => {
    const r = await recorder();
    await createCommandTrigger(options({ command: [r.script] })).run(item('Sync', {}, nodes), never);
    assert.equal((await readFile(r.log, 'utf8')).split('type=')[0], '[app]\n[]\n');
  });

  it('runs --delete with namespace and name (plus the template of the final state) for Deleted, never the command', async () => {
    const each = await recorder();
    const del = await recorder();
    const trigger = createCommandTrigger(
      options({
        command: [each.script],
        deleteCommand: [del.script, '--purge'],
        template: compileJsonPath('{.metadata.name}'),
      }),
    );
    await trigger.run(item('Deleted'), never);
    await trigger.run({ ...item('Deleted'), finalStateKnown: false }, never);
    const lines = (await readFile(del.log, 'utf8')).split('--\n').map((s) => s.split('type=')[0]);
    assert.deepEqual(lines.slice(0, 2), ['[--purge]\n[demo]\n[app]\n[app]\n', '[--purge]\n[demo]\n[app]\n']);
    await assert.rejects(readFile(each.log, 'utf8'), /ENOENT/);
  });

  it('retries at once while the exit code is --retry-on-exit-code, at most --retry-count times', async () => {
    const r = await recorder([3, 3, 3, 3]);
    const o = options({ command: [r.script], retryOnExitCode: 3, retryCount: 2 });
    const result = await createCommandTrigger(o).run(item('Added'), never);
    assert.equal(result.exitCode, 3);
    assert.match(result.error ?? '', /exited with status code 3/);
    assert.equal((await readFile(r.log, 'utf8')).split('--\n').length - 1, 3, 'one run and two retries');
  });

  it('stops retrying once the command succeeds, and does not retry other exit codes', async () => {
    const flaky = await recorder([3, 0]);
    assert.deepEqual(
      await createCommandTrigger(options({ command: [flaky.script], retryOnExitCode: 3 })).run(
        item('Added'),
        never,
      ),
      { exitCode: 0 },
    );
    const broken = await recorder([1]);
    const result = await createCommandTrigger(options({ command: [broken.script], retryOnExitCode: 3 })).run(
      item('Added'),
      never,
    );
    assert.equal(result.exitCode, 1);
    assert.equal((await readFile(broken.log, 'utf8')).split('--\n').length - 1, 1);
  });

  it('reports a program that cannot be started, and prints nothing per event with quiet', async () => {
    const o = options({ command: ['/nonexistent/watch.sh'], quiet: true });
    const result = await createCommandTrigger(o).run(item('Added'), never);
    assert.equal(result.exitCode, -1);
    assert.match(result.error ?? '', /could not be started/);
    assert.equal(o.outText(), '');
  });

  it("quotes the command line as oc's printCommandLine does", () => {
    assert.equal(printCommandLine(['./w.sh', 'a b', '', 'x"y']), './w.sh "a b" "" "x\\"y"');
  });
});
