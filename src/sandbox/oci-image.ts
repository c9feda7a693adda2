import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './exec.ts';

async function writeBlob(layout: string, data: Buffer | string): Promise<{ digest: string; size: number }> {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const hex = createHash('sha256').update(buf).digest('hex');
  await writeFile(path.join(layout, 'blobs', 'sha256', hex), buf);
  return { digest: `sha256:${hex}`, size: buf.length };
}

/**
 * Writes a tiny single-layer OCI image layout to `dir` (tag `latest`), so tests
 * and the demo can push a real image with `skopeo copy oci:DIR:latest docker://…`
 * without any network access. The layer holds one file with `content`.
 */
export async function writeOciImage(dir: string, content: string): Promise<string> {
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const work = await mkdtemp(path.join(tmpdir(), 'mcsync-oci-'));
  try {
    await writeFile(path.join(work, 'hello.txt'), content);
    return await writeSingleLayerLayout(
      dir,
      await reproducibleLayer(work, 'hello.txt'),
      { config: { Cmd: ['/hello.txt'] } },
      { 'org.opencontainers.image.ref.name': 'latest' },
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * An uncompressed layer holding `dir/file` at the root, the same bytes on every build (sorted,
 * time 0, owner root), so the image's digest depends only on the file.
 */
export async function reproducibleLayer(dir: string, file: string): Promise<Buffer> {
  const tarFile = path.join(dir, `${file}.layer.tar`);
  try {
    await run('tar', [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '-cf',
      tarFile,
      '-C',
      dir,
      file,
    ]);
    return await readFile(tarFile);
  } finally {
    await rm(tarFile, { force: true });
  }
}

/**
 * Writes an OCI image layout of one uncompressed layer into `layout` (which must hold
 * `blobs/sha256/`): the layer, an amd64/linux config with `image` merged in, the manifest, and an
 * index.json whose one entry carries `annotations` (the name a tool imports it under). Returns
 * the manifest digest. Shared by the test image and the pod sandbox ("pause") image.
 */
export async function writeSingleLayerLayout(
  layout: string,
  layerTar: Buffer,
  image: Record<string, unknown>,
  annotations: Record<string, string>,
): Promise<string> {
  const layer = await writeBlob(layout, layerTar);
  const config = await writeBlob(
    layout,
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      ...image,
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
  );
  const manifest = await writeBlob(
    layout,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    }),
  );
  await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations }],
    }),
  );
  return manifest.digest;
}
