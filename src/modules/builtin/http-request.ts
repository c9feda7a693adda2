/**
 * A minimal HTTP(S) client for uri and wait_for on node:http/https. Global fetch cannot turn off
 * certificate checks or add a CA per request without the undici package, and both modules need
 * `validate_certs` and `ca_path`.
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Whole-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Verify the server certificate (default true). */
  validateCerts?: boolean;
  /** PEM file of CA certificates to trust instead of the system ones. */
  caPath?: string;
  /** Follow up to 5 redirects of GET/HEAD requests (default true). */
  followRedirects?: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  redirected: boolean;
}

const MAX_REDIRECTS = 5;

/** Sends one request (following redirects when allowed); rejects on network and TLS errors. */
export async function sendHttp(req: HttpRequest): Promise<HttpResponse> {
  const ca = req.caPath === undefined ? undefined : await readFile(req.caPath, 'utf8');
  let url = req.url;
  const method = (req.method ?? 'GET').toUpperCase();
  for (let hop = 0; ; hop++) {
    const response = await sendOnce(req, url, method, ca);
    const location = response.headers.location;
    const follow = req.followRedirects !== false && (method === 'GET' || method === 'HEAD');
    if (!follow || !location || response.status < 300 || response.status >= 400 || hop >= MAX_REDIRECTS) {
      return { ...response, redirected: hop > 0 };
    }
    url = new URL(location, url).toString();
  }
}

function sendOnce(
  req: HttpRequest,
  url: string,
  method: string,
  ca: string | undefined,
): Promise<Omit<HttpResponse, 'redirected'>> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send =
      target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
    if (!send) {
      reject(new Error(`unsupported URL scheme '${target.protocol}' (expected http: or https:)`));
      return;
    }
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined && !hasHeader(headers, 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(req.body));
    }
    const options = {
      method,
      headers,
      timeout: req.timeoutMs ?? 30_000,
      signal: req.signal,
      ...(target.protocol === 'https:'
        ? { rejectUnauthorized: req.validateCerts !== false, ...(ca ? { ca } : {}) }
        : {}),
    };
    const request = send(target, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          url,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('timeout', () => request.destroy(new Error(`request timed out after ${options.timeout} ms`)));
    request.on('error', reject);
    request.end(req.body);
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
