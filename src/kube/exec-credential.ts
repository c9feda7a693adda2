/**
 * What an exec plugin prints: an ExecCredential with a token or a client certificate and key,
 * and optionally when it expires. Checked as client-go checks it, with its wording, so a broken
 * plugin is reported the way kubectl reports it (never quoting the credential itself).
 */
import type { ExecApiVersion } from './exec-config.ts';
import { isRecord } from './types.ts';

/** A plugin's answer. Holds secrets: never log or print it. */
export interface ExecCredential {
  token: string | undefined;
  /** PEM client certificate and key (both or neither). */
  cert: string | undefined;
  key: string | undefined;
  /** `status.expirationTimestamp` in epoch ms; undefined: valid until a 401 says otherwise. */
  expiresAt: number | undefined;
}

/** Parses plugin stdout; throws Error (message without any secret) when it is not acceptable. */
export function parseExecCredential(stdout: string, apiVersion: ExecApiVersion): ExecCredential {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout) as unknown;
  } catch {
    throw new Error('the plugin did not print an ExecCredential (its output is not JSON)');
  }
  if (!isRecord(doc) || doc['kind'] !== 'ExecCredential')
    throw new Error('the plugin did not print an ExecCredential (kind is not ExecCredential)');
  if (doc['apiVersion'] !== apiVersion)
    throw new Error(
      `exec plugin is configured to use API version ${apiVersion}, plugin returned version ${String(doc['apiVersion'] ?? '(none)')}`,
    );
  const status = doc['status'];
  if (!isRecord(status)) throw new Error("exec plugin didn't return a status field");
  const text = (key: string): string | undefined => {
    const value = status[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const token = text('token');
  const cert = text('clientCertificateData');
  const key = text('clientKeyData');
  if (!token && !cert && !key) throw new Error("exec plugin didn't return a token or cert/key pair");
  if (!cert !== !key) throw new Error('exec plugin returned only certificate or key, not both');
  return { token, cert, key, expiresAt: expiry(status['expirationTimestamp']) };
}

function expiry(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new Error(`exec plugin returned an expirationTimestamp that is not a time: '${String(value)}'`);
  return ms;
}
