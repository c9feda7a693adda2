/**
 * S3 for backups through the AWS SDK (@aws-sdk/client-s3), so users get the credential chain
 * they expect: static keys when backup_location names a Secret or file, else the SDK's default
 * chain (AWS_* environment, AWS_PROFILE and ~/.aws, web identity / IRSA, container and instance
 * metadata). AWS endpoints (`s3://bucket`) use the SDK's own addressing; any other endpoint (MinIO,
 * Ceph, versitygw) is addressed path-style, and a bare host as a virtual-hosted bucket. The SDK
 * takes ~140 ms to load, so it is imported on the first S3 call only: playbooks without an S3
 * backup never load it. Keys and secrets never appear in errors.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { McsyncError, UnreachableError } from '../errors.ts';
import { createAgent } from '../http/client.ts';
import { describeNetworkError, networkErrorCode } from '../http/errors.ts';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface S3Target {
  /** `https://host:port` (no path). */
  endpoint: string;
  /** Empty for virtual-hosted endpoints where the host names the bucket. */
  bucket: string;
  region: string;
  /** Static keys; undefined: the SDK's default credential chain (see the file comment). */
  credentials?: S3Credentials | undefined;
  ca?: string | Buffer | undefined;
  timeoutMs?: number;
}

export interface S3Object {
  key: string;
  /** Epoch ms. */
  modified: number;
  size: number;
}

export interface S3Listing {
  objects: S3Object[];
  /** Common prefixes (with the delimiter, e.g. `backups/2024-01-01/`). */
  prefixes: string[];
}

/** One bucket on one client (keep-alive sockets): `close()` when done. */
export interface S3Bucket {
  /** Lists keys under `prefix` (all pages); with `delimiter` groups deeper keys into prefixes. */
  list(prefix: string, delimiter?: string): Promise<S3Listing>;
  /** The bytes of one object. */
  get(key: string): Promise<Buffer>;
  /** Stores one object. */
  put(key: string, body: Buffer | string): Promise<void>;
  /** Creates the bucket; one that already exists and is ours is fine. */
  create(): Promise<void>;
  close(): void;
}

const AWS_ENDPOINT = /^https:\/\/s3\.[a-z0-9-]+\.amazonaws\.com$/;

/** Opens the target's bucket (loading the SDK the first time). */
export async function openS3(target: S3Target): Promise<S3Bucket> {
  const sdk = await import('@aws-sdk/client-s3');
  const client = new sdk.S3Client({
    region: target.region,
    credentials:
      target.credentials ?? (await import('@aws-sdk/credential-providers')).fromNodeProviderChain(),
    ...(AWS_ENDPOINT.test(target.endpoint)
      ? {}
      : { endpoint: target.endpoint, forcePathStyle: true, bucketEndpoint: !target.bucket }),
    // Checksums only where S3 requires them: many S3-compatible servers reject the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      httpsAgent: createAgent('https:', { ca: target.ca, maxSockets: 16 }),
      httpAgent: createAgent('http:', { maxSockets: 16 }),
      connectionTimeout: 10_000,
      requestTimeout: target.timeoutMs ?? 30_000,
    },
  });
  // With bucketEndpoint the "bucket" is the endpoint URL itself.
  const Bucket = target.bucket || target.endpoint;
  const where = [new URL(target.endpoint).host, target.bucket].filter(Boolean).join('/');
  const call = <T>(verb: string, key: string, send: (c: S3Client) => Promise<T>): Promise<T> =>
    send(client).catch((error: unknown) => {
      throw s3Error(`S3 ${verb} ${where}/${key}`, error);
    });
  return {
    async list(prefix, delimiter) {
      const listing: S3Listing = { objects: [], prefixes: [] };
      let token: string | undefined;
      do {
        const page = await call('list', prefix, (c) =>
          c.send(
            new sdk.ListObjectsV2Command({
              Bucket,
              Prefix: prefix,
              Delimiter: delimiter,
              ContinuationToken: token,
            }),
          ),
        );
        for (const o of page.Contents ?? [])
          listing.objects.push({
            key: o.Key ?? '',
            modified: o.LastModified?.getTime() ?? 0,
            size: o.Size ?? 0,
          });
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix) listing.prefixes.push(p.Prefix);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return listing;
    },
    async get(key) {
      return call('GET', key, async (c) => {
        const answer = await c.send(new sdk.GetObjectCommand({ Bucket, Key: key }));
        return Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
      });
    },
    async put(key, body) {
      await call('PUT', key, (c) =>
        c.send(new sdk.PutObjectCommand({ Bucket, Key: key, Body: Buffer.from(body) })),
      );
    },
    async create() {
      try {
        await call('create bucket', '', (c) => c.send(new sdk.CreateBucketCommand({ Bucket })));
      } catch (error) {
        if (!/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test((error as Error).message)) throw error;
      }
    },
    close: () => client.destroy(),
  };
}

/** Lists keys under `prefix` on a client of its own (see S3Bucket.list). */
export function listObjects(target: S3Target, prefix: string, delimiter?: string): Promise<S3Listing> {
  return once(target, (s3) => s3.list(prefix, delimiter));
}

/** The bytes of one object. */
export function getObject(target: S3Target, key: string): Promise<Buffer> {
  return once(target, (s3) => s3.get(key));
}

/** Stores one object. */
export function putObject(target: S3Target, key: string, body: Buffer | string): Promise<void> {
  return once(target, (s3) => s3.put(key, body));
}

/** Creates the bucket; one that already exists and is ours is fine. */
export function createBucket(target: S3Target): Promise<void> {
  return once(target, (s3) => s3.create());
}

async function once<T>(target: S3Target, use: (s3: S3Bucket) => Promise<T>): Promise<T> {
  const s3 = await openS3(target);
  try {
    return await use(s3);
  } finally {
    s3.close();
  }
}

/**
 * An SDK failure as mcsync words it: S3's own error code and message (`NoSuchBucket: ...`), a
 * credential chain that found nothing, or a transport failure (UnreachableError).
 */
function s3Error(what: string, error: unknown): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  if (e.name === 'CredentialsProviderError')
    return new McsyncError(
      `${what}: no S3 credentials: backup_location names no credentials secret or file, and the AWS credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, AWS_WEB_IDENTITY_TOKEN_FILE, container or instance metadata) found none`,
      { cause: error },
    );
  // Service exceptions carry $fault; transport failures (refused, TLS, timeouts) do not.
  if ('$fault' in e && !networkErrorCode(e)) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const code =
      e.name && !/^(Error|Unknown|S3ServiceException)$/.test(e.name) ? e.name : `HTTP ${status ?? '?'}`;
    return new McsyncError(`${what}: ${code}${e.message && e.message !== code ? `: ${e.message}` : ''}`, {
      cause: error,
    });
  }
  return new UnreachableError(`${what}: ${describeNetworkError(e, 'backup_location.ca_file')}`, {
    cause: error,
  });
}
