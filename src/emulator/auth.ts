/**
 * Credentials, when the emulator is told to require them: the API's answers for a request
 * without any (403), with a bearer token it does not accept (401) or with a bad API key (400).
 * And credentials kept out of the emulator's log.
 */
import type { IncomingMessage } from 'node:http';
import { type ApiFailure, invalidApiKey, invalidCredentials, missingCredentials } from './api-error.js';

export interface RequiredCredentials {
  /** Bearer tokens accepted: `Authorization: Bearer TOKEN`, or the `access_token` parameter. */
  tokens?: readonly string[];
  /** API keys accepted: the `key` parameter or the `X-Goog-Api-Key` header. */
  keys?: readonly string[];
}

/** The failure to answer with, or undefined when the request carries accepted credentials. */
export function checkCredentials(required: RequiredCredentials, req: IncomingMessage, query: URLSearchParams): ApiFailure | undefined {
  const authorization = req.headers.authorization;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? query.get('access_token') ?? query.get('oauth_token');
  // As with the API, a token decides when there is one; a key alone identifies a caller of public data.
  if (token !== null) return required.tokens?.includes(token) ? undefined : invalidCredentials();
  if (authorization !== undefined) return invalidCredentials();
  const header = req.headers['x-goog-api-key'];
  const key = query.get('key') ?? (typeof header === 'string' ? header : undefined);
  if (key !== undefined) return required.keys?.includes(key) ? undefined : invalidApiKey();
  return missingCredentials();
}

const SECRET_PARAMS = ['key', 'access_token', 'oauth_token'];

/** A request target fit for a log line: credentials in the query replaced, the rest decoded. */
export function redactedTarget(target: string): string {
  const q = target.indexOf('?');
  if (q < 0) return target;
  const query = new URLSearchParams(target.slice(q + 1));
  for (const name of SECRET_PARAMS) if (query.has(name)) query.set(name, 'REDACTED');
  return `${target.slice(0, q)}?${decodeURIComponent(query.toString())}`;
}
