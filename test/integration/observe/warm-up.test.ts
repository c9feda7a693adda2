// `mcsync observe --playbook` warms up before it reports ready (issue 19): the master and every
// slave connected with discovery loaded, so the first run after ready sends no discovery request;
// and a slave that cannot be reached at start is named once and never holds readiness back.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { freePorts } from '../../../src/sandbox/ports.ts';
import {
  imageStreamStatus,
  observeImageStreams,
  observeSandbox,
  putImageStream,
  waitFor,
} from './helpers.ts';

const { sandbox, east, west, south } = await observeSandbox({ after });

/** Discovery requests in -vvv run output: `kube west: GET /api 200 12ms`. */
const DISCOVERY = /kube \w+: GET \/apis? \d{3} /;

/** The sandbox inventory with one more slave, `north`, whose API server port nothing listens on. */
async function inventoryWithDeadSlave(): Promise<string> {
  const [closed] = await freePorts(1);
  const inventory = parse(await readFile(sandbox.inventoryFile, 'utf8')) as {
    all: { children: { slaves: { hosts: Record<string, Record<string, unknown>> } } };
  };
  const slaves = inventory.all.children.slaves.hosts;
  slaves['north'] = { ...slaves['west'], api_url: `https://127.0.0.1:${closed}` };
  const file = join(await mkdtemp(join(tmpdir(), 'mcsync-warm-up-')), 'inventory.yml');
  await writeFile(file, stringify(inventory));
  return file;
}

/** Waits (20 s at most) until ImageStream `name` in `ns` is on west and south at once. */
async function onBothSlaves(what: string, ns: string, name: string): Promise<void> {
  await waitFor(
    what,
    async () =>
      (await Promise.all([west, south].map((c) => imageStreamStatus(c, ns, name)))).every((s) => s === 200),
    20_000,
  );
}

describe('mcsync observe --playbook warm-up', () => {
  it('is connected to the master and both slaves when ready, so the first run sends no discovery request', async (t) => {
    const { ns, obs } = await observeImageStreams(t, sandbox, [west, south], {
      args: ['--when-annotation', 'sync=me', '-vvv'],
    });
    assert.match(obs.stderr(), /^# warm-up: east, west, south connected with discovery loaded in \d+ms$/m);
    await putImageStream(east, ns, 'first', { sync: 'me' });
    await onBothSlaves('first on both slaves', ns, 'first');
    await waitFor('the run line', () => / exit=0 /.test(obs.stdout()));
    assert.match(obs.stdout(), /kube east: GET \/apis\/image\.openshift\.io\/v1\/namespaces\/[^ ]+ 200 /);
    assert.doesNotMatch(obs.stdout(), DISCOVERY, 'the first run after ready loaded discovery itself');
  });

  it('names a slave it cannot reach and gets ready anyway; the reachable slaves get the change', async (t) => {
    const { ns, obs } = await observeImageStreams(t, sandbox, [west, south], {
      inventory: await inventoryWithDeadSlave(),
      args: ['--when-annotation', 'sync=me'],
    });
    assert.match(
      obs.stderr(),
      /^warning: warm-up: north: cluster north \(https:\/\/127\.0\.0\.1:\d+\) is unreachable: .*; its runs connect again$/m,
    );
    assert.match(obs.stderr(), /^# warm-up: east, west, south connected/m);
    await putImageStream(east, ns, 'app', { sync: 'me' });
    await onBothSlaves('app on west and south', ns, 'app');
    assert.equal(obs.child.exitCode, null, obs.stderr());
  });
});
