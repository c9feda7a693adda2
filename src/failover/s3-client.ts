/**
 * A minimal S3 client (path-style, AWS Signature V4 with node:crypto) for any S3-compatible
 * service: list objects, get, put, create a bucket. Enough to read backups and, in tests and the
 * benchmark, to write them. Keys and secrets never appear in errors.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { McsyncError, UnreachableError } from '../errors.ts';
import { describeFailure } from './https-source.ts';

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
  credentials: S3Credentials;
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

/** Lists keys under `prefix` (all pages); with `delimiter` groups deeper keys into prefixes. */
export async function listObjects(target: S3Target, prefix: string, delimiter?: string): Promise<S3Listing> {
  const listing: S3Listing = { objects: [], prefixes: [] };
  let token: string | undefined;
  do {
    const query: Record<string, string> = { 'list-type': '2', prefix };
    if (delimiter) query['delimiter'] = delimiter;
    if (token) query['continuation-token'] = token;
    const xml = (await s3Request(target, 'GET', '', query)).toString('utf8');
    for (const block of xml.match(/<Contents>[\s\S]*?<\/Contents>/g) ?? []) {
      listing.objects.push({
        key: xmlText(tag(block, 'Key')),
        modified: Date.parse(tag(block, 'LastModified')) || 0,
        size: Number(tag(block, 'Size')) || 0,
      });
    }
    for (const block of xml.match(/<CommonPrefixes>[\s\S]*?<\/CommonPrefixes>/g) ?? []) {
      listing.prefixes.push(xmlText(tag(block, 'Prefix')));
    }
    token = tag(xml, 'IsTruncated') === 'true' ? xmlText(tag(xml, 'NextContinuationToken')) : undefined;
  } while (token);
  return listing;
}

/** The bytes of one object. */
export function getObject(target: S3Target, key: string): Promise<Buffer> {
  return s3Request(target, 'GET', key);
}

/** Stores one object. */
export async function putObject(target: S3Target, key: string, body: Buffer | string): Promise<void> {
  await s3Request(target, 'PUT', key, {}, Buffer.from(body));
}

/** Creates the bucket; one that already exists and is ours is fine. */
export async function createBucket(target: S3Target): Promise<void> {
  try {
    await s3Request(target, 'PUT', '');
  } catch (error) {
    if (!/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test((error as Error).message)) throw error;
  }
}

function tag(xml: string, name: string): string {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1] ?? '';
}

function xmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** RFC 3986 encoding as SigV4 wants it (slashes kept in paths). */
function encode(text: string, keepSlash = false): string {
  const encoded = encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** The Authorization header and friends for one request (AWS SigV4, service s3). */
export function signRequest(options: {
  method: string;
  url: URL;
  region: string;
  credentials: S3Credentials;
  payloadHash: string;
  date: Date;
}): Record<string, string> {
  const { url, credentials } = options;
  const amzDate = options.date.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': options.payloadHash,
    'x-amz-date': amzDate,
  };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [
    options.method,
    url.pathname,
    query,
    names.map((n) => `${n}:${String(headers[n]).trim()}\n`).join(''),
    names.join(';'),
    options.payloadHash,
  ].join('\n');
  const scope = `${day}/${options.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [options.region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}

function s3Request(
  target: S3Target,
  method: 'GET' | 'PUT',
  key: string,
  query: Record<string, string> = {},
  body?: Buffer,
): Promise<Buffer> {
  const base = new URL(target.endpoint);
  const path = `/${[target.bucket, key]
    .filter(Boolean)
    .map((p) => encode(p, true))
    .join('/')}`;
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(query)) url.searchParams.append(k, v);
  url.search = url.search.replace(/\+/g, '%20');
  const headers = signRequest({
    method,
    url,
    region: target.region,
    credentials: target.credentials,
    payloadHash: sha256(body ?? ''),
    date: new Date(),
  });
  if (body) headers['content-length'] = String(body.length);
  const lib = url.protocol === 'http:' ? http : https;
  const what = `S3 ${method} ${url.host}${url.pathname}`;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      { method, headers, ...(target.ca ? { ca: target.ca } : {}), timeout: target.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const data = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(data);
          const code = tag(data.toString('utf8'), 'Code') || `HTTP ${status}`;
          const message = tag(data.toString('utf8'), 'Message');
          reject(new McsyncError(`${what}: ${code}${message ? `: ${message}` : ''}`));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${target.timeoutMs ?? 30_000} ms`)));
    req.on('error', (error) =>
      reject(new UnreachableError(`${what}: ${describeFailure(error)}`, { cause: error })),
    );
    req.end(body);
  });
}
