// The vault reaches every command that loads playbooks: mcsync.yaml keys, the play and observe
// flags (with ansible-playbook's aliases), and the observer's --playbook bundle.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LoadError, UsageError } from '../../../src/errors.ts';
import { parseObserveOptions } from '../../../src/cli/observe-options.ts';
import { parsePlayOptions } from '../../../src/cli/play-options.ts';
import { readProjectConfig } from '../../../src/project/project-config.ts';
import { openProjectVault } from '../../../src/project/project-vault.ts';
import { loadBundle, playbookModules } from '../../../src/observe/observer-playbook.ts';
import { createTemplar } from '../../../src/template/index.ts';
import { repoRoot, tempProject } from '../../support/play.ts';

const fixtures = join(repoRoot, 'test', 'fixtures', 'vault');

describe('vault wiring', () => {
  it('mcsync-play takes --vault-id (repeatable), --vault-password-file and --ask-vault-pass, with aliases', () => {
    const options = parsePlayOptions([
      'p.yml',
      '--vault-id',
      'dev@dev.pass',
      '--vault-id',
      'prod@prompt',
      '--vault-password-file',
      'a',
      '--vault-pass-file',
      'b',
      '--ask-vault-password',
    ]);
    assert.deepEqual(options.vaultIds, ['dev@dev.pass', 'prod@prompt']);
    assert.deepEqual(options.vaultPasswordFiles, ['a', 'b']);
    assert.equal(options.askVaultPass, true);
    assert.equal(parsePlayOptions(['p.yml']).askVaultPass, false);
  });

  it('mcsync observe takes the vault flags for --playbook only', () => {
    const options = parseObserveOptions([
      'pods',
      '--playbook',
      'p.yml',
      '--vault-id',
      'prod@p',
      '--ask-vault-pass',
    ]);
    assert.deepEqual([options.vaultIds, options.askVaultPass], [['prod@p'], true]);
    assert.throws(
      () => parseObserveOptions(['pods', '--vault-password-file', 'x']),
      (error: Error) => error instanceof UsageError && /need --playbook/.test(error.message),
    );
  });

  it('mcsync.yaml: vault_password_file and vault_identity_list resolve against its folder; prompt stays prompt', async (t) => {
    const dir = await tempProject(t, {
      'mcsync.yaml':
        'vault_password_file: pass.txt\nvault_identity_list: [dev@keys/dev.pass, ops@prompt, plain.pass, ci@~/ci.pass]\nvault_id_match: true\n',
    });
    const config = await readProjectConfig(dir);
    assert.equal(config.vaultPasswordFile, join(dir, 'pass.txt'));
    assert.deepEqual(config.vaultIdentityList, [
      `dev@${join(dir, 'keys/dev.pass')}`,
      'ops@prompt',
      `default@${join(dir, 'plain.pass')}`,
      `ci@${join(homedir(), 'ci.pass')}`,
    ]);
    assert.equal(config.vaultIdMatch, true);
    // vault_id_match: the 1.2 header's id must match; a secret under another label is not tried.
    const prodUnderOtherLabel = `ops@${join(fixtures, 'prod.pass')}`;
    const prod = readFileSync(join(fixtures, 'prod.yml'), 'utf8');
    const where = { location: { file: 'prod.yml', line: 1, column: 1 } };
    const io = { cwd: dir, stderr: process.stderr };
    const flags = { vaultIds: [prodUnderOtherLabel], vaultPasswordFiles: [], askVaultPass: false };
    const strict = await openProjectVault(flags, { vaultIdentityList: [], vaultIdMatch: true }, io);
    assert.throws(() => strict.decrypt(prod, where), /vault_id_match is on/);
    const lenient = await openProjectVault(flags, { vaultIdentityList: [] }, io);
    assert.equal(lenient.decrypt(prod, where), 'env_token: prod-token-bbbbbbbb\n');
  });

  it('mcsync.yaml: a vault key of the wrong type is a load error at its line', async (t) => {
    const dir = await tempProject(t, { 'mcsync.yaml': 'forks: 2\nvault_identity_list: {dev: x}\n' });
    await assert.rejects(
      readProjectConfig(dir),
      (error: Error) =>
        error instanceof LoadError &&
        /mcsync\.yaml:2:\d+: 'vault_identity_list' must be a list of 'label@source' entries/.test(
          error.describe(),
        ),
    );
  });

  it('mcsync.yaml sources come before the flags, its password file after them (ansible.cfg order)', async () => {
    const vault = await openProjectVault(
      {
        vaultIds: [`prod@${join(fixtures, 'prod.pass')}`],
        vaultPasswordFiles: [join(fixtures, 'dev.pass')],
        askVaultPass: false,
      },
      {
        vaultIdentityList: [`ops@${join(fixtures, 'prod.pass')}`],
        vaultPasswordFile: join(fixtures, 'password.txt'),
      },
      { cwd: fixtures, stderr: process.stderr },
    );
    assert.deepEqual(vault.ids(), ['ops', 'prod', 'default', 'default']);
  });

  it("the observer's --playbook bundle decrypts vars files, -e @file and inline values with its vault", async (t) => {
    const inline = readFileSync(join(fixtures, 'inline.yml'), 'utf8');
    const dir = await tempProject(t, {
      'p.yml': `- hosts: localhost\n  vars_files: [${join(fixtures, 'dev.yml')}]\n  tasks:\n    - debug: {msg: hi}\n`,
      'inline.yml': inline,
    });
    const vault = await openProjectVault(
      {
        vaultIds: [`dev@${join(fixtures, 'dev.pass')}`, `prod@${join(fixtures, 'prod.pass')}`],
        vaultPasswordFiles: [join(fixtures, 'password.txt')],
        askVaultPass: false,
      },
      { vaultIdentityList: [] },
      { cwd: dir, stderr: process.stderr },
    );
    const bundle = await loadBundle({
      playbook: join(dir, 'p.yml'),
      inventory: [],
      extraVars: ['@inline.yml', `@${join(fixtures, 'secrets.yml')}`],
      rolesPath: [],
      cwd: dir,
      modules: playbookModules(),
      vault,
    });
    assert.equal(bundle.extraVars['db_password'], 'hunter2-vaulted-db-password');
    assert.equal(bundle.extraVars['cluster_token'], 'sha256~vaulted-cluster-token-0123456789');
    assert.deepEqual(bundle.playbook.plays[0]!.varsFiles[0]!.loaded, { env_token: 'dev-token-aaaaaaaa' });
    assert.ok(vault.revealed().includes('dev-token-aaaaaaaa'));
  });

  it('lookup_file refuses a vaulted file instead of returning its ciphertext', () => {
    const templar = createTemplar({ env: {} });
    assert.throws(
      () => templar.render("{{ lookup_file 'secrets.yml' }}", {}, { baseDir: fixtures }),
      /lookup_file: 'secrets\.yml' is encrypted with Ansible Vault and lookup_file does not decrypt/,
    );
  });
});
