import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadError } from '../../../src/errors.ts';
import { hostConnection } from '../../../src/inventory/index.ts';

describe('connection variables', () => {
  it("accepts the PoC's clusterhost without a scheme as api_url over https", () => {
    const connection = hostConnection({ clusterhost: 'east.example.com:8443', token: 'abc' }, 'east');
    assert.equal(connection.apiUrl, 'https://east.example.com:8443');
    assert.equal(connection.token, 'abc');
    assert.equal(connection.hasCluster, true);
    assert.equal(connection.insecureSkipTlsVerify, false);
    assert.equal(connection.registry, undefined);
  });

  it('drops a trailing slash and accepts api_url equal to clusterhost', () => {
    const connection = hostConnection({ api_url: 'https://e:6443/', clusterhost: 'e:6443' });
    assert.equal(connection.apiUrl, 'https://e:6443');
  });

  it('rejects api_url and clusterhost that differ, naming the host and key', () => {
    assert.throws(
      () => hostConnection({ api_url: 'https://a:6443', clusterhost: 'b:6443' }, 'east'),
      (error: LoadError) => {
        assert.ok(error instanceof LoadError);
        assert.equal(error.key, 'clusterhost');
        assert.match(
          error.message,
          /api_url \(https:\/\/a:6443\) and its alias clusterhost \(https:\/\/b:6443\) of host 'east' differ/,
        );
        return true;
      },
    );
  });

  it('keeps token_file, token_env, kubeconfig, context and ca_file as given', () => {
    assert.equal(hostConnection({ api_url: 'https://e', token_file: '/t' }).tokenFile, '/t');
    assert.equal(hostConnection({ api_url: 'https://e', token_env: 'EAST_TOKEN' }).tokenEnv, 'EAST_TOKEN');
    const viaKubeconfig = hostConnection({
      kubeconfig: '~/.kube/config',
      context: 'east',
      ca_file: '/ca.crt',
    });
    assert.deepEqual(
      [viaKubeconfig.kubeconfig, viaKubeconfig.context, viaKubeconfig.caFile, viaKubeconfig.apiUrl],
      ['~/.kube/config', 'east', '/ca.crt', undefined],
    );
    assert.equal(viaKubeconfig.hasCluster, true);
  });

  it('rejects two token sources', () => {
    assert.throws(
      () => hostConnection({ api_url: 'https://e', token: 'x', token_file: '/t' }, 'east'),
      /set token and token_file; set only one/,
    );
  });

  it('rejects a token with no cluster to use it on', () => {
    assert.throws(
      () => hostConnection({ token: 'x' }, 'east'),
      /token of host 'east' has no cluster.*api_url \(or clusterhost\)/,
    );
  });

  it("reads insecure_skip_tls_verify from booleans and INI's strings", () => {
    assert.equal(
      hostConnection({ api_url: 'https://e', insecure_skip_tls_verify: 'true' }).insecureSkipTlsVerify,
      true,
    );
    assert.equal(
      hostConnection({ api_url: 'https://e', insecure_skip_tls_verify: 'False' }).insecureSkipTlsVerify,
      false,
    );
    assert.equal(
      hostConnection({ api_url: 'https://e', insecure_skip_tls_verify: true }).insecureSkipTlsVerify,
      true,
    );
    assert.throws(
      () => hostConnection({ api_url: 'https://e', insecure_skip_tls_verify: 'maybe' }),
      /must be true or false, got 'maybe'/,
    );
  });

  it('rejects ca_file together with insecure_skip_tls_verify', () => {
    assert.throws(
      () => hostConnection({ api_url: 'https://e', ca_file: '/ca', insecure_skip_tls_verify: 'yes' }),
      /exclude each other/,
    );
  });

  it('rejects non-http URLs and non-string values', () => {
    assert.throws(() => hostConnection({ api_url: 'ftp://e' }), /must be an http\(s\) URL/);
    assert.throws(
      () => hostConnection({ api_url: 'https://e', token: ['a'] }),
      /token must be a string, got a list/,
    );
  });

  it('treats empty values (placeholders like token=) as unset', () => {
    const connection = hostConnection({ clusterhost: 'e:8443', token: '' });
    assert.equal(connection.token, undefined);
  });

  it('marks ansible_connection=local hosts and those without a cluster', () => {
    const local = hostConnection({ ansible_connection: 'local' });
    assert.equal(local.local, true);
    assert.equal(local.hasCluster, false);
    assert.equal(hostConnection({ ansible_connection: 'local', clusterhost: 'e:8443' }).hasCluster, true);
  });

  it('normalises the registry settings', () => {
    const connection = hostConnection({
      api_url: 'https://e',
      registry: 'registry.east.example.com/',
      registry_insecure: 'True',
      registry_ca_file: '/reg-ca.crt',
      registry_username: 'sync',
      registry_password_file: '/pw',
    });
    assert.deepEqual(connection.registry, {
      host: 'registry.east.example.com',
      caFile: '/reg-ca.crt',
      insecure: true,
      username: 'sync',
      passwordFile: '/pw',
    });
    assert.equal(hostConnection({ registry: 'r:5000' }).registry?.insecure, false);
  });

  it('rejects registry_* settings without registry', () => {
    assert.throws(
      () => hostConnection({ registry_username: 'u' }),
      /registry_username is set but registry is not/,
    );
  });

  it('reads client_cert_file with client_key_file, and refuses one without the other', () => {
    const both = hostConnection({
      api_url: 'https://e',
      client_cert_file: 'c.pem',
      client_key_file: 'k.pem',
    });
    assert.equal(both.clientCertFile, 'c.pem');
    assert.equal(both.clientKeyFile, 'k.pem');
    assert.throws(
      () => hostConnection({ api_url: 'https://e', client_cert_file: 'c.pem' }, 'east'),
      (error: Error) =>
        error instanceof LoadError &&
        error.key === 'client_key_file' &&
        /client_cert_file of host 'east' is set but client_key_file is not/.test(error.message),
    );
  });

  it('reads impersonate_groups as a list or as an INI comma-separated string', () => {
    const yaml = hostConnection({
      api_url: 'https://e',
      impersonate_user: 'jane',
      impersonate_groups: ['a', 'b'],
    });
    assert.deepEqual(yaml.impersonateGroups, ['a', 'b']);
    const ini = hostConnection({
      api_url: 'https://e',
      impersonate_user: 'jane',
      impersonate_groups: 'a, b,',
    });
    assert.deepEqual(ini.impersonateGroups, ['a', 'b']);
    assert.equal(ini.impersonateUser, 'jane');
    assert.throws(
      () => hostConnection({ api_url: 'https://e', impersonate_groups: { a: 1 } }),
      /impersonate_groups must be a list of names/,
    );
  });

  it('refuses impersonation and client certificates on a host without a cluster', () => {
    assert.throws(
      () => hostConnection({ impersonate_user: 'jane' }, 'east'),
      /impersonate_user of host 'east' has no cluster to go with it/,
    );
  });
});
