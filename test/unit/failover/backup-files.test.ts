import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fetchLatestBackup, latest } from '../../../src/failover/backup-source.ts';
import { objectsFromFiles } from '../../../src/failover/manifests.ts';
import { s3TargetOf, splitS3Url } from '../../../src/failover/s3-location.ts';
import type { BackupLocation } from '../../../src/failover/types.ts';

const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-backup-unit-'));
after(() => rm(dir, { recursive: true, force: true }));

const cm = (name: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: demo}\n`;
const location = (url: string): BackupLocation => ({
  protocol: 'file',
  url,
  region: 'us-east-1',
  secret: undefined,
  secretNamespace: 'mcsync',
  credentialsFile: undefined,
  caFile: undefined,
});

describe('backup files', () => {
  it('reads multi-document YAML, JSON and kind: List', () => {
    const objects = objectsFromFiles([
      { name: 'b.yaml', data: Buffer.from(`${cm('one')}---\n${cm('two')}---\n`) },
      {
        name: 'a.json',
        data: Buffer.from(
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'List',
            items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } }],
          }),
        ),
      },
      { name: 'notes.txt', data: Buffer.from('ignored') },
    ]);
    assert.deepEqual(
      objects.map((o) => o.metadata?.name),
      ['demo', 'one', 'two'],
    );
  });

  it('reads a .tar.gz made by tar, nested folders included', async () => {
    const src = path.join(dir, 'tree');
    await mkdir(path.join(src, 'ns', 'deep'), { recursive: true });
    await writeFile(path.join(src, 'ns', 'deep', 'cm.yaml'), cm('in-archive'));
    await writeFile(path.join(src, `${'long-name-'.repeat(12)}.yaml`), cm('long'));
    const archive = path.join(dir, 'backup.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', src, '.']);
    const objects = objectsFromFiles([{ name: 'backup.tar.gz', data: await readFile(archive) }]);
    assert.deepEqual(objects.map((o) => o.metadata?.name).sort(), ['in-archive', 'long']);
  });

  it('names the file that does not parse', () => {
    assert.throws(
      () => objectsFromFiles([{ name: 'bad.yaml', data: Buffer.from('a: [') }]),
      /backup file bad\.yaml: invalid YAML/,
    );
  });

  it('the latest backup of a directory is its newest subdirectory or archive', async () => {
    const root = path.join(dir, 'store');
    for (const [name, when] of [
      ['2024-01-01', 1000],
      ['2024-01-03', 3000],
      ['2024-01-02', 2000],
    ] as const) {
      await mkdir(path.join(root, name), { recursive: true });
      await writeFile(path.join(root, name, 'cm.yaml'), cm(name));
      await utimes(path.join(root, name), when, when);
    }
    const backup = await fetchLatestBackup(location(root), {});
    assert.equal(backup.name, path.join(root, '2024-01-03'));
    assert.deepEqual(
      objectsFromFiles(backup.files).map((o) => o.metadata?.name),
      ['2024-01-03'],
    );
  });

  it('a directory of manifests only is itself the backup', async () => {
    const root = path.join(dir, 'flat');
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'a.yaml'), cm('a'));
    await writeFile(path.join(root, 'b.yml'), cm('b'));
    const backup = await fetchLatestBackup(location(root), {});
    assert.equal(objectsFromFiles(backup.files).length, 2);
  });

  it('ties on time go to the greatest name', () => {
    assert.equal(
      latest([
        { name: 'a', modified: 5 },
        { name: 'c', modified: 5 },
        { name: 'b', modified: 5 },
      ])?.name,
      'c',
    );
  });
});

describe('S3 locations', () => {
  it('splits endpoint, bucket and prefix', () => {
    assert.deepEqual(splitS3Url('http://127.0.0.1:7070/backups/hub/daily', 'us-east-1'), {
      endpoint: 'http://127.0.0.1:7070',
      bucket: 'backups',
      prefix: 'hub/daily',
    });
    assert.deepEqual(splitS3Url('s3://bk/p', 'eu-west-1'), {
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      bucket: 'bk',
      prefix: 'p',
    });
    assert.deepEqual(splitS3Url('hub-backup.example.com', 'us-east-1'), {
      endpoint: 'https://hub-backup.example.com',
      bucket: '',
      prefix: '',
    });
  });

  it('signs with the keys of the named Secret, and leaves keys to the AWS credential chain without one', () => {
    const s3 = (extra: Partial<BackupLocation>): BackupLocation => ({
      ...location('http://127.0.0.1:7070/backups/hub'),
      protocol: 's3',
      ...extra,
    });
    const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' };
    assert.deepEqual(s3TargetOf(s3({ secret: 's3-creds' }), keys).credentials, {
      ...keys,
      sessionToken: undefined,
    });
    assert.equal(s3TargetOf(s3({}), keys).credentials, undefined);
    assert.throws(
      () => s3TargetOf(s3({ credentialsFile: 'creds.yml' }), {}),
      /the Secret \(or file\) needs aws_access_key_id and aws_secret_access_key/,
    );
  });
});
