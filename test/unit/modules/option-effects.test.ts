// Options of the builtin modules whose effect no other test shows (see test/unit/load/keywords-coverage.test.ts).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commandModule } from '../../../src/modules/builtin/command.module.ts';
import { includeVarsModule } from '../../../src/modules/builtin/include-vars.module.ts';
import { shellModule } from '../../../src/modules/builtin/shell.module.ts';
import { uriModule } from '../../../src/modules/builtin/uri.module.ts';
import { waitForModule } from '../../../src/modules/builtin/wait-for.module.ts';
import { sleepSteppingClock } from '../../support/fake-clock.ts';
import { moduleContext } from '../../support/module-context.ts';
import { selfSignedCert } from '../../support/self-signed.ts';

describe('include_vars options', () => {
  it('depth, files_matching and extensions choose the files of a directory', async () => {
    const base = await mkdtemp(join(tmpdir(), 'mcsync-vars-dir-'));
    await mkdir(join(base, 'conf/deeper'), { recursive: true });
    await writeFile(join(base, 'conf/a.yml'), 'a: 1\n');
    await writeFile(join(base, 'conf/app.vars'), 'v: 1\n');
    await writeFile(join(base, 'conf/deeper/b.yml'), 'b: 1\n');
    const load = async (extra: Record<string, unknown>): Promise<unknown> =>
      (await includeVarsModule.run({ dir: 'conf', ...extra }, moduleContext({ baseDir: base }))).includedVars;
    assert.deepEqual(await load({}), { a: 1, b: 1 });
    assert.deepEqual(await load({ depth: 1 }), { a: 1 });
    assert.deepEqual(await load({ files_matching: '^b' }), { b: 1 });
    assert.deepEqual(await load({ extensions: ['vars'] }), { v: 1 });
  });
});

describe('command and shell output options', () => {
  it('stdin_add_newline: false sends stdin as given; strip_empty_ends: false keeps trailing newlines', async () => {
    for (const module of [commandModule, shellModule]) {
      const raw = module === commandModule ? { argv: ['od', '-c'] } : { _raw_params: 'od -c' };
      const withNewline = await module.run({ ...raw, stdin: 'x' }, moduleContext());
      const without = await module.run({ ...raw, stdin: 'x', stdin_add_newline: false }, moduleContext());
      assert.match(String(withNewline['stdout']), /x\s+\\n/, module.name);
      assert.doesNotMatch(String(without['stdout']), /\\n/, module.name);
      const printf =
        module === commandModule ? { argv: ['printf', 'a\\n\\n'] } : { _raw_params: "printf 'a\\n\\n'" };
      assert.equal((await module.run(printf, moduleContext()))['stdout'], 'a', module.name);
      assert.equal(
        (await module.run({ ...printf, strip_empty_ends: false }, moduleContext()))['stdout'],
        'a\n\n',
        module.name,
      );
    }
  });
});

describe('shell executable', () => {
  it('runs the script with the given shell instead of /bin/sh', async () => {
    const result = await shellModule.run(
      { _raw_params: 'echo "bash=${BASH_VERSION:+yes}"', executable: '/bin/bash' },
      moduleContext(),
    );
    assert.equal(result['stdout'], 'bash=yes');
  });
});

describe('uri and wait_for network options', () => {
  it('wait_for checks certificates unless validate_certs is false, and trusts ca_path', async () => {
    const { cert, key, certFile } = selfSignedCert();
    const tls = createHttpsServer({ key, cert }, (_req, res) => res.end('secure'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/`;
    const wait = async (extra: Record<string, unknown>): Promise<boolean | undefined> => {
      const ctx = moduleContext();
      ctx.services.clock = sleepSteppingClock();
      return (await waitForModule.run({ url, timeout: 1, ...extra }, ctx)).failed;
    };
    try {
      assert.equal(await wait({}), true, 'an unknown CA never becomes ready');
      assert.equal(await wait({ validate_certs: false }), undefined);
      assert.equal(await wait({ ca_path: certFile }), undefined);
    } finally {
      tls.close();
    }
  });

  it('uri follow_redirects: false returns the redirect itself', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/here' }).end();
        return;
      }
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const url = `http://127.0.0.1:${port}/moved`;
      assert.equal((await uriModule.run({ url }, moduleContext()))['status'], 200);
      const kept = await uriModule.run({ url, follow_redirects: false, status_code: 302 }, moduleContext());
      assert.equal(kept['status'], 302);
    } finally {
      server.close();
    }
  });

  it('wait_for connect_timeout bounds each probe of a server that never answers', async () => {
    const server = createServer(() => undefined); // accepts, never responds
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const ctx = moduleContext();
    ctx.services.clock = sleepSteppingClock();
    const started = Date.now();
    try {
      const result = await waitForModule.run(
        { url: `http://127.0.0.1:${port}/`, timeout: 1, sleep: 1, connect_timeout: 0.2 },
        ctx,
      );
      assert.equal(result.failed, true);
      assert.ok(Date.now() - started < 3000, 'the default connect_timeout (5 s) would have been waited');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
