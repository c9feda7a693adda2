import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execInfo, parseExecConfig } from '../../../src/kube/exec-config.ts';
import type { ExecConfig } from '../../../src/kube/exec-config.ts';
import { parseExecCredential } from '../../../src/kube/exec-credential.ts';
import { ExecPlugin, refreshMarginMs } from '../../../src/kube/exec-plugin.ts';
import type { ExecRunRequest } from '../../../src/kube/exec-plugin.ts';
import { fakeClock } from '../../support/fake-clock.ts';

const V1 = 'client.authentication.k8s.io/v1';
const cluster = { server: 'https://east.example.com:6443' };

function config(exec: Record<string, unknown>): ExecConfig {
  return parseExecConfig({ exec, kubeconfigDir: '/home/me/.kube', cluster, label: "host 'east'" });
}

function credential(token: string, expires?: Date): string {
  return JSON.stringify({
    apiVersion: V1,
    kind: 'ExecCredential',
    status: { token, ...(expires && { expirationTimestamp: expires.toISOString() }) },
  });
}

describe('exec plugin configuration', () => {
  it('resolves a relative command against the kubeconfig folder and keeps bare names for PATH', () => {
    const base = { apiVersion: V1, interactiveMode: 'Never' };
    assert.equal(config({ ...base, command: './bin/get-token' }).command, '/home/me/.kube/bin/get-token');
    assert.equal(config({ ...base, command: 'aws' }).command, 'aws');
  });

  it('requires interactiveMode for v1 and defaults it to IfAvailable for v1beta1, as kubectl does', () => {
    assert.throws(
      () => config({ command: 'x', apiVersion: V1 }),
      /host 'east': exec plugin: interactiveMode must be specified for client.authentication.k8s.io\/v1/,
    );
    const beta = config({ command: 'x', apiVersion: 'client.authentication.k8s.io/v1beta1' });
    assert.equal(beta.interactiveMode, 'IfAvailable');
    assert.throws(
      () => config({ command: 'x', apiVersion: 'client.authentication.k8s.io/v1alpha1' }),
      /not supported/,
    );
    assert.throws(() => config({ apiVersion: V1, interactiveMode: 'Never' }), /command must be specified/);
  });

  it('gives the plugin the cluster only with provideClusterInfo', () => {
    const withInfo = config({
      command: 'x',
      apiVersion: V1,
      interactiveMode: 'Never',
      provideClusterInfo: true,
    });
    assert.deepEqual(JSON.parse(execInfo(withInfo, false)), {
      kind: 'ExecCredential',
      apiVersion: V1,
      spec: { interactive: false, cluster },
    });
    const without = config({ command: 'x', apiVersion: V1, interactiveMode: 'Never' });
    assert.deepEqual(JSON.parse(execInfo(without, true)).spec, { interactive: true });
  });
});

describe('exec credential parsing', () => {
  it('reads the token and the expiry', () => {
    const parsed = parseExecCredential(credential('t1', new Date('2030-01-01T00:00:00Z')), V1);
    assert.equal(parsed.token, 't1');
    assert.equal(parsed.expiresAt, Date.UTC(2030, 0, 1));
  });

  it('refuses what client-go refuses, without quoting the credential', () => {
    const status = (s: unknown): string =>
      JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status: s });
    assert.throws(
      () => parseExecCredential(credential('t1').replace(V1, 'client.authentication.k8s.io/v1beta1'), V1),
      /configured to use API version client.authentication.k8s.io\/v1, plugin returned version client.authentication.k8s.io\/v1beta1/,
    );
    assert.throws(
      () => parseExecCredential(JSON.stringify({ apiVersion: V1, kind: 'ExecCredential' }), V1),
      /didn't return a status/,
    );
    assert.throws(() => parseExecCredential(status({}), V1), /didn't return a token or cert\/key pair/);
    assert.throws(
      () => parseExecCredential(status({ clientCertificateData: 'PEM' }), V1),
      /only certificate or key/,
    );
    assert.throws(
      () => parseExecCredential(status({ token: 'secret-token', expirationTimestamp: 'soon' }), V1),
      (error: Error) => /not a time/.test(error.message) && !error.message.includes('secret-token'),
    );
    assert.throws(() => parseExecCredential('token: x', V1), /not JSON/);
  });
});

describe('exec plugin runs', () => {
  function plugin(tokens: { token: string; lifetimeMs?: number }[]) {
    const clock = fakeClock();
    const requests: ExecRunRequest[] = [];
    const secrets: string[] = [];
    const cfg = config({
      command: 'get-token',
      args: ['--cluster', 'east'],
      env: [{ name: 'AWS_PROFILE', value: 'prod' }],
      apiVersion: V1,
      interactiveMode: 'Never',
    });
    const exec = new ExecPlugin(cfg, {
      clock,
      env: { PATH: '/usr/bin' },
      onSecret: (s) => secrets.push(s),
      run: (request) => {
        requests.push(request);
        const next = tokens[requests.length - 1] ?? { token: 'last' };
        const expires = next.lifetimeMs === undefined ? undefined : new Date(clock.now() + next.lifetimeMs);
        return Promise.resolve({
          code: 0,
          signal: null,
          stdout: credential(next.token, expires),
          stderr: '',
        });
      },
    });
    return { clock, requests, secrets, exec };
  }

  it('keeps the credential until a margin before it expires, then runs the plugin again', async () => {
    const { clock, requests, secrets, exec } = plugin([
      { token: 'one', lifetimeMs: 600_000 },
      { token: 'two', lifetimeMs: 600_000 },
    ]);
    assert.equal((await exec.get()).token, 'one');
    clock.advance(600_000 - refreshMarginMs(600_000) - 1);
    assert.equal((await exec.get()).token, 'one', 'still cached just before the margin');
    clock.advance(1);
    assert.equal((await exec.get()).token, 'two', 'run again inside the margin, before the expiry');
    assert.equal(requests.length, 2);
    assert.deepEqual(secrets, ['one', 'two']);
  });

  it('runs the plugin with its args and env, the exec info, and nothing secret on argv', async () => {
    const { requests, exec } = plugin([{ token: 'one' }]);
    await exec.get();
    const [run] = requests;
    assert.deepEqual(run?.config.args, ['--cluster', 'east']);
    assert.equal(run?.env['AWS_PROFILE'], 'prod');
    assert.equal(run?.env['PATH'], '/usr/bin');
    assert.equal(JSON.parse(run?.env['KUBERNETES_EXEC_INFO'] ?? '{}').spec.interactive, false);
  });

  it('a credential without expiry is kept until a 401 invalidates it', async () => {
    const { clock, requests, exec } = plugin([{ token: 'one' }, { token: 'two' }]);
    const first = await exec.get();
    clock.advance(86_400_000);
    assert.equal((await exec.get()).token, 'one');
    exec.invalidate(first);
    assert.equal((await exec.get()).token, 'two');
    exec.invalidate(first);
    assert.equal((await exec.get()).token, 'two', 'a stale 401 does not drop the new credential');
    assert.equal(requests.length, 2);
  });

  it('concurrent requests share one run', async () => {
    const { requests, exec } = plugin([{ token: 'one' }]);
    const all = await Promise.all([exec.get(), exec.get(), exec.get()]);
    assert.deepEqual(
      all.map((c) => c.token),
      ['one', 'one', 'one'],
    );
    assert.equal(requests.length, 1);
  });

  it('reports a failing plugin with its exit code, stderr and the host, and a missing one with its install hint', async () => {
    const cfg = config({
      command: 'aws',
      apiVersion: V1,
      interactiveMode: 'Never',
      installHint: 'install the AWS CLI',
    });
    const failing = new ExecPlugin(cfg, {
      run: () =>
        Promise.resolve({
          code: 255,
          signal: null,
          stdout: '',
          stderr: 'ExpiredToken: the SSO session expired\n',
        }),
    });
    await assert.rejects(
      failing.get(),
      /host 'east': exec plugin 'aws' failed with exit code 255: ExpiredToken: the SSO session expired/,
    );
    const missing = new ExecPlugin(cfg, {
      run: () => Promise.reject(Object.assign(new Error('spawn aws ENOENT'), { code: 'ENOENT' })),
    });
    await assert.rejects(missing.get(), /exec plugin 'aws' was not found; install the AWS CLI/);
  });

  it('interactiveMode Always without a terminal is an error; IfAvailable runs without one', async () => {
    const always = config({ command: 'login', apiVersion: V1, interactiveMode: 'Always' });
    const run = (): Promise<{ code: number; signal: null; stdout: string; stderr: string }> =>
      Promise.resolve({ code: 0, signal: null, stdout: credential('t'), stderr: '' });
    await assert.rejects(
      new ExecPlugin(always, { run, stdinIsTerminal: () => false }).get(),
      /interactiveMode Always, but standard input is not a terminal/,
    );
    const seen: boolean[] = [];
    const ifAvailable = config({ command: 'login', apiVersion: V1, interactiveMode: 'IfAvailable' });
    await new ExecPlugin(ifAvailable, {
      run: (request) => (seen.push(request.interactive), run()),
      stdinIsTerminal: () => false,
    }).get();
    assert.deepEqual(seen, [false]);
  });
});
