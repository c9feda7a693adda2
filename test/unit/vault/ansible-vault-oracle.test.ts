// Byte compatibility against the real tool: Debian's ansible-vault (ansible-core 2.14) encrypts
// plaintexts of every padding length (1..16 bytes of PKCS#7), UTF-8 and binary bytes, in one run
// (each run of ansible-vault costs seconds); mcsync must return exactly the bytes it was given.
// The committed fixtures cover 1.1 headers and encrypt_string.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptEnvelope, parseVaultEnvelope } from '../../../src/vault/index.ts';

describe('vault format against the real ansible-vault', () => {
  it('decrypts what ansible-vault encrypt made, byte for byte, for every padding length and non-ASCII data', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'mcsync-vault-oracle-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const password = `pw-${randomBytes(6).toString('hex')} ✓`;
    await writeFile(join(dir, 'pass'), `${password}\n`);
    const plaintexts = new Map<string, Buffer>();
    for (let length = 0; length < 16; length++) plaintexts.set(`len${length}`, randomBytes(length));
    plaintexts.set('utf8', Buffer.from('Grüße, 世界 — token=sha256~abc\n', 'utf8'));
    plaintexts.set('large', randomBytes(5000));
    for (const [name, bytes] of plaintexts) await writeFile(join(dir, name), bytes);
    const names = [...plaintexts.keys()];
    const files = names.map((name) => join(dir, name));
    execFileSync('ansible-vault', ['encrypt', '--vault-id', 'ops@pass', ...files], {
      cwd: dir,
      stdio: 'ignore',
    });
    for (const name of names) {
      const envelope = parseVaultEnvelope(await readFile(join(dir, name), 'utf8'));
      assert.equal(envelope.vaultId, 'ops', name);
      const plain = decryptEnvelope(envelope, Buffer.from(password, 'utf8'));
      assert.ok(plain, `${name}: the HMAC matched`);
      assert.ok(plain.equals(plaintexts.get(name)!), `${name}: the same bytes came back`);
      assert.equal(decryptEnvelope(envelope, Buffer.from(`${password}x`, 'utf8')), undefined, name);
    }
  });
});
