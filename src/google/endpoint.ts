/**
 * Endpoint rules, decided before any credential is loaded or any connection made. Pure.
 *
 * Credentials travel only over TLS: a plain-http endpoint is accepted only on this machine
 * (a local emulator), as curl, gcloud and Google's client libraries never put a bearer token on an
 * unencrypted connection to another host.
 */
import { isIP } from 'node:net';
import { UsageError, showInput } from '../shared/errors.js';

export const DEFAULT_ENDPOINT = 'https://sheets.googleapis.com/';

function shown(value: string): string {
  return `\`${showInput(value, 60)}\``;
}

/** True for an IPv6 address (no brackets) that is ::1 or an IPv4-mapped 127.x.y.z. */
function isLoopbackV6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === '::1') return true;
  // The URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(lower);
  return mapped !== null && parseInt(mapped[1] as string, 16) >> 8 === 127;
}

/**
 * True when `endpoint` (a URL or its text) names this machine: `localhost`, 127.0.0.0/8 or ::1 —
 * the hosts Go's ProxyFromEnvironment never proxies. Only the name decides: nothing is resolved.
 */
export function isLoopback(endpoint: string | URL): boolean {
  let host: string;
  try {
    host = (typeof endpoint === 'string' ? new URL(endpoint) : endpoint).hostname;
  } catch {
    return false;
  }
  // The URL parser has already lower-cased the name and written every IPv4 form (127.1, 0x7f.1) dotted.
  if (host === 'localhost') return true;
  if (host.startsWith('[') && host.endsWith(']')) return isLoopbackV6(host.slice(1, -1));
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * The TLS rule: throws a UsageError for a plain-http URL whose host is not this machine. `origin`
 * names where the URL came from (`--endpoint`, `SHEETPIPE_ENDPOINT`, the `endpoint` option).
 */
export function requireTls(endpoint: string | URL, origin: string): void {
  const url = typeof endpoint === 'string' ? new URL(endpoint) : endpoint;
  if (url.protocol !== 'http:' || isLoopback(url)) return;
  const secure = new URL(url.href);
  secure.protocol = 'https:';
  throw new UsageError(
    `${origin} ${shown(url.href)}: credentials are only sent over https (plain http only to this machine); ` +
      `use ${shown(secure.href)} or a local emulator at http://127.0.0.1:PORT/`,
  );
}

/**
 * Validates an API root and returns it with a trailing slash, so that ROOT + 'v4/...' resolves
 * under it and a path prefix (https://proxy.example/sheets/) is kept. Applies the TLS rule.
 */
export function normaliseEndpoint(value: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${origin} expects a URL like https://sheets.googleapis.com/ or http://127.0.0.1:8089/, got ${shown(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${origin} expects an http or https URL, got ${shown(value)}`);
  }
  if (url.username || url.password) throw new UsageError(`${origin} must not carry credentials; use --credentials FILE`);
  if (url.search || url.hash) throw new UsageError(`${origin} must be a bare API root without ?query or #fragment, got ${shown(value)}`);
  requireTls(url, origin);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
