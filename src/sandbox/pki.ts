import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './exec.ts';
import type { SandboxLayout } from './layout.ts';

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates, once per sandbox, a private CA and one serving certificate for
 * 127.0.0.1 and localhost signed by it. Every API server and registry of the
 * sandbox listens on loopback, so one certificate serves them all, and clients
 * only ever need DIR/certs/ca.crt: TLS is verified, never skipped.
 */
export async function ensurePki(layout: SandboxLayout): Promise<void> {
  await mkdir(path.dirname(layout.caKey), { recursive: true, mode: 0o700 });
  await mkdir(layout.certDir, { recursive: true });
  await mkdir(layout.serverDir, { recursive: true, mode: 0o700 });
  if (!(await exists(layout.caCert)) || !(await exists(layout.caKey))) {
    await run('openssl', ['genrsa', '-out', layout.caKey, '2048']);
    await run('openssl', [
      'req',
      '-x509',
      '-new',
      '-key',
      layout.caKey,
      '-sha256',
      '-days',
      '3650',
      '-subj',
      '/CN=mcsync-sandbox-ca',
      '-out',
      layout.caCert,
    ]);
  }
  if (!(await exists(layout.serverCert)) || !(await exists(layout.serverKey))) {
    await issueServerCert(layout);
  }
  await copyFile(layout.caCert, path.join(layout.serverDir, 'ca.crt'));
}

async function issueServerCert(layout: SandboxLayout): Promise<void> {
  const csr = path.join(layout.serverDir, 'apiserver.csr');
  const ext = path.join(tmpdir(), `mcsync-sandbox-ext-${process.pid}.cnf`);
  await writeFile(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
      '',
    ].join('\n'),
  );
  try {
    await run('openssl', ['genrsa', '-out', layout.serverKey, '2048']);
    await run('openssl', ['req', '-new', '-key', layout.serverKey, '-subj', '/CN=127.0.0.1', '-out', csr]);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      layout.caCert,
      '-CAkey',
      layout.caKey,
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '3650',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      layout.serverCert,
    ]);
  } finally {
    await rm(ext, { force: true });
    await rm(csr, { force: true });
  }
}
