/**
 * HttpFailure: how every failed Sheets API request leaves src/google/. It carries facts (status,
 * the error body's fields, network codes, where it failed), never a judgement: classification is
 * the fetch layer's (fetch/retry.ts).
 */
import { redact } from '../shared/errors.js';

/** What went wrong with one attempt, as facts gathered by the transport. */
export interface AttemptFailure {
  /** HTTP status, when an answer came back. */
  status?: number;
  /** The error body's `error.status`, e.g. RESOURCE_EXHAUSTED. */
  apiStatus?: string;
  /** The first of `reasons`, e.g. RATE_LIMIT_EXCEEDED. */
  reason?: string;
  /**
   * Every reason in the error body, in order: those of `error.details[]` google.rpc.ErrorInfo
   * entries (ACCESS_TOKEN_SCOPE_INSUFFICIENT, API_KEY_INVALID, SERVICE_DISABLED...), then the legacy
   * `error.errors[].reason` (insufficientPermissions, accessNotConfigured, rateLimitExceeded...).
   */
  reasons?: readonly string[];
  /** The ErrorInfo entries as sent: `metadata` holds e.g. `service`, `consumer`, `activationUrl`, `quota_metric`. */
  errorInfo?: { reason: string; domain?: string; metadata?: Record<string, string> }[];
  /** The `error=` value of the WWW-Authenticate header, e.g. invalid_token or insufficient_scope. */
  wwwAuthenticate?: string;
  /** The body of an error answer is not the API's JSON (an HTML page from a proxy or a gateway). */
  notFromApi?: boolean;
  /** The API host the request was for (host:port of the endpoint), never a proxy's. */
  host?: string;
  /** The proxy the request went through (host:port, never its credentials), when one was used. */
  proxy?: string;
  /** Where the request failed: its credentials (a token refresh), before any answer, on the status line, or in a 200 body. */
  phase?: 'credentials' | 'request' | 'answer' | 'body';
  /** For a failed token refresh: the token endpoint's HTTP status (not the API's). */
  tokenStatus?: number;
  /** The error body's message, shown to the user, never classified on. */
  message?: string;
  /** The Retry-After header, as sent. */
  retryAfter?: string;
  /**
   * The error's code when no usable answer came: a system code (ECONNREFUSED, ENOTFOUND, EAI_AGAIN,
   * ECONNRESET, ETIMEDOUT, EPIPE), a TLS code (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID...),
   * ERR_STREAM_PREMATURE_CLOSE, or a zlib code for a broken gzip body.
   */
  networkCode?: string;
  /** Our timeout fired. */
  timedOut?: boolean;
  /** The run was cancelled (signal, broken pipe, fatal error elsewhere). */
  aborted?: boolean;
  /** 200, but the body is not the JSON shape the API promises. */
  malformed?: boolean;
  /** The malformed body is a good prefix that stopped short (a cut), not a body the API never sends. */
  truncated?: boolean;
  /** Not a failure of the API or the network at all: a bug. */
  internal?: boolean;
}

/** Every reason of the error body: `reasons`, else the lone `reason`. */
export function reasonsOf(f: Pick<AttemptFailure, 'reason' | 'reasons'>): readonly string[] {
  return f.reasons ?? (f.reason !== undefined ? [f.reason] : []);
}

/** True when the error body gives any of the `wanted` reasons. */
export function hasReason(f: Pick<AttemptFailure, 'reason' | 'reasons'>, ...wanted: string[]): boolean {
  return reasonsOf(f).some((r) => wanted.includes(r));
}

/**
 * A 400 for a range that starts past the tab's last row. The API tells it from other bad ranges
 * only in its message ("Range ('Log'!A250:B300) exceeds grid limits. Max rows: 200, …"): the one
 * message read for its meaning.
 */
export function startsPastGrid(f: Pick<AttemptFailure, 'status' | 'message'>): boolean {
  return f.status === 400 && /exceeds grid limits/i.test(f.message ?? '');
}

/** Facts about one failed request, for the classifier. */
export class HttpFailure extends Error {
  override name = 'HttpFailure';
  readonly failure: AttemptFailure;

  constructor(failure: AttemptFailure, options?: { cause?: unknown }) {
    // An error body may echo a key or a token back; nothing secret goes on in a message.
    const facts = failure.message === undefined ? failure : { ...failure, message: redact(failure.message) };
    super(facts.message ?? facts.networkCode ?? `HTTP ${facts.status ?? 'failure'}`, options);
    this.failure = facts;
  }
}

/**
 * The code of a failed connection or stream, whatever its family: the first string `code` along
 * the cause chain that is not a bare number (gaxios puts the status there as text).
 */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || code === '' || /^\d+$/.test(code)) continue;
    // A TLS record-layer failure comes as EPROTO with OpenSSL's reason in the message
    // ("...:SSL routines:ssl3_get_record:wrong version number"): name it as Node names the others.
    const ssl = code === 'EPROTO' ? /SSL routines:[^:]*:([a-z0-9 ]+)/i.exec(String((e as { message?: unknown }).message)) : null;
    return ssl ? `ERR_SSL_${(ssl[1] as string).trim().toUpperCase().replace(/ +/g, '_')}` : code;
  }
  return undefined;
}

export function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** An HttpFailure for an error raised by a socket, a TLS handshake, a DNS lookup or a body stream. */
export function networkFailure(error: unknown, facts: AttemptFailure): HttpFailure {
  const message = error instanceof Error ? firstLine(error.message) : String(error);
  return new HttpFailure({ networkCode: errorCode(error), message, ...facts }, { cause: error });
}
