// Test and bench helper: build small multi-layer OCI images (and two-platform indexes) as OCI
// layouts on disk without any network, push them to a sandbox registry with real skopeo, and
// pull them back (manifest + every blob, digests checked) with a registry's basic credentials.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const ACCEPT = [
  OCI_INDEX,
  OCI_MANIFEST,
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
}

/** A registry to push to or pull from: host:port, CA PEM and basic credentials. */
export interface RegistryLogin {
  registry: string;
  ca: string;
  username: string;
  password: string;
}

/** One file in a POSIX ustar archive (enough for a layer; deterministic: mtime 0, root owner). */
export function tarOf(files: Record<string, Buffer | string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

async function writeBlob(layout: string, data: Buffer | string, mediaType: string): Promise<Descriptor> {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const hex = createHash('sha256').update(buf).digest('hex');
  await writeFile(path.join(layout, 'blobs', 'sha256', hex), buf);
  return { mediaType, digest: `sha256:${hex}`, size: buf.length };
}

async function startLayout(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
}

async function writeManifest(
  dir: string,
  layers: number,
  seed: string,
  layerBytes: number,
  arch: string,
): Promise<Descriptor> {
  const layerDescs: Descriptor[] = [];
  const diffIds: string[] = [];
  for (let i = 0; i < layers; i += 1) {
    const filler = layerBytes > 0 ? randomBytes(layerBytes) : Buffer.alloc(0);
    const tar = tarOf({ [`layer-${i}.txt`]: `${seed} ${arch} layer ${i}\n`, [`data-${i}.bin`]: filler });
    diffIds.push(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
    // gzip like real images: skopeo would compress plain tar layers on push and change the digest
    layerDescs.push(
      await writeBlob(dir, gzipSync(tar, { level: 1 }), 'application/vnd.oci.image.layer.v1.tar+gzip'),
    );
  }
  const config = await writeBlob(
    dir,
    JSON.stringify({
      architecture: arch,
      os: 'linux',
      config: { Cmd: ['/layer-0.txt'], Labels: { seed } },
      rootfs: { type: 'layers', diff_ids: diffIds },
    }),
    'application/vnd.oci.image.config.v1+json',
  );
  return writeBlob(
    dir,
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: layerDescs }),
    OCI_MANIFEST,
  );
}

async function writeIndex(dir: string, manifests: Descriptor[], tag: string): Promise<void> {
  const ref = { annotations: { 'org.opencontainers.image.ref.name': tag } };
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: manifests.map((m) => ({ ...m, ...ref })) }),
  );
}

/**
 * An OCI layout in `dir` with one image of `layers` layers under tag `latest`; each layer holds a
 * text file naming `seed` (so different seeds give different digests) and `layerBytes` random
 * bytes. Returns the manifest digest.
 */
export async function writeLayeredImage(
  dir: string,
  options: { layers?: number; seed?: string; layerBytes?: number } = {},
): Promise<string> {
  await startLayout(dir);
  const seed = options.seed ?? randomBytes(6).toString('hex');
  const manifest = await writeManifest(dir, options.layers ?? 3, seed, options.layerBytes ?? 0, 'amd64');
  await writeIndex(dir, [manifest], 'latest');
  return manifest.digest;
}

/**
 * An OCI layout whose tag `latest` is an image index of two platforms (linux/amd64 and
 * linux/arm64). Returns the index digest and the per-platform manifest digests.
 */
export async function writeImageIndex(
  dir: string,
  seed = randomBytes(6).toString('hex'),
): Promise<{ digest: string; platforms: Record<string, string> }> {
  await startLayout(dir);
  const platforms: Record<string, string> = {};
  const entries: Descriptor[] = [];
  for (const arch of ['amd64', 'arm64']) {
    const m = await writeManifest(dir, 2, seed, 0, arch);
    platforms[arch] = m.digest;
    entries.push({ ...m, platform: { os: 'linux', architecture: arch } });
  }
  const index = await writeBlob(
    dir,
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }),
    OCI_INDEX,
  );
  await writeIndex(dir, [index], 'latest');
  return { digest: index.digest, platforms };
}

function exec(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, (error, _stdout, stderr) =>
      error ? reject(new Error(`${file} failed: ${stderr.trim() || error.message}`)) : resolve(),
    );
  });
}

/** Pushes tag `latest` of the layout (all platforms) to `login.registry/<name>` with real skopeo. */
export async function pushLayout(layoutDir: string, login: RegistryLogin, name: string): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'mcsync-push-'));
  try {
    const auth = Buffer.from(`${login.username}:${login.password}`).toString('base64');
    const authFile = path.join(work, 'auth.json');
    await writeFile(authFile, JSON.stringify({ auths: { [login.registry]: { auth } } }), { mode: 0o600 });
    await mkdir(path.join(work, 'certs'));
    await writeFile(path.join(work, 'certs', 'ca.crt'), login.ca);
    await exec('skopeo', [
      'copy',
      '--quiet',
      '--all',
      '--preserve-digests',
      '--dest-authfile',
      authFile,
      '--dest-cert-dir',
      path.join(work, 'certs'),
      `oci:${layoutDir}:latest`,
      `docker://${login.registry}/${name}`,
    ]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(login: RegistryLogin, urlPath: string, method = 'GET'): Promise<Answer> {
  const authorization = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const req = https.request(
      `https://${login.registry}${urlPath}`,
      { method, ca: login.ca, agent: false, headers: { accept: ACCEPT, authorization } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.end();
  });
}

/** The digest a registry reports for `repo:reference` (undefined: 404). */
export async function manifestDigest(
  login: RegistryLogin,
  repo: string,
  reference: string,
): Promise<string | undefined> {
  const res = await get(login, `/v2/${repo}/manifests/${reference}`, 'HEAD');
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`HEAD ${repo}:${reference} on ${login.registry}: ${res.status}`);
  return res.headers['docker-content-digest'] as string;
}

/**
 * Pulls `repo:reference` like a container runtime would: the manifest (and for an index every
 * platform manifest), then every blob, checking each blob's sha256. Returns the top digest.
 */
export async function pullImage(login: RegistryLogin, repo: string, reference: string): Promise<string> {
  const res = await get(login, `/v2/${repo}/manifests/${reference}`);
  if (res.status !== 200)
    throw new Error(`GET manifest ${repo}:${reference} on ${login.registry}: HTTP ${res.status}`);
  const digest = `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
  const doc = JSON.parse(res.body.toString('utf8')) as {
    manifests?: Descriptor[];
    config?: Descriptor;
    layers?: Descriptor[];
  };
  for (const child of doc.manifests ?? []) await pullImage(login, repo, child.digest);
  for (const blob of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) {
    const b = await get(login, `/v2/${repo}/blobs/${blob.digest}`);
    if (b.status !== 200) throw new Error(`GET blob ${blob.digest} of ${repo}: HTTP ${b.status}`);
    const got = `sha256:${createHash('sha256').update(b.body).digest('hex')}`;
    if (got !== blob.digest) throw new Error(`blob ${blob.digest} of ${repo} has digest ${got}`);
  }
  return digest;
}
