// A real S3-compatible server for tests: versitygw (built from the Go module proxy by
// scripts/build-s3-server.sh, cached per version) serving a temporary directory through its
// posix backend, on a free loopback port, with a random access key. Stopped by an `after` hook
// and by an exit handler if the process dies first.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface S3Fixture {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The directory the posix backend serves (one subdirectory per bucket). */
  dir: string;
  stop(): Promise<void>;
}

/** A bucket on `s3` (not yet created) with the fixture's static keys, as the S3 client takes it. */
export function bucketOn(
  s3: S3Fixture,
  bucket: string,
): {
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    endpoint: s3.endpoint,
    bucket,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  };
}

/** The versitygw binary (building it the first time, which takes a minute or two). */
export async function s3ServerBinary(): Promise<string> {
  const { stdout } = await promisify(execFile)(path.join(repoRoot, 'scripts', 'build-s3-server.sh'), {
    maxBuffer: 1 << 20,
  });
  return stdout.trim().split('\n').pop() ?? '';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = exited();
    if (why) throw new Error(`versitygw exited during startup: ${why}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`versitygw did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts versitygw; `hooks.after` stops it and removes its directory. With `tls` (PEM certificate
 * and key) it serves HTTPS.
 */
export async function startS3Server(
  hooks: {
    after(fn: () => Promise<void> | void): void;
  },
  options: { tls?: { cert: string; key: string } } = {},
): Promise<S3Fixture> {
  const binary = await s3ServerBinary();
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-s3-'));
  const port = await freePort();
  const accessKeyId = `mcsync${randomBytes(4).toString('hex')}`;
  const secretAccessKey = randomBytes(16).toString('hex');
  // Outside the served directory, where every entry is a bucket.
  const tlsDir = options.tls ? await mkdtemp(path.join(tmpdir(), 'mcsync-s3-tls-')) : undefined;
  const tlsArgs: string[] = [];
  if (options.tls && tlsDir) {
    await writeFile(path.join(tlsDir, 'cert.pem'), options.tls.cert);
    await writeFile(path.join(tlsDir, 'key.pem'), options.tls.key, { mode: 0o600 });
    tlsArgs.push('--cert', path.join(tlsDir, 'cert.pem'), '--key', path.join(tlsDir, 'key.pem'));
  }
  const child = spawn(
    binary,
    [
      '--access',
      accessKeyId,
      '--secret',
      secretAccessKey,
      '--port',
      `127.0.0.1:${port}`,
      ...tlsArgs,
      'posix',
      dir,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  let exit: string | undefined;
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-2000)));
  child.on('exit', (code, signal) => (exit = `code ${code ?? signal}: ${stderr}`));
  const killAtExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killAtExit);
  const stop = async (): Promise<void> => {
    process.off('exit', killAtExit);
    if (exit === undefined) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
    if (tlsDir) await rm(tlsDir, { recursive: true, force: true });
  };
  hooks.after(stop);
  await waitForPort(port, 15_000, () => exit);
  return {
    endpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    accessKeyId,
    secretAccessKey,
    region: 'us-east-1',
    dir,
    stop,
  };
}
