// The skopeo command line, the private auth files and the retry policy (a recording process
// runner stands in for skopeo here; test/integration/image runs the real one).
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { ProcessRunner } from '../../../src/model/module.ts';
import { createWorkspace } from '../../../src/image/copy-workspace.ts';
import type { ResolvedRegistry } from '../../../src/image/registry-endpoint.ts';
import { skopeoArgv, skopeoCopy, type SkopeoOptions } from '../../../src/image/skopeo.ts';
import { sleepSteppingClock } from '../../support/fake-clock.ts';
import { moduleContext } from '../../support/module-context.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function registry(host: string, extra: Partial<ResolvedRegistry> = {}): ResolvedRegistry {
  return {
    host,
    ca: undefined,
    caFile: undefined,
    insecure: false,
    credentials: undefined,
    label: `registry ${host}`,
    credentialSource: 'no credentials',
    ...extra,
  };
}

const src = registry('east:5000', {
  ca: CA,
  caFile: '/x/ca.crt',
  credentials: { username: 'u', password: 'src-pass' },
});
const dest = registry('west:5000', {
  insecure: true,
  credentials: { username: 'mcsync', password: 'dest-token' },
});
const request = { source: 'east:5000/demo/app:1', destination: 'west:5000/demo/app:1', src, dest };
const options: SkopeoOptions = {
  program: 'skopeo',
  all: true,
  preserveDigests: true,
  retries: 2,
  retryDelayMs: 500,
  timeoutMs: 1000,
};

describe('skopeo copy', () => {
  it('passes credentials by 0600 auth files in a private directory, never on argv', async () => {
    const workspace = await createWorkspace(src, dest);
    try {
      const argv = skopeoArgv(request, workspace, options, '/tmp/d');
      assert.ok(!argv.join(' ').includes('src-pass') && !argv.join(' ').includes('dest-token'));
      assert.deepEqual(argv.slice(0, 3), ['skopeo', 'copy', '--quiet']);
      assert.ok(argv.includes('--all') && argv.includes('--preserve-digests'));
      assert.ok(argv.includes('--dest-tls-verify=false'));
      assert.ok(!argv.includes('--src-tls-verify=false'));
      assert.deepEqual(argv.slice(-2), ['docker://east:5000/demo/app:1', 'docker://west:5000/demo/app:1']);
      const srcAuth = argv[argv.indexOf('--src-authfile') + 1] as string;
      assert.equal((await stat(srcAuth)).mode & 0o777, 0o600);
      assert.equal((await stat(workspace.dir)).mode & 0o777, 0o700);
      const auth = JSON.parse(await readFile(srcAuth, 'utf8')) as { auths: Record<string, { auth: string }> };
      assert.equal(Buffer.from(auth.auths['east:5000']!.auth, 'base64').toString(), 'u:src-pass');
      const certDir = argv[argv.indexOf('--src-cert-dir') + 1] as string;
      assert.equal(await readFile(`${certDir}/ca.crt`, 'utf8'), CA);
      assert.ok(!argv.includes('--dest-cert-dir'));
    } finally {
      await workspace.remove();
    }
    await assert.rejects(stat(workspace.dir), { code: 'ENOENT' });
  });

  it('uses --src-no-creds for an anonymous side and leaves --all out unless asked', async () => {
    const workspace = await createWorkspace(registry('a:1'), dest);
    try {
      const argv = skopeoArgv({ ...request, src: registry('a:1') }, workspace, {
        ...options,
        all: false,
        preserveDigests: false,
      });
      assert.ok(argv.includes('--src-no-creds'));
      assert.ok(!argv.includes('--all') && !argv.includes('--preserve-digests'));
    } finally {
      await workspace.remove();
    }
  });

  it('retries with doubling backoff, then fails naming the tries and the last error', async () => {
    const starts: string[][] = [];
    const processes: ProcessRunner = {
      run: async (argv) => {
        starts.push([...argv]);
        return {
          exitCode: 1,
          stdout: '',
          stderr:
            'time="x" level=fatal msg="pinging container registry west:5000: connect: connection refused"\n',
        };
      },
    };
    const clock = sleepSteppingClock();
    const context = moduleContext({ services: { processes, clock, runCache: new Map() } });
    const workspace = await createWorkspace(src, dest);
    try {
      await assert.rejects(
        skopeoCopy(request, workspace, options, context),
        /failed after 3 tries: pinging container registry west:5000: connect: connection refused/,
      );
    } finally {
      await workspace.remove();
    }
    assert.equal(starts.length, 3);
    assert.deepEqual(clock.sleeps, [500, 1000]);
  });

  it('does not retry an authentication failure and masks a password a tool echoes', async () => {
    let count = 0;
    const processes: ProcessRunner = {
      run: async () => {
        count += 1;
        return { exitCode: 1, stdout: '', stderr: 'unauthorized: authentication required for dest-token' };
      },
    };
    const context = moduleContext({
      services: { processes, clock: sleepSteppingClock(), runCache: new Map() },
    });
    const workspace = await createWorkspace(src, dest);
    try {
      await assert.rejects(skopeoCopy(request, workspace, options, context), (error: Error) => {
        assert.match(error.message, /unauthorized: authentication required/);
        assert.ok(!error.message.includes('dest-token'));
        return true;
      });
    } finally {
      await workspace.remove();
    }
    assert.equal(count, 1);
  });
});
