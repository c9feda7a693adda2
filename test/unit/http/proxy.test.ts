import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bypassesProxy,
  parseProxyUrl,
  proxyEnvironment,
  proxyFor,
  ProxySettingError,
} from '../../../src/http/proxy.ts';

const bypass = (url: string, noProxy: string): boolean => bypassesProxy(new URL(url), noProxy);

describe('NO_PROXY matching (as Go httpproxy)', () => {
  it('a domain matches itself and its subdomains, not lookalikes', () => {
    assert.equal(bypass('https://example.com', 'example.com'), true);
    assert.equal(bypass('https://api.example.com:6443', 'example.com'), true);
    assert.equal(bypass('https://badexample.com', 'example.com'), false);
  });

  it('a leading dot or *. matches subdomains only', () => {
    assert.equal(bypass('https://api.example.com', '.example.com'), true);
    assert.equal(bypass('https://example.com', '.example.com'), false);
    assert.equal(bypass('https://api.example.com', '*.example.com'), true);
    assert.equal(bypass('https://example.com', '*.example.com'), false);
  });

  it('a port restricts an entry to that port (443 and 80 are the defaults)', () => {
    assert.equal(bypass('https://api.example.com:6443', 'example.com:6443'), true);
    assert.equal(bypass('https://api.example.com:8443', 'example.com:6443'), false);
    assert.equal(bypass('https://api.example.com', 'example.com:443'), true);
    assert.equal(bypass('http://api.example.com', 'example.com:443'), false);
  });

  it('IPs and CIDRs match addresses, IPv6 included', () => {
    assert.equal(bypass('https://10.1.2.3:6443', '10.0.0.0/8'), true);
    assert.equal(bypass('https://11.1.2.3:6443', '10.0.0.0/8'), false);
    assert.equal(bypass('https://192.0.2.7', '192.0.2.7'), true);
    assert.equal(bypass('https://192.0.2.7:6443', '192.0.2.7:443'), false);
    assert.equal(bypass('https://[fd00::1]:6443', 'fd00::/8'), true);
    assert.equal(bypass('https://[2001:db8::1]', '[2001:db8::1]:443'), true);
  });

  it('* bypasses everything; blanks and case are ignored', () => {
    assert.equal(bypass('https://anything.example', '*'), true);
    assert.equal(bypass('https://API.Example.COM', ' , Example.com ,'), true);
    assert.equal(bypass('https://api.example.com', ''), false);
  });

  it('localhost and loopback addresses are never proxied', () => {
    assert.equal(bypass('https://localhost:6443', ''), true);
    assert.equal(bypass('https://127.0.0.1:6443', ''), true);
    assert.equal(bypass('https://127.3.0.1:6443', ''), true);
    assert.equal(bypass('https://[::1]:6443', ''), true);
  });

  it('an IP entry does not match a host name and a domain entry does not match an IP', () => {
    assert.equal(bypass('https://example.com', '192.0.2.1'), false);
    assert.equal(bypass('https://192.0.2.1', 'example.com'), false);
  });
});

describe('proxy selection', () => {
  const env = proxyEnvironment({
    HTTPS_PROXY: 'proxy.corp:3128',
    http_proxy: 'http://plain.corp:8080',
    no_proxy: '.internal',
  });

  it('reads upper case first, lower case as a fallback', () => {
    assert.deepEqual(env, {
      httpsProxy: 'proxy.corp:3128',
      httpProxy: 'http://plain.corp:8080',
      noProxy: '.internal',
    });
    assert.equal(proxyEnvironment({ HTTPS_PROXY: '', https_proxy: 'x:1' }).httpsProxy, 'x:1');
  });

  it('https targets use HTTPS_PROXY (a bare host:port means http://), http targets HTTP_PROXY', () => {
    assert.equal(
      proxyFor(new URL('https://api.example.com'), { environment: env })?.href,
      'http://proxy.corp:3128/',
    );
    assert.equal(
      proxyFor(new URL('http://api.example.com'), { environment: env })?.href,
      'http://plain.corp:8080/',
    );
  });

  it('an https target never falls back to HTTP_PROXY', () => {
    const onlyHttp = proxyEnvironment({ HTTP_PROXY: 'http://plain.corp:8080' });
    assert.equal(proxyFor(new URL('https://api.example.com'), { environment: onlyHttp }), undefined);
  });

  it('NO_PROXY and loopback targets go direct; a fixed proxy-url is used for every target', () => {
    assert.equal(proxyFor(new URL('https://api.internal'), { environment: env }), undefined);
    assert.equal(proxyFor(new URL('https://127.0.0.1:6443'), { environment: env }), undefined);
    const fixed = new URL('http://p:1');
    assert.equal(proxyFor(new URL('https://127.0.0.1:6443'), { url: fixed }), fixed);
    assert.equal(proxyFor(new URL('https://api.example.com'), 'none'), undefined);
  });

  it('refuses SOCKS and other schemes, naming the setting and never the password', () => {
    assert.throws(
      () => parseProxyUrl('socks5://user:secret@proxy:1080', 'proxy-url'),
      (error: Error) =>
        error instanceof ProxySettingError &&
        /proxy-url is a SOCKS proxy \(socks5:\/\/proxy:1080\)/.test(error.message) &&
        !error.message.includes('secret'),
    );
    assert.throws(() => parseProxyUrl('ftp://proxy:21', 'HTTPS_PROXY'), /HTTPS_PROXY has scheme 'ftp:'/);
  });
});
