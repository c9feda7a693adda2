/**
 * `backup_location.url` for protocol s3 → endpoint, bucket and prefix:
 * `s3://bucket/prefix` (AWS, region endpoint), `http(s)://host:port/bucket/prefix` and
 * `host[:port]/bucket/prefix` (https) for any S3-compatible service, and a bare host (the seed's
 * `hub-backup.example.com`) as a virtual-hosted bucket. Static keys come from the Secret or file
 * backup_location names; without either, the S3 client uses the AWS default credential chain.
 */
import { McsyncError } from '../errors.ts';
import type { BackupCredentials } from './credentials.ts';
import type { S3Target } from './s3-client.ts';
import type { BackupLocation } from './types.ts';

/** The S3 target of a location, with its key prefix. */
export function s3TargetOf(
  location: BackupLocation,
  credentials: BackupCredentials,
  ca?: string | Buffer,
): S3Target & { prefix: string } {
  const { endpoint, bucket, prefix } = splitS3Url(location.url, location.region);
  const target = { endpoint, bucket, prefix, region: location.region, ca };
  // No Secret or file named: the SDK's default credential chain finds the keys (environment,
  // profile, web identity, instance metadata).
  if (!location.secret && !location.credentialsFile) return target;
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new McsyncError(
      'backup_location.credentials: no S3 access key; the Secret (or file) needs aws_access_key_id and aws_secret_access_key',
    );
  }
  const creds = {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  };
  return { ...target, credentials: creds };
}

/** Endpoint, bucket and prefix of an s3 URL (see the file comment). */
export function splitS3Url(
  url: string,
  region: string,
): { endpoint: string; bucket: string; prefix: string } {
  if (url.startsWith('s3://')) {
    const [bucket = '', ...rest] = url.slice(5).split('/');
    return { endpoint: `https://s3.${region}.amazonaws.com`, bucket, prefix: rest.filter(Boolean).join('/') };
  }
  const withScheme = /^https?:\/\//.test(url) ? url : `https://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new McsyncError(`backup_location.url: not a URL or host/bucket/prefix: '${url}'`);
  }
  const [bucket = '', ...rest] = parsed.pathname.split('/').filter(Boolean);
  return { endpoint: parsed.origin, bucket, prefix: rest.join('/') };
}
