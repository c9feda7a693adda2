/**
 * Telling people about a failover: one email over SMTP (nodemailer) to failover_alert_email and
 * one Slack-compatible JSON POST per webhook. Each channel is tried up to `attempts` times with
 * backoff; failures are logged and reported, never thrown, so an alert cannot block a failover.
 * The SMTP password comes from password_file and is registered as a secret; webhook URLs (which
 * hold tokens) are reported by host only.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import { httpRequest } from '../http/client.ts';
import { describeNetworkError } from '../http/errors.ts';
import type { Clock, ModuleLogger, SecretRegistry } from '../model/module.ts';
import type { FailoverEvent } from './monitor.ts';
import type { RestoreSummary } from './restore.ts';
import { describeRestore } from './restore.ts';
import type { AlertSettings, EmailSettings } from './types.ts';

/** The alert: the election plus what the restore did (or why it failed). */
export interface FailoverAlert extends FailoverEvent {
  restore: RestoreSummary | undefined;
  restoreError: string | undefined;
}

export interface AlertReport {
  /** `email ops@example.com` or `webhook hooks.slack.com`. */
  channel: string;
  ok: boolean;
  attempts: number;
  error?: string;
}

export interface AlertDeps {
  clock: Clock;
  log: ModuleLogger;
  secrets?: SecretRegistry | undefined;
  cwd?: string;
}

/** Subject line of the alert. */
export function alertSubject(alert: FailoverAlert): string {
  if (alert.resumed)
    return `[mcsync] hub pool ${alert.pool}: restore onto ${alert.newLeader} done again (epoch ${alert.epoch})`;
  return `[mcsync] hub pool ${alert.pool}: ${alert.newLeader} replaces ${alert.oldLeader} as leader (epoch ${alert.epoch})`;
}

/** Plain-text body: old leader, new leader, epoch, time, restore summary. */
export function alertText(alert: FailoverAlert): string {
  const restore = alert.restore
    ? describeRestore(alert.restore)
    : alert.restoreError
      ? `restore FAILED: ${alert.restoreError}`
      : 'no backup_location configured: nothing restored';
  const failures = alert.restore?.failures.length
    ? `\nFailed objects:\n  ${alert.restore.failures.join('\n  ')}`
    : '';
  const resumed = alert.resumed
    ? [
        `The restore by monitor ${alert.resumed.from}, started ${alert.resumed.startedAt}, never finished; this is attempt ${alert.resumed.attempt}.`,
      ]
    : [];
  return [
    `Hub pool ${alert.pool} failed over.`,
    ...resumed,
    `Old leader: ${alert.oldLeader}`,
    `New leader: ${alert.newLeader}`,
    `Epoch: ${alert.epoch}`,
    `Time: ${alert.time}`,
    `Restore: ${restore}${failures}`,
    `Decided by monitor ${alert.monitor}.`,
  ].join('\n');
}

/** Sends every configured alert; resolves with one report per channel, never rejects. */
export async function sendAlerts(
  settings: AlertSettings,
  alert: FailoverAlert,
  deps: AlertDeps,
): Promise<AlertReport[]> {
  const jobs: Promise<AlertReport>[] = [];
  if (settings.email && settings.to.length) {
    const email = settings.email;
    jobs.push(
      withRetries(`email ${settings.to.join(', ')}`, settings.attempts, deps, () =>
        sendEmail(email, settings.to, alert, deps),
      ),
    );
  }
  for (const url of settings.webhooks) {
    deps.secrets?.add(url);
    jobs.push(
      withRetries(`webhook ${safeHost(url)}`, settings.attempts, deps, () => postWebhook(url, alert)),
    );
  }
  return Promise.all(jobs);
}

async function withRetries(
  channel: string,
  attempts: number,
  deps: AlertDeps,
  send: () => Promise<void>,
): Promise<AlertReport> {
  let error = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await send();
      deps.log.info(`alert sent via ${channel}`);
      return { channel, ok: true, attempts: attempt };
    } catch (e) {
      error = errorMessage(e);
      deps.log.warn(`alert via ${channel} failed (attempt ${attempt}/${attempts}): ${error}`);
      if (attempt < attempts) await deps.clock.sleep(500 * 2 ** (attempt - 1));
    }
  }
  return { channel, ok: false, attempts, error };
}

async function sendEmail(
  email: EmailSettings,
  to: string[],
  alert: FailoverAlert,
  deps: AlertDeps,
): Promise<void> {
  let pass: string | undefined;
  if (email.passwordFile) {
    const file = path.resolve(deps.cwd ?? process.cwd(), email.passwordFile);
    pass = (
      await readFile(file, 'utf8').catch(() => {
        throw new Error(`alert.email.password_file: cannot read ${file}`);
      })
    ).trim();
    deps.secrets?.add(pass);
  }
  // Loaded when an alert is sent: a static import would load nodemailer at every start-up.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: email.smtpHost,
    port: email.smtpPort,
    secure: email.smtpPort === 465,
    requireTLS: email.starttls && email.smtpPort !== 465,
    ignoreTLS: !email.starttls,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    ...(email.username ? { auth: { user: email.username, pass: pass ?? '' } } : {}),
  });
  try {
    await transport.sendMail({ from: email.from, to, subject: alertSubject(alert), text: alertText(alert) });
  } finally {
    transport.close();
  }
}

async function postWebhook(url: string, alert: FailoverAlert): Promise<void> {
  const body = JSON.stringify({
    text: `*${alertSubject(alert)}*\n${alertText(alert)}`,
    failover: {
      pool: alert.pool,
      old_leader: alert.oldLeader,
      new_leader: alert.newLeader,
      epoch: alert.epoch,
      time: alert.time,
      restore: alert.restore ?? null,
      restore_error: alert.restoreError ?? null,
      resumed_from: alert.resumed?.from ?? null,
    },
  });
  let status: number;
  try {
    ({ status } = await httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      timeoutMs: 10_000,
    }));
  } catch (error) {
    // A webhook has no CA setting of its own: Node reads extra CAs from NODE_EXTRA_CA_CERTS.
    throw new Error(describeNetworkError(error, 'NODE_EXTRA_CA_CERTS').replace(url, safeHost(url)), {
      cause: error,
    });
  }
  if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'webhook';
  }
}
