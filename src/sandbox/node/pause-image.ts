import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../exec.ts';
import { PAUSE_IMAGE } from './containerd-config.ts';

async function blob(dir: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const hex = createHash('sha256').update(data).digest('hex');
  await writeFile(path.join(dir, 'blobs', 'sha256', hex), data);
  return { digest: `sha256:${hex}`, size: data.length };
}

/**
 * Writes the pod sandbox ("pause") image as an OCI archive `ctr images import`
 * reads: one layer holding the static `pause` program built next to the
 * cluster binary (tools/sandbox-cluster/pause), named PAUSE_IMAGE.
 */
export async function writePauseImage(pauseBinary: string, tarFile: string): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'mcsync-pause-'));
  try {
    const layout = path.join(work, 'layout');
    await mkdir(path.join(layout, 'blobs', 'sha256'), { recursive: true });
    await mkdir(path.join(work, 'rootfs'));
    await copyFile(pauseBinary, path.join(work, 'rootfs', 'pause'));
    const layerTar = path.join(work, 'layer.tar');
    await run('tar', [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '-cf',
      layerTar,
      '-C',
      path.join(work, 'rootfs'),
      'pause',
    ]);
    const layer = await blob(layout, await readFile(layerTar));
    const config = await blob(
      layout,
      Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Entrypoint: ['/pause'], User: '65535:65535' },
          rootfs: { type: 'layers', diff_ids: [layer.digest] },
        }),
      ),
    );
    const manifest = await blob(
      layout,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
        }),
      ),
    );
    await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(
      path.join(layout, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            ...manifest,
            annotations: { 'io.containerd.image.name': PAUSE_IMAGE },
          },
        ],
      }),
    );
    await run('tar', ['-cf', tarFile, '-C', layout, '.']);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
