import https from 'node:https';

/** An HTTPS endpoint of the sandbox and how to trust and authenticate to it. */
export interface HttpsTarget {
  /** Base URL, e.g. https://127.0.0.1:41234 */
  url: string;
  /** PEM of the CA that signed the server certificate; required, TLS is always verified. */
  ca: string;
  /** Bearer token (API servers). */
  token?: string;
  /** Basic auth (registries). */
  basic?: { username: string; password: string };
}

/** A response with its parsed JSON body (or null when the body is not JSON). */
export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Options of one request. */
export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

/**
 * One HTTPS request, verified against the target's CA, resolving with the
 * status whatever it is (callers assert on 401/403/410). Rejects only on
 * transport errors (refused, TLS failure, timeout), so callers can tell an
 * unreachable cluster from a refusing one.
 */
export function httpsRequest(
  target: HttpsTarget,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<HttpsResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  if (target.basic) {
    const raw = `${target.basic.username}:${target.basic.password}`;
    headers.authorization = `Basic ${Buffer.from(raw).toString('base64')}`;
  }
  if (payload !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, target.url),
      { method, headers, ca: target.ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}
