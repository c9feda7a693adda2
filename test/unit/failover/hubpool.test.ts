import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { LoadError, LoadErrors } from '../../../src/errors.ts';
import { parseHubPool } from '../../../src/failover/hubpool.ts';
import { parseYaml } from '../../../src/shared/yaml-source.ts';

const seedDocument = `apiVersion: rhacm-mirror.openshift.io/v1alpha1
kind: HubPool
metadata:
  name: my-hubpool
  namespace: rhacm-mirror
  labels:
    app: rhacm-mirror
spec:
  pool:
  - hub0: api.hub0.example.com
  - hub1: api.hub1.example.com
  - hub2: api.hub2.example.com
  initial_leader: hub0
  ping_period: 2m
  ping_fails_acceptable: 3
  backup_location:
    url: hub-backup.example.com
    protocol: s3
    credentials:
      secret: secret-containing-creds-to-s3
  failover_alert_email: ops-admin@example.com
  alert:
    email: { smtp_host: smtp.example.com, from: mcsync@example.com }
`;

/** The error(s) parseHubPool throws for `text` read as file `hubpool.yml`, as users see them. */
function problems(text: string): string[] {
  const source = parseYaml(text, 'hubpool.yml');
  try {
    parseHubPool({ document: source.value, source });
  } catch (error) {
    if (error instanceof LoadErrors) return error.errors.map((e) => e.describe());
    if (error instanceof LoadError) return [error.describe()];
    throw error;
  }
  return [];
}

describe('HubPool configuration', () => {
  it("accepts the seed's document as written", () => {
    const config = parseHubPool({ document: parse(seedDocument) });
    assert.equal(config.name, 'my-hubpool');
    assert.deepEqual(config.pool, [
      { name: 'hub0', url: 'api.hub0.example.com' },
      { name: 'hub1', url: 'api.hub1.example.com' },
      { name: 'hub2', url: 'api.hub2.example.com' },
    ]);
    assert.equal(config.initialLeader, 'hub0');
    assert.equal(config.pingPeriodMs, 120_000);
    assert.equal(config.pingFailsAcceptable, 3);
    assert.equal(config.pingTimeoutMs, 10_000);
    assert.equal(config.restoreTimeoutMs, 600_000, 'restore_timeout defaults to 10 minutes');
    assert.equal(config.backup?.protocol, 's3');
    assert.equal(config.backup?.secret, 'secret-containing-creds-to-s3');
    assert.equal(config.backup?.secretNamespace, 'mcsync');
    assert.deepEqual(config.alert.to, ['ops-admin@example.com']);
    assert.equal(config.alert.email?.smtpPort, 587);
    assert.equal(config.alert.email?.starttls, true);
  });

  it('the shipped vars/failover.yml is valid', async () => {
    const config = parseHubPool({ document: parse(await readFile('vars/failover.yml', 'utf8')) });
    assert.equal(config.pool.length, 3);
  });

  it('accepts the pool as a plain map, a bare spec and sub-second periods', () => {
    const config = parseHubPool({
      document: {
        pool: { east: 'https://127.0.0.1:6443', west: null },
        ping_period: '200ms',
        ping_fails_acceptable: '2',
        restore_timeout: '90s',
      },
    });
    assert.deepEqual(config.pool, [
      { name: 'east', url: 'https://127.0.0.1:6443' },
      { name: 'west', url: undefined },
    ]);
    assert.equal(config.initialLeader, 'east');
    assert.equal(config.pingPeriodMs, 200);
    assert.equal(config.pingTimeoutMs, 200);
    assert.equal(config.restoreTimeoutMs, 90_000);
    assert.equal(config.pingFailsAcceptable, 2);
  });

  it('takes the hubs from the inventory group when spec.pool is absent', () => {
    const config = parseHubPool({
      document: { spec: { ping_period: '1s' } },
      inventoryHubs: ['east', 'west'],
    });
    assert.deepEqual(
      config.pool.map((h) => h.name),
      ['east', 'west'],
    );
    assert.equal(config.pingFailsAcceptable, 3);
  });

  it('alert settings may come from the alert variable, with webhooks', () => {
    const config = parseHubPool({
      document: { pool: ['a', 'b'], failover_alert_email: ['x@example.com', 'y@example.com'] },
      alert: {
        email: {
          smtp_host: 'localhost',
          smtp_port: 2525,
          from: 'm@example.com',
          starttls: false,
          username: 'u',
          password_file: '/p',
        },
        webhooks: ['https://hooks.slack.com/services/T/B/x'],
      },
    });
    assert.deepEqual(config.alert.to, ['x@example.com', 'y@example.com']);
    assert.equal(config.alert.email?.smtpPort, 2525);
    assert.equal(config.alert.email?.passwordFile, '/p');
    assert.deepEqual(config.alert.webhooks, ['https://hooks.slack.com/services/T/B/x']);
  });

  it('errors name the field and its file:line:column', () => {
    const text = seedDocument.replace('ping_period: 2m', 'ping_period: soon');
    assert.deepEqual(problems(text), [
      'hubpool.yml:14:16: spec.ping_period: expected a duration like 2m, 30s or 500ms, got "soon" (a string)',
    ]);
  });

  it('reports every bad field at once, with did-you-mean for misspelt keys', () => {
    const text = seedDocument
      .replace('ping_fails_acceptable: 3', 'ping_fails_acceptible: 3')
      .replace('protocol: s3', 'protocol: ftp')
      .replace('initial_leader: hub0', 'initial_leader: hub9')
      .replace('failover_alert_email: ops-admin@example.com', 'failover_alert_email: ops-admin');
    const found = problems(text);
    assert.ok(
      found.includes(
        "hubpool.yml:15:3: spec.ping_fails_acceptible: unknown field; did you mean 'ping_fails_acceptable'?",
      ),
      found.join('\n'),
    );
    assert.ok(
      found.includes(
        "hubpool.yml:18:15: spec.backup_location.protocol: expected one of file, s3, https, got 'ftp'",
      ),
      found.join('\n'),
    );
    assert.ok(
      found.includes("hubpool.yml:13:19: spec.initial_leader: 'hub9' is not in the pool (hub0, hub1, hub2)"),
      found.join('\n'),
    );
    assert.ok(
      found.includes("hubpool.yml:21:25: spec.failover_alert_email: not an email address: 'ops-admin'"),
      found.join('\n'),
    );
    assert.equal(found.length, 4);
  });

  it('refuses another kind or apiVersion, duplicate hubs and a bad fail count', () => {
    const found = problems(
      'apiVersion: v1\nkind: ConfigMap\nspec:\n  pool: [a, a]\n  ping_fails_acceptable: 0\n',
    );
    assert.deepEqual(found, [
      'hubpool.yml:1:13: apiVersion: expected \'rhacm-mirror.openshift.io/v1alpha1\', got "v1" (a string)',
      'hubpool.yml:2:7: kind: expected \'HubPool\', got "ConfigMap" (a string)',
      "hubpool.yml:4:13: spec.pool[1]: hub 'a' is listed twice",
      'hubpool.yml:5:26: spec.ping_fails_acceptable: expected a whole number of at least 1, got 0 (a number)',
    ]);
  });

  it('without a file, errors still name the field', () => {
    assert.throws(
      () => parseHubPool({ document: { pool: ['a', 'b'], backup_location: { protocol: 's3' } } }),
      (error: LoadError) =>
        error.describe() ===
          'backup_location.url: missing: where the backups are (a directory, bucket or URL)' &&
        error.key === 'backup_location.url',
    );
  });

  it('an email address without SMTP settings is an error', () => {
    assert.throws(
      () => parseHubPool({ document: { pool: ['a', 'b'], failover_alert_email: 'ops@example.com' } }),
      /failover_alert_email: is set but alert.email/,
    );
  });
});
