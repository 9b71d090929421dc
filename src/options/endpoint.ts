/**
 * The API root rule: an http(s) URL without credentials, query or fragment, with a trailing slash
 * so that ROOT + 'v4/...' resolves under it. Pure.
 */
import { UsageError } from '../errors.js';
import { shown } from './rules.js';

/** Validates an API root; `origin` names where it came from (`--endpoint`, `SHEETPIPE_ENDPOINT`, `endpoint`). */
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
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
