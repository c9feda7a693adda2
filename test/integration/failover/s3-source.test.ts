// The S3 backup source against a real local S3 server (versitygw), no clusters: static keys from
// backup_location's credentials, the AWS credential chain when it names none (environment, shared
// profile), S3's own errors, and TLS trusted through backup_location.ca_file.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { UnreachableError } from '../../../src/errors.ts';
import { fetchLatestBackup } from '../../../src/failover/backup-source.ts';
import type { S3Target } from '../../../src/failover/s3-client.ts';
import { createBucket, putObject } from '../../../src/failover/s3-client.ts';
import type { BackupLocation } from '../../../src/failover/types.ts';
import type { S3Fixture } from '../../support/s3-server.ts';
import { bucketOn, startS3Server } from '../../support/s3-server.ts';
import { selfSignedCert } from '../../support/self-signed.ts';

const AWS_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_EC2_METADATA_DISABLED',
];
const saved = Object.fromEntries(AWS_VARS.map((k) => [k, process.env[k]]));
const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-s3-source-'));
after(() => rm(dir, { recursive: true, force: true }));

/** The process's AWS settings as the test found them, then only `vars` (no metadata lookups). */
function awsEnv(vars: Record<string, string>): void {
  for (const k of AWS_VARS) delete process.env[k];
  Object.assign(process.env, {
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
    AWS_CONFIG_FILE: path.join(dir, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...vars,
  });
}
afterEach(() => {
  for (const k of AWS_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const manifest = (name: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: demo}\n`;

/** A bucket with two timestamped backups under `pool/`, the second written last. */
async function seed(s3: S3Fixture): Promise<S3Target> {
  const target = bucketOn(s3, 'hub-backups');
  await createBucket(target);
  await putObject(target, 'pool/2024-01-01/all.yaml', manifest('old'));
  await new Promise((r) => setTimeout(r, 1100)); // S3 times have 1 s resolution
  await putObject(target, 'pool/2024-01-02/all.yaml', manifest('new'));
  return target;
}

const location = (s3: S3Fixture, extra: Partial<BackupLocation> = {}): BackupLocation => ({
  protocol: 's3',
  url: `${s3.endpoint}/hub-backups/pool`,
  region: s3.region,
  secret: undefined,
  secretNamespace: 'mcsync',
  credentialsFile: undefined,
  caFile: undefined,
  ...extra,
});

const s3 = await startS3Server({ after });
await seed(s3);
const tls = selfSignedCert();
const ca = tls.cert;
const s3tls = await startS3Server({ after }, { tls: { cert: tls.cert, key: tls.key } });

describe('S3 backup source', () => {
  it('reads the latest backup path-style with the static keys the credentials file holds', async () => {
    awsEnv({});
    const backup = await fetchLatestBackup(location(s3, { credentialsFile: 'creds.yml' }), {
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
    });
    assert.equal(backup.name, 's3 hub-backups/pool/2024-01-02/');
    assert.deepEqual(
      backup.files.map((f) => [f.name, f.data.toString()]),
      [['all.yaml', manifest('new')]],
    );
  });

  it('without a credentials secret or file, takes the keys from the AWS environment variables', async () => {
    awsEnv({ AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey });
    const backup = await fetchLatestBackup(location(s3), {});
    assert.equal(backup.name, 's3 hub-backups/pool/2024-01-02/');
  });

  it('without a credentials secret or file, takes the keys from the shared profile AWS_PROFILE names', async () => {
    const file = path.join(dir, 'credentials');
    await writeFile(
      file,
      `[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n[backup]\naws_access_key_id = ${s3.accessKeyId}\naws_secret_access_key = ${s3.secretAccessKey}\n`,
    );
    awsEnv({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: 'backup' });
    const backup = await fetchLatestBackup(location(s3), {});
    assert.equal(backup.name, 's3 hub-backups/pool/2024-01-02/');
  });

  it('says which sources it tried when the credential chain finds no keys', async () => {
    awsEnv({});
    await assert.rejects(
      fetchLatestBackup(location(s3), {}),
      /S3 list 127\.0\.0\.1:\d+\/hub-backups\/pool\/: no S3 credentials: backup_location names no credentials secret or file, and the AWS credential chain \(AWS_ACCESS_KEY_ID/,
    );
  });

  it("reports S3's error code for a wrong secret, never the secret", async () => {
    awsEnv({});
    await assert.rejects(
      fetchLatestBackup(location(s3, { secret: 's3-creds' }), {
        accessKeyId: s3.accessKeyId,
        secretAccessKey: 'not-the-secret-4711',
      }),
      (error: Error) => {
        assert.match(
          error.message,
          /^S3 list 127\.0\.0\.1:\d+\/hub-backups\/pool\/: SignatureDoesNotMatch: /,
        );
        assert.ok(!error.message.includes('not-the-secret-4711'));
        return true;
      },
    );
  });
});

describe('S3 backup source over TLS', () => {
  it('trusts the server with the CA from backup_location.ca_file, and says what to set without it', async () => {
    awsEnv({});
    const target = {
      endpoint: s3tls.endpoint,
      bucket: 'hub-backups',
      region: s3tls.region,
      credentials: { accessKeyId: s3tls.accessKeyId, secretAccessKey: s3tls.secretAccessKey },
      ca,
    };
    await createBucket(target);
    await putObject(target, 'pool/2024-01-02/all.yaml', manifest('new'));
    const keys = { accessKeyId: s3tls.accessKeyId, secretAccessKey: s3tls.secretAccessKey };
    const backup = await fetchLatestBackup(location(s3tls, { credentialsFile: 'creds.yml' }), keys, { ca });
    assert.equal(backup.name, 's3 hub-backups/pool/2024-01-02/');
    await assert.rejects(
      fetchLatestBackup(location(s3tls, { credentialsFile: 'creds.yml' }), keys),
      (error: Error) =>
        error instanceof UnreachableError &&
        error.message.endsWith(
          "the server's TLS certificate is not trusted (self-signed certificate); set backup_location.ca_file to the PEM of the CA that signed it",
        ),
    );
  });
});
