/** `spec.backup_location` and the alert settings of a HubPool (see hubpool.ts). */
import { isMapping, text } from './fields.ts';
import type { FieldErrors, FieldPath } from './fields.ts';
import type { AlertSettings, BackupLocation, BackupProtocol, EmailSettings } from './types.ts';
import { RECORD_NAMESPACE } from './types.ts';

const PROTOCOLS: readonly BackupProtocol[] = ['file', 's3', 'https'];
const BACKUP_KEYS = ['url', 'protocol', 'credentials', 'region', 'ca_file'];
const CREDENTIAL_KEYS = ['secret', 'namespace', 'file'];
const ALERT_KEYS = ['email', 'webhooks', 'attempts'];
const EMAIL_KEYS = ['smtp_host', 'smtp_port', 'from', 'starttls', 'username', 'password_file'];

/** backup_location {url, protocol, credentials {secret, namespace, file}, region, ca_file}. */
export function parseBackup(
  value: unknown,
  path: FieldPath,
  errors: FieldErrors,
): BackupLocation | undefined {
  if (!isMapping(value)) {
    errors.add(path, 'expected a mapping {url, protocol, credentials}');
    return undefined;
  }
  errors.unknownKeys(value, path, BACKUP_KEYS);
  const url = text(value['url']);
  if (!url) errors.add([...path, 'url'], 'missing: where the backups are (a directory, bucket or URL)');
  const protocol = text(value['protocol']) ?? guessProtocol(url);
  if (!PROTOCOLS.includes(protocol as BackupProtocol)) {
    errors.add([...path, 'protocol'], `expected one of ${PROTOCOLS.join(', ')}, got '${protocol}'`);
  }
  const creds = value['credentials'] ?? {};
  if (!isMapping(creds)) errors.add([...path, 'credentials'], 'expected a mapping {secret, namespace, file}');
  const c = isMapping(creds) ? creds : {};
  if (isMapping(creds)) errors.unknownKeys(c, [...path, 'credentials'], CREDENTIAL_KEYS);
  return {
    protocol: protocol as BackupProtocol,
    url: url ?? '',
    region: text(value['region']) ?? 'us-east-1',
    secret: text(c['secret']),
    secretNamespace: text(c['namespace']) ?? RECORD_NAMESPACE,
    credentialsFile: text(c['file']),
    caFile: text(value['ca_file']),
  };
}

function guessProtocol(url: string | undefined): string {
  if (!url) return 'file';
  if (url.startsWith('s3://')) return 's3';
  if (/^https?:\/\//.test(url)) return 'https';
  return 'file';
}

/**
 * failover_alert_email plus `alert: {email: {smtp_host, smtp_port, from, starttls, username,
 * password_file}, webhooks: [url…], attempts}`.
 */
export function parseAlert(
  emailTo: unknown,
  toPath: FieldPath,
  alert: unknown,
  alertPath: FieldPath,
  errors: FieldErrors,
): AlertSettings {
  const to = addresses(emailTo, toPath, errors);
  const a = alert === undefined || alert === null ? {} : alert;
  if (!isMapping(a)) {
    errors.add(alertPath, 'expected a mapping {email, webhooks}');
    return { to, email: undefined, webhooks: [], attempts: 3 };
  }
  errors.unknownKeys(a, alertPath, ALERT_KEYS);
  const email =
    a['email'] === undefined ? undefined : parseEmail(a['email'], [...alertPath, 'email'], errors);
  if (to.length && !email) {
    errors.add(toPath, 'is set but alert.email (smtp_host, from) is not: say how to send the mail');
  }
  const webhooks = stringList(a['webhooks'], [...alertPath, 'webhooks'], errors);
  webhooks.forEach((url, index) => {
    if (!/^https?:\/\/\S+$/.test(url))
      errors.add([...alertPath, 'webhooks', index], `not an http(s) URL: '${url}'`);
  });
  const attempts = a['attempts'] === undefined ? 3 : Number(a['attempts']);
  if (!Number.isInteger(attempts) || attempts < 1)
    errors.add([...alertPath, 'attempts'], 'expected a whole number ≥ 1');
  return { to, email, webhooks, attempts };
}

function parseEmail(value: unknown, path: FieldPath, errors: FieldErrors): EmailSettings | undefined {
  if (!isMapping(value)) {
    errors.add(path, 'expected a mapping {smtp_host, smtp_port, from, starttls, username, password_file}');
    return undefined;
  }
  errors.unknownKeys(value, path, EMAIL_KEYS);
  const smtpHost = text(value['smtp_host']);
  if (!smtpHost) errors.add([...path, 'smtp_host'], 'missing: the SMTP server to send alerts through');
  const from = text(value['from']);
  if (!from) errors.add([...path, 'from'], 'missing: the sender address of alerts');
  const starttls = value['starttls'] === undefined ? true : value['starttls'];
  if (typeof starttls !== 'boolean') errors.add([...path, 'starttls'], 'expected true or false');
  const port =
    value['smtp_port'] === undefined ? (starttls === false ? 25 : 587) : Number(value['smtp_port']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errors.add([...path, 'smtp_port'], `expected a port number, got ${JSON.stringify(value['smtp_port'])}`);
  }
  const username = text(value['username']);
  const passwordFile = text(value['password_file']);
  if (username && !passwordFile)
    errors.add([...path, 'password_file'], 'missing: username is set without a password file');
  return {
    smtpHost: smtpHost ?? '',
    smtpPort: port,
    from: from ?? '',
    starttls: starttls === true,
    username,
    passwordFile,
  };
}

function addresses(value: unknown, path: FieldPath, errors: FieldErrors): string[] {
  const list = stringList(value, path, errors);
  list.forEach((address, index) => {
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) {
      errors.add(Array.isArray(value) ? [...path, index] : path, `not an email address: '${address}'`);
    }
  });
  return list;
}

function stringList(value: unknown, path: FieldPath, errors: FieldErrors): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => v.trim());
  errors.add(path, 'expected a string or a list of strings');
  return [];
}
