/**
 * Turns a non-2xx answer into a KubeApiError whose message a user can act on: it names the verb,
 * the resource, the namespace and (for 401/403) the identity, and never includes a token.
 */
import { KubeApiError, readStatus } from './errors.ts';
import type { RequestInfo } from './request-info.ts';
import { shortRequest } from './request-info.ts';

export interface ApiErrorInput {
  status: number;
  body: unknown;
  text: string;
  method: string;
  path: string;
  info: RequestInfo;
  /** The cluster as users know it: `east (https://...)`. */
  cluster: string;
  /** Who we are, when known: the username from the Status message or SelfSubjectReview. */
  identity?: string | undefined;
  /** Where the credentials come from (for 401). */
  credentials: string;
}

/** The username an API server names in a Forbidden message (`User "viewer" cannot ...`). */
export function userFromForbidden(message: string | undefined): string | undefined {
  return message ? /User "([^"]*)"/.exec(message)?.[1] : undefined;
}

type Details = { status: number; reason: string | undefined; method: string; path: string };

/** Builds the error for a failed request. */
export function apiError(input: ApiErrorInput): KubeApiError {
  const status = readStatus(input.body);
  const details: Details = {
    status: input.status,
    reason: status.reason,
    method: input.method,
    path: input.path.split('?')[0] ?? input.path,
  };
  if (input.status === 401) return unauthorized(input, details);
  if (input.status === 403) return forbidden(input, details, status.message);
  return generic(input, details, status.message, status.causes);
}

/** ` in namespace 'demo'`; nothing for cluster-scoped requests and for namespaces themselves. */
const scopeOf = (input: ApiErrorInput): string =>
  input.info.namespace && input.info.resource !== 'namespaces'
    ? ` in namespace '${input.info.namespace}'`
    : '';

function unauthorized(input: ApiErrorInput, details: Details): KubeApiError {
  return new KubeApiError(
    `unauthorized: cluster ${input.cluster} rejected the credentials (${input.credentials}) for ${shortRequest(input.info)}${scopeOf(input)}; ` +
      'the token is wrong or expired',
    { ...details, reason: details.reason ?? 'Unauthorized' },
  );
}

function forbidden(input: ApiErrorInput, details: Details, message: string | undefined): KubeApiError {
  const user = userFromForbidden(message) ?? input.identity ?? 'unknown (see the credentials)';
  const { info } = input;
  const target = info.name && info.verb !== 'create' ? ` '${info.name}'` : '';
  return new KubeApiError(
    `forbidden: user '${user}' cannot ${info.verb} ${info.resource || info.apiVersion}${target}${scopeOf(input)} (${shortRequest(info)}) on cluster ${input.cluster}`,
    { ...details, reason: details.reason ?? 'Forbidden' },
  );
}

function generic(
  input: ApiErrorInput,
  details: Details,
  message: string | undefined,
  causes: string[],
): KubeApiError {
  const request = shortRequest(input.info);
  const what = input.info.name
    ? `${request} '${input.info.name}'${scopeOf(input)}`
    : `${request}${scopeOf(input)}`;
  const reason = details.reason ? ` ${details.reason}` : '';
  const text = message ?? (input.text.trim().slice(0, 300) || 'no message');
  const extra = causes.length && !causes.every((c) => text.includes(c)) ? ` (${causes.join('; ')})` : '';
  return new KubeApiError(
    `${what} failed on cluster ${input.cluster}: HTTP ${input.status}${reason}: ${text}${extra}`,
    details,
  );
}
