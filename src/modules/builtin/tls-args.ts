/**
 * The TLS arguments uri and wait_for share, as Ansible spells them (`validate_certs`, `ca_path`),
 * turned into the HTTP client's TLS options. The CA file is read per call, so a rotated CA is
 * picked up on the next run.
 */
import { readFile } from 'node:fs/promises';
import type { TlsOptions } from '../../http/client.ts';

export interface TlsArgs {
  /** Verify the server certificate (default true). */
  validate_certs?: boolean;
  /** PEM file of CA certificates to trust instead of the system ones. */
  ca_path?: string;
}

/** The client's TLS options for these arguments. */
export async function tlsOptionsOf(args: TlsArgs): Promise<TlsOptions> {
  return {
    insecure: args.validate_certs === false,
    ...(args.ca_path === undefined ? {} : { ca: await readFile(args.ca_path, 'utf8') }),
  };
}
