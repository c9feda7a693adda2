import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { UsageError } from '../../../src/errors.ts';
import { expandHome, openVault, promptHidden, splitVaultId } from '../../../src/vault/index.ts';
import type { VaultSecretsIO, VaultSources } from '../../../src/vault/index.ts';
import { repoRoot } from '../../support/play.ts';

const fixtures = join(repoRoot, 'test', 'fixtures', 'vault');
const prodVault = (): Promise<string> => readFile(join(fixtures, 'prod.yml'), 'utf8');
const where = { location: { file: 'x.yml', line: 1, column: 1 } };

function io(overrides: Partial<VaultSecretsIO> = {}): VaultSecretsIO & { warnings: () => string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    cwd: fixtures,
    stderr,
    prompt: () => Promise.reject(new Error('no prompt expected')),
    warnings: () => text,
    ...overrides,
  };
}

const sources = (partial: Partial<VaultSources>): VaultSources => ({
  vaultIds: [],
  passwordFiles: [],
  askVaultPass: false,
  ...partial,
});

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-vault-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('vault password sources', () => {
  it('a password file gives the default id; relative paths start at cwd; whitespace around is stripped', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'pass'), '  \n prod-password-2 \r\n\n');
    const vault = await openVault(sources({ passwordFiles: ['pass'] }), io({ cwd: dir }));
    assert.deepEqual(vault.ids(), ['default']);
    assert.equal(vault.decrypt(await prodVault(), where), 'env_token: prod-token-bbbbbbbb\n');
  });

  it('an executable password file is run and its stdout is the password', async () => {
    const vault = await openVault(sources({ passwordFiles: ['password-script.sh'] }), io());
    assert.equal(
      vault.decrypt(await readFile(join(fixtures, 'secrets.yml'), 'utf8'), where).length > 0,
      true,
    );
  });

  it('a *-client script is asked for each label with --vault-id LABEL', async () => {
    const vault = await openVault(
      sources({ vaultIds: ['dev@vault-pass-client.sh', 'prod@vault-pass-client.sh'] }),
      io(),
    );
    assert.deepEqual(vault.ids(), ['dev', 'prod']);
    assert.equal(vault.decrypt(await prodVault(), where), 'env_token: prod-token-bbbbbbbb\n');
  });

  it('a client script without a secret for the label (exit 2) is a warning while another source works', async () => {
    const out = io();
    const vault = await openVault(
      sources({ vaultIds: ['qa@vault-pass-client.sh'], passwordFiles: ['password.txt'] }),
      out,
    );
    assert.deepEqual(vault.ids(), ['default']);
    assert.match(
      out.warnings(),
      /vault id 'qa': vault password client script .* has no secret for vault id 'qa'/,
    );
  });

  it('sources come in Ansible order: --vault-id entries, then password files, then the prompt', async () => {
    const asked: string[] = [];
    const vault = await openVault(
      sources({
        vaultIds: ['prod@prod.pass', 'ops@prompt'],
        passwordFiles: ['dev.pass'],
        askVaultPass: true,
      }),
      io({ prompt: async (question) => (asked.push(question), ' typed ') }),
    );
    assert.deepEqual(vault.ids(), ['prod', 'ops', 'default', 'default']);
    assert.deepEqual(asked, ['Vault password (ops): ', 'Vault password: ']);
  });

  it('a missing file is a warning when another source works, and the error when none does', async () => {
    const out = io();
    const vault = await openVault(sources({ passwordFiles: ['missing.txt', 'dev.pass'] }), out);
    assert.deepEqual(vault.ids(), ['default']);
    assert.match(
      out.warnings(),
      /\[WARNING\]: vault id 'default': the vault password file .*missing\.txt was not found/,
    );
    await assert.rejects(
      openVault(sources({ vaultIds: ['prod@missing.txt'] }), io()),
      (error: Error) => error instanceof UsageError && /missing\.txt was not found/.test(error.message),
    );
  });

  it('an empty file, a failing script and an empty prompt answer are errors', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'empty'), '\n\n');
    await writeFile(join(dir, 'fails.sh'), '#!/bin/sh\nexit 3\n');
    await chmod(join(dir, 'fails.sh'), 0o755);
    await assert.rejects(openVault(sources({ passwordFiles: ['empty'] }), io({ cwd: dir })), /is empty/);
    await assert.rejects(
      openVault(sources({ passwordFiles: ['fails.sh'] }), io({ cwd: dir })),
      /fails\.sh exited 3/,
    );
    await assert.rejects(
      openVault(sources({ askVaultPass: true }), io({ prompt: async () => '  ' })),
      /an empty vault password was entered/,
    );
  });

  it('a ~ at the start of a source is the home directory, as Ansible expands it', () => {
    assert.equal(expandHome('~/.vault/prod'), join(homedir(), '.vault/prod'));
    assert.equal(expandHome('~'), homedir());
    assert.equal(expandHome('a/~/b'), 'a/~/b');
    assert.equal(expandHome('~other/x'), '~other/x');
  });

  it('splits label@source at the first @; a bare source is the default id', () => {
    assert.deepEqual(splitVaultId('prod@/run/secrets/a@b'), { label: 'prod', source: '/run/secrets/a@b' });
    assert.deepEqual(splitVaultId('pass.txt'), { label: 'default', source: 'pass.txt' });
    assert.deepEqual(splitVaultId('@prompt'), { label: 'default', source: 'prompt' });
  });
});

describe('vault password prompt', () => {
  it('reads up to Enter from a terminal in raw mode, without echoing, and handles backspace', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[] });
    const setRawMode = (mode: boolean): void => void input.modes.push(mode);
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    const answer = promptHidden('Vault password: ', { input: Object.assign(input, { setRawMode }), output });
    input.write('hunter22\x7f\r');
    assert.equal(await answer, 'hunter2');
    assert.equal(shown, 'Vault password: \n');
    assert.deepEqual(input.modes, [true, false]);
  });

  it('without a terminal on stdin it says what to use instead', async () => {
    await assert.rejects(
      promptHidden('Vault password: ', { input: new PassThrough(), output: new PassThrough() }),
      (error: Error) =>
        error instanceof UsageError &&
        /stdin is not a terminal; use --vault-password-file/.test(error.message),
    );
  });
});
