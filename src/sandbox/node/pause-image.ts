import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../exec.ts';
import { reproducibleLayer, writeSingleLayerLayout } from '../oci-image.ts';
import { PAUSE_IMAGE } from './containerd-config.ts';

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
    await writeSingleLayerLayout(
      layout,
      await reproducibleLayer(path.join(work, 'rootfs'), 'pause'),
      { config: { Entrypoint: ['/pause'], User: '65535:65535' } },
      { 'io.containerd.image.name': PAUSE_IMAGE },
    );
    await run('tar', ['-cf', tarFile, '-C', layout, '.']);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
