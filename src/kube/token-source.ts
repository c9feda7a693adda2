/**
 * The bearer token of a connection, re-read from its token file when the file changes: projected
 * service account tokens in a pod are rotated by the kubelet (an atomic symlink swap), and a
 * long-running observer must not keep sending the expired one. The file is checked at most once
 * per interval, so a busy client pays one stat() every few seconds.
 */
import { readFileSync, statSync } from 'node:fs';

export interface TokenSource {
  current(): string | undefined;
}

/** A fixed token (inline, environment, kubeconfig) or none. */
export function fixedToken(token: string | undefined): TokenSource {
  return { current: () => token };
}

/**
 * `initial` was read from `file` when the connection was resolved. A file that becomes unreadable
 * or empty keeps the last good token (the next request's 401 says what is wrong); `onToken`
 * registers each new token as a secret so it is masked like the first one.
 */
export function fileToken(
  file: string,
  initial: string,
  onToken: (token: string) => void = () => undefined,
  checkEveryMs = 5_000,
  now: () => number = Date.now,
): TokenSource {
  let token = initial;
  let checkedAt = now();
  let mtimeMs = mtimeOf(file);
  return {
    current(): string {
      if (now() - checkedAt < checkEveryMs) return token;
      checkedAt = now();
      const mtime = mtimeOf(file);
      if (mtime === undefined || mtime === mtimeMs) return token;
      mtimeMs = mtime;
      try {
        const next = readFileSync(file, 'utf8').trim();
        if (next && next !== token) {
          onToken(next);
          token = next;
        }
      } catch {
        // keep the last good token
      }
      return token;
    },
  };
}

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
