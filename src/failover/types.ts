/** The validated HubPool: what every other part of src/failover works from. */

/** One hub of the pool, in pool order. */
export interface HubSpec {
  name: string;
  /** API URL from `spec.pool`; undefined when the inventory host gives the connection. */
  url: string | undefined;
}

export type BackupProtocol = 'file' | 's3' | 'https';

export interface BackupLocation {
  protocol: BackupProtocol;
  /** A directory or file (file), `[scheme://]host[:port][/bucket[/prefix]]` (s3), a URL (https). */
  url: string;
  /** S3 region for request signing; default `us-east-1`. */
  region: string;
  /** Name of a Secret on the hubs holding credentials, and its namespace (default `mcsync`). */
  secret: string | undefined;
  secretNamespace: string;
  /** A local file with the same keys as the Secret (YAML mapping or `key=value` lines). */
  credentialsFile: string | undefined;
  /** PEM CA for https/s3 endpoints with a private CA. */
  caFile: string | undefined;
}

export interface EmailSettings {
  smtpHost: string;
  /** Default 587 with starttls, else 25. */
  smtpPort: number;
  from: string;
  starttls: boolean;
  username: string | undefined;
  passwordFile: string | undefined;
}

export interface AlertSettings {
  /** `failover_alert_email`: one address or a list. */
  to: string[];
  email: EmailSettings | undefined;
  /** Slack-compatible incoming webhook URLs. */
  webhooks: string[];
  /** Attempts per channel (default 3). */
  attempts: number;
}

export interface HubPoolConfig {
  /** metadata.name, default `hubpool`; names the leadership record. */
  name: string;
  pool: HubSpec[];
  initialLeader: string;
  pingPeriodMs: number;
  pingFailsAcceptable: number;
  /** How long one /readyz may take (default: the period, at most 10 s). */
  pingTimeoutMs: number;
  /** How long a pending restore may run before another monitor does it again (default 10 min). */
  restoreTimeoutMs: number;
  backup: BackupLocation | undefined;
  alert: AlertSettings;
}

export const HUBPOOL_API_VERSION = 'rhacm-mirror.openshift.io/v1alpha1';
export const HUBPOOL_KIND = 'HubPool';
/** Namespace of the leadership records on every hub. */
export const RECORD_NAMESPACE = 'mcsync';
