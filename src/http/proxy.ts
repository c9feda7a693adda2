/**
 * Which proxy a request goes through, decided as Go's `golang.org/x/net/http/httpproxy` does (so
 * mcsync agrees with kubectl and every other client-go tool on the same machine):
 *
 * - `HTTPS_PROXY` for https targets, `HTTP_PROXY` for http targets (upper case first, then lower
 *   case; an https target never falls back to `HTTP_PROXY`); a value without a scheme is taken
 *   as `http://`.
 * - `localhost` and loopback addresses are never proxied.
 * - `NO_PROXY` is a comma-separated list: `*` (nothing is proxied), an IP (`10.1.2.3`, optionally
 *   with `:port`), a CIDR (`10.0.0.0/8`, `fd00::/8`), or a domain: `example.com` matches it and
 *   its subdomains, `.example.com` and `*.example.com` only subdomains; `:port` restricts an
 *   entry to that port.
 *
 * A kubeconfig cluster's `proxy-url` is used as given, for every request to that cluster, as
 * client-go does. The chosen proxy is applied by Node's agents (`proxyEnv`): CONNECT tunnels for
 * https targets, absolute-form requests for http targets. `socks5://` proxies are refused.
 */
import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** The proxy settings of an environment (already read; nothing here reads process.env itself). */
export interface ProxyEnvironment {
  httpsProxy: string | undefined;
  httpProxy: string | undefined;
  noProxy: string;
}

/**
 * How a client picks its proxy: from a ProxyEnvironment (per target, NO_PROXY applied), a fixed
 * proxy URL for every target (kubeconfig `proxy-url`), or `none`.
 */
export type ProxyPolicy = { environment: ProxyEnvironment } | { url: URL } | 'none';

/** Reads HTTPS_PROXY/https_proxy, HTTP_PROXY/http_proxy and NO_PROXY/no_proxy (first non-empty). */
export function proxyEnvironment(env: NodeJS.ProcessEnv = process.env): ProxyEnvironment {
  const first = (...names: string[]): string | undefined =>
    names.map((name) => env[name]?.trim()).find((value) => value !== undefined && value !== '');
  return {
    httpsProxy: first('HTTPS_PROXY', 'https_proxy'),
    httpProxy: first('HTTP_PROXY', 'http_proxy'),
    noProxy: first('NO_PROXY', 'no_proxy') ?? '',
  };
}

/** A proxy setting that cannot be used; the message names the setting, never the password. */
export class ProxySettingError extends Error {
  readonly setting: string;
  constructor(message: string, setting: string) {
    super(message);
    this.name = 'ProxySettingError';
    this.setting = setting;
  }
}

/**
 * Parses a proxy URL from `setting` (`HTTPS_PROXY`, `proxy-url`...). `host:port` means
 * `http://host:port`. Throws ProxySettingError for socks and other schemes, and for text that is
 * not a URL.
 */
export function parseProxyUrl(value: string, setting: string): URL {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ProxySettingError(`${setting} is not a proxy URL: expected http://host:port`, setting);
  }
  if (url.protocol === 'socks5:' || url.protocol === 'socks5h:' || url.protocol === 'socks:') {
    throw new ProxySettingError(
      `${setting} is a SOCKS proxy (${redactProxy(url)}), which mcsync does not support; use an HTTP proxy (http:// or https://, CONNECT for https)`,
      setting,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProxySettingError(
      `${setting} has scheme '${url.protocol}'; a proxy URL is http:// or https://`,
      setting,
    );
  if (!url.hostname)
    throw new ProxySettingError(`${setting} has no host: expected http://host:port`, setting);
  return url;
}

/** The proxy URL without user and password, for messages. */
export function redactProxy(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * The proxy `target` goes through under `policy`, or undefined for a direct connection. Throws
 * ProxySettingError when the environment variable that applies is unusable.
 */
export function proxyFor(target: URL, policy: ProxyPolicy): URL | undefined {
  if (policy === 'none') return undefined;
  if ('url' in policy) return policy.url;
  const env = policy.environment;
  const https = target.protocol === 'https:';
  const value = https ? env.httpsProxy : target.protocol === 'http:' ? env.httpProxy : undefined;
  if (value === undefined) return undefined;
  if (bypassesProxy(target, env.noProxy)) return undefined;
  return parseProxyUrl(value, https ? 'HTTPS_PROXY' : 'HTTP_PROXY');
}

/** True when `target` is to be reached directly: localhost, loopback, or matched by `noProxy`. */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = bareHost(target.hostname).toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (host === 'localhost' || isLoopback(host)) return true;
  return parseNoProxy(noProxy).some((entry) => entry(host, port));
}

type Entry = (host: string, port: string) => boolean;

/** The entries of a NO_PROXY value as matchers; unusable entries are ignored, as Go does. */
function parseNoProxy(noProxy: string): Entry[] {
  const entries: Entry[] = [];
  for (const raw of noProxy.split(',')) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    if (item === '*') return [() => true];
    const cidr = cidrEntry(item);
    if (cidr) {
      entries.push(cidr);
      continue;
    }
    const { host, port } = splitHostPort(item);
    if (!host) continue;
    if (isIP(host)) entries.push((h, p) => isIP(h) !== 0 && sameIp(h, host) && (!port || port === p));
    else entries.push(domainEntry(host, port));
  }
  return entries;
}

function cidrEntry(item: string): Entry | undefined {
  const slash = item.indexOf('/');
  if (slash < 0) return undefined;
  const address = item.slice(0, slash);
  const bits = Number(item.slice(slash + 1));
  const family = isIP(address);
  if (!family || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) return undefined;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(address, bits, type);
  return (host) => {
    const hostFamily = isIP(host);
    return hostFamily !== 0 && list.check(host, hostFamily === 4 ? 'ipv4' : 'ipv6');
  };
}

/** `example.com` matches it and subdomains; `.example.com` / `*.example.com` subdomains only. */
function domainEntry(host: string, port: string): Entry {
  const name = host.startsWith('*.') ? host.slice(1) : host;
  const matchHost = !name.startsWith('.');
  const bare = matchHost ? name : name.slice(1);
  const ascii = domainToASCII(bare) || bare;
  return (h, p) => {
    if (isIP(h)) return false;
    const hit = h.endsWith(`.${ascii}`) || (matchHost && h === ascii);
    return hit && (!port || port === p);
  };
}

/** `host:port`, `[v6]:port`, `v6`, `host` → host and port ('' when none). */
function splitHostPort(item: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(item);
  if (bracketed) return { host: bracketed[1] ?? '', port: bracketed[2] ?? '' };
  if (isIP(item) === 6) return { host: item, port: '' };
  const colon = item.lastIndexOf(':');
  if (colon >= 0 && /^\d+$/.test(item.slice(colon + 1)))
    return { host: item.slice(0, colon), port: item.slice(colon + 1) };
  return { host: item, port: '' };
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

const LOOPBACK = (() => {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  return list;
})();

function isLoopback(host: string): boolean {
  const family = isIP(host);
  if (family === 4) return LOOPBACK.check(host, 'ipv4');
  if (family === 6) return LOOPBACK.check(host, 'ipv6') || /^::ffff:127\./i.test(host);
  return false;
}

function sameIp(a: string, b: string): boolean {
  if (a === b) return true;
  const family = (ip: string): 'ipv4' | 'ipv6' => (isIP(ip) === 4 ? 'ipv4' : 'ipv6');
  const list = new BlockList();
  list.addAddress(b, family(b));
  return list.check(a, family(a));
}
