// A small typed client for tests: JSON over HTTPS with the sandbox CA and a
// bearer token. Tests assert on status codes (401, 403, 410), so nothing here
// throws on a non-2xx answer.
import { httpsRequest, type HttpsResponse, type HttpsTarget } from '../../src/sandbox/https-json.ts';

export type { HttpsResponse, HttpsTarget };

export interface KubeApi {
  target: HttpsTarget;
  get(path: string, timeoutMs?: number): Promise<HttpsResponse>;
  post(path: string, body: unknown): Promise<HttpsResponse>;
  put(path: string, body: unknown): Promise<HttpsResponse>;
  patch(path: string, body: unknown, contentType?: string): Promise<HttpsResponse>;
  /** Server-side apply with field manager `mcsync-test`. */
  apply(path: string, body: unknown): Promise<HttpsResponse>;
  delete(path: string): Promise<HttpsResponse>;
}

export function kubeApi(target: HttpsTarget): KubeApi {
  return {
    target,
    get: (path, timeoutMs) => httpsRequest(target, 'GET', path, timeoutMs ? { timeoutMs } : {}),
    post: (path, body) => httpsRequest(target, 'POST', path, { body }),
    put: (path, body) => httpsRequest(target, 'PUT', path, { body }),
    patch: (path, body, contentType = 'application/merge-patch+json') =>
      httpsRequest(target, 'PATCH', path, { body, contentType }),
    apply: (path, body) =>
      httpsRequest(
        target,
        'PATCH',
        `${path}${path.includes('?') ? '&' : '?'}fieldManager=mcsync-test&force=true`,
        {
          body,
          contentType: 'application/apply-patch+yaml',
        },
      ),
    delete: (path) => httpsRequest(target, 'DELETE', path),
  };
}

/** Throws with the response text unless the status is 2xx: for setup steps in tests. */
export function ok(res: HttpsResponse, what: string): HttpsResponse {
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 400)}`);
  return res;
}
