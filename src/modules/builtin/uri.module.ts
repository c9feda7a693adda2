/**
 * uri: calls an HTTP(S) endpoint and checks the status. Request headers are never echoed back in
 * the result, so an Authorization header cannot reach the output.
 */
import type { ModuleDefinition } from '../../model/module.ts';
import type { ModuleResult } from '../../model/result.ts';
import { httpRequest } from '../../http/client.ts';
import type { HttpResponse } from '../../http/client.ts';
import { describeNetworkError } from '../../http/errors.ts';
import { tlsOptionsOf } from './tls-args.ts';

export interface UriArgs {
  url: string;
  method?: string;
  body?: unknown;
  /** `json` serialises `body` and sets Content-Type; `form-urlencoded` encodes a mapping; `raw` sends text. */
  body_format?: 'json' | 'raw' | 'form-urlencoded';
  headers?: Record<string, string>;
  /** Accepted status codes (default [200]). */
  status_code?: number | number[];
  /** Put the body in `content` (JSON bodies are always parsed into `json`). */
  return_content?: boolean;
  validate_certs?: boolean;
  ca_path?: string;
  /** Seconds (default 30). */
  timeout?: number;
  follow_redirects?: boolean;
}

export const uriModule: ModuleDefinition<UriArgs> = {
  name: 'uri',
  description: 'Call an HTTP(S) endpoint and check its status code.',
  supportsCheckMode: false,
  argsSchema: {
    type: 'object',
    properties: {
      url: { type: 'string', pattern: '^https?://' },
      method: { type: 'string', pattern: '^[A-Za-z]+$' },
      body: {},
      body_format: { enum: ['json', 'raw', 'form-urlencoded'] },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      status_code: {
        anyOf: [
          { type: 'integer', minimum: 100, maximum: 599 },
          { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, minItems: 1 },
        ],
      },
      return_content: { type: 'boolean' },
      validate_certs: { type: 'boolean' },
      ca_path: { type: 'string', minLength: 1 },
      timeout: { type: 'number', exclusiveMinimum: 0 },
      follow_redirects: { type: 'boolean' },
    },
    required: ['url'],
    additionalProperties: false,
  },
  async run(args, context) {
    const expected =
      args.status_code === undefined
        ? [200]
        : Array.isArray(args.status_code)
          ? args.status_code
          : [args.status_code];
    const headers: Record<string, string> = { ...args.headers };
    const body = encodeBody(args, headers);
    const started = context.services.clock.now();
    let response: HttpResponse;
    try {
      response = await httpRequest(args.url, {
        method: args.method ?? 'GET',
        headers,
        body,
        timeoutMs: (args.timeout ?? 30) * 1000,
        tls: await tlsOptionsOf(args),
        // As before: the caller's headers go wherever the URL leads (the user set them for it).
        ...(args.follow_redirects === false
          ? {}
          : { redirect: { max: 5, authorization: 'always', beyondMax: 'return' } as const }),
        signal: context.signal,
      });
    } catch (error) {
      if (context.signal.aborted) throw error;
      const why = describeNetworkError(error, 'ca_path');
      return {
        changed: false,
        failed: true,
        status: -1,
        url: args.url,
        msg: `Status code was -1 and not ${JSON.stringify(expected)}: Request failed: ${why}`,
      };
    }
    const result = describeResponse(response, args);
    result['elapsed'] = Math.round((context.services.clock.now() - started) / 1000);
    if (!expected.includes(response.status)) {
      result.failed = true;
      result.msg = `Status code was ${response.status} and not ${JSON.stringify(expected)}: ${result.msg ?? ''}`;
    }
    return result;
  },
};

function encodeBody(args: UriArgs, headers: Record<string, string>): string | undefined {
  if (args.body === undefined) return undefined;
  const setType = (type: string): void => {
    if (!Object.keys(headers).some((key) => key.toLowerCase() === 'content-type'))
      headers['Content-Type'] = type;
  };
  if (args.body_format === 'json') {
    setType('application/json');
    return typeof args.body === 'string' ? args.body : JSON.stringify(args.body);
  }
  if (args.body_format === 'form-urlencoded' && args.body !== null && typeof args.body === 'object') {
    setType('application/x-www-form-urlencoded');
    return new URLSearchParams(
      Object.entries(args.body as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
  }
  return typeof args.body === 'string' ? args.body : JSON.stringify(args.body);
}

function describeResponse(response: HttpResponse, args: UriArgs): ModuleResult {
  const contentType = String(response.headers['content-type'] ?? '');
  const text = response.body.toString('utf8');
  const result: ModuleResult = {
    changed: false,
    status: response.status,
    url: response.url,
    redirected: response.redirects > 0,
    content_type: contentType,
    content_length: response.body.length,
    msg: `OK (${response.body.length} bytes)`,
  };
  if (/[/+]json\b/.test(contentType)) {
    try {
      result['json'] = JSON.parse(text) as unknown;
    } catch {
      // Not valid JSON despite the header: the body is still available via return_content.
    }
  }
  if (args.return_content) result['content'] = text;
  return result;
}
