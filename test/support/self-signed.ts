// The one self-signed certificate of the tests: for 127.0.0.1 and localhost, made by openssl
// once per process, and vouched for by no CA, so a client trusts it only when told to (ca_file,
// ca_path, validate_certs: false). Servers use it for TLS and mTLS tests alike.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SelfSignedCert {
  /** PEM certificate (also the CA a client must be given to trust it). */
  cert: string;
  /** PEM private key (EC P-256). */
  key: string;
  /** The certificate as a file, for settings that take a path; removed when the process exits. */
  certFile: string;
}

let made: SelfSignedCert | undefined;

/** The process's self-signed certificate (made on first use; openssl must be on PATH). */
export function selfSignedCert(): SelfSignedCert {
  if (made) return made;
  const dir = mkdtempSync(path.join(tmpdir(), 'mcsync-selfsigned-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1']
      .concat(['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'])
      .concat(['-keyout', keyFile, '-out', certFile]),
    { stdio: 'ignore' },
  );
  made = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
  return made;
}
