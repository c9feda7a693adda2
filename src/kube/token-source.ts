/**
 * Credentials read from files, re-read when the files change: projected service account tokens in
 * a pod are rotated by the kubelet (an atomic symlink swap), and client certificates by
 * cert-manager or a sidecar, so a long-running observer must not keep sending the expired ones.
 * A file is checked at most once per interval, so a busy client pays one stat() every few
 * seconds; after a 401 the caller forces a check (`refresh`).
 */
import { readFileSync, statSync } from 'node:fs';

export interface TokenSource {
  current(): string | undefined;
  /** Checks the file now (after a 401); true when a different token was read. */
  refresh(): boolean;
}

/** A fixed token (inline, environment, kubeconfig) or none. */
export function fixedToken(token: string | undefined): TokenSource {
  return { current: () => token, refresh: () => false };
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
  const watched = watchedFile(file, initial, { onChange: onToken, checkEveryMs, now, trim: true });
  return { current: () => watched.current(), refresh: () => watched.refresh() };
}

/** The content of one file as last read. */
export interface WatchedFile {
  current(): string;
  /** Re-reads the file now if its mtime changed; true when the content changed. */
  refresh(): boolean;
}

export interface WatchedFileOptions {
  onChange?: (content: string) => void;
  /** Least time between two checks (default 5 s). */
  checkEveryMs?: number;
  now?: () => number;
  /** Trim whitespace (tokens); PEM files are kept as they are. */
  trim?: boolean;
}

/** A file re-read when its mtime changes; an unreadable or empty file keeps the last content. */
export function watchedFile(file: string, initial: string, options: WatchedFileOptions = {}): WatchedFile {
  const now = options.now ?? Date.now;
  const checkEveryMs = options.checkEveryMs ?? 5_000;
  let content = initial;
  let checkedAt = now();
  let mtimeMs = mtimeOf(file);
  const check = (): boolean => {
    checkedAt = now();
    const mtime = mtimeOf(file);
    if (mtime === undefined || mtime === mtimeMs) return false;
    mtimeMs = mtime;
    try {
      const text = readFileSync(file, 'utf8');
      const next = options.trim ? text.trim() : text;
      if (!next.trim() || next === content) return false;
      options.onChange?.(next);
      content = next;
      return true;
    } catch {
      return false; // keep the last good content
    }
  };
  return {
    current(): string {
      if (now() - checkedAt >= checkEveryMs) check();
      return content;
    },
    refresh: check,
  };
}

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
