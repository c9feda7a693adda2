/**
 * The credentials of one connection for the next request, kept fresh: an exec plugin runs again
 * before its token expires, `token_file` and `client_cert_file`/`client_key_file` are re-read
 * when they change. After a 401 the transport calls `renew` once: the plugin runs again (or the
 * files are checked at once), and the request is sent once more only when that gave something
 * new; a second 401 is the caller's to report.
 */
import { createSecureContext } from 'node:tls';
import type { KubeConnection } from './connection.ts';
import type { ExecCredential } from './exec-credential.ts';
import { fileToken, fixedToken, watchedFile } from './token-source.ts';
import type { TokenSource, WatchedFile } from './token-source.ts';

/** What one request authenticates with. Holds secrets: never log or print it. */
export interface Credentials {
  token: string | undefined;
  cert: string | Buffer | undefined;
  key: string | Buffer | undefined;
}

export interface CredentialSource {
  /** The credentials for the next request (may run the exec plugin). */
  current(): Promise<Credentials>;
  /** A request sent with `used` got 401: refresh; true when current() now returns other ones. */
  renew(used: Credentials): Promise<boolean>;
}

/** Builds the source for a resolved connection (exec plugin, token file, cert files or fixed). */
export function credentialSource(conn: KubeConnection, now: () => number = Date.now): CredentialSource {
  const pair = conn.certFile && conn.keyFile ? certPair(conn, now) : undefined;
  const fixed = { cert: conn.cert, key: conn.key };
  const certs = (): Pick<Credentials, 'cert' | 'key'> => pair?.current() ?? fixed;
  const exec = conn.exec;
  if (exec) {
    let last: ExecCredential | undefined;
    return {
      async current() {
        last = await exec.get();
        return last.cert
          ? { token: last.token, cert: last.cert, key: last.key }
          : { token: last.token, ...certs() };
      },
      async renew(used) {
        if (last && last.token === used.token && last.cert === used.cert) exec.invalidate(last);
        return changed(used, await this.current());
      },
    };
  }
  const token: TokenSource =
    conn.tokenFile && conn.token
      ? fileToken(conn.tokenFile, conn.token, conn.onNewToken, 5_000, now)
      : fixedToken(conn.token);
  return {
    current: () => Promise.resolve({ token: token.current(), ...certs() }),
    renew(used) {
      token.refresh();
      pair?.refresh();
      return this.current().then((next) => changed(used, next));
    },
  };
}

function changed(a: Credentials, b: Credentials): boolean {
  return a.token !== b.token || a.cert !== b.cert || a.key !== b.key;
}

interface CertPair {
  current(): { cert: string; key: string };
  refresh(): void;
}

/**
 * client_cert_file and client_key_file, re-read when either changes. A rotation writes two
 * files; until both belong together (the key matches the certificate) the last good pair is used.
 */
function certPair(conn: KubeConnection, now: () => number): CertPair {
  const certFile = conn.certFile ?? '';
  const keyFile = conn.keyFile ?? '';
  let good = { cert: String(conn.cert ?? ''), key: String(conn.key ?? '') };
  const cert: WatchedFile = watchedFile(certFile, good.cert, { now });
  const key: WatchedFile = watchedFile(keyFile, good.key, {
    now,
    onChange: (k) => conn.onNewToken?.(k.trim()),
  });
  const take = (next: { cert: string; key: string }): void => {
    if (next.cert === good.cert && next.key === good.key) return;
    try {
      createSecureContext(next);
      good = next;
    } catch {
      // half-rotated (key and certificate do not match yet): keep the last pair that did
    }
  };
  return {
    current() {
      take({ cert: cert.current(), key: key.current() });
      return good;
    },
    refresh() {
      cert.refresh();
      key.refresh();
      take({ cert: cert.current(), key: key.current() });
    },
  };
}
