/**
 * Failure classification, Retry-After and the messages a failure is told in. Pure (what a failure
 * leads to is retry-policy.ts's).
 *
 * Classification reads the HTTP status, the error body's `status` and reasons (both of Google's
 * shapes) and the network code, never the message text: Google rewords messages, and a client
 * that matched them broke when it did. Only what can heal is retried.
 */
import { type AttemptFailure, reasonsOf } from '../google/failure.js';

export type FailureKind =
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'reset'
  | 'malformed'
  | 'connect'
  | 'auth'
  | 'not-found'
  | 'bad-request'
  | 'client'
  | 'internal'
  | 'aborted';

export interface Classification {
  kind: FailureKind;
  retryable: boolean;
}

const RATE_REASONS = new Set(['RATE_LIMIT_EXCEEDED', 'rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);
/** 400s that are about the credentials, not the request. */
const AUTH_REASONS = new Set([
  'API_KEY_INVALID',
  'keyInvalid',
  'API_KEY_SERVICE_BLOCKED',
  'API_KEY_HTTP_REFERRER_BLOCKED',
  'API_KEY_IP_ADDRESS_BLOCKED',
]);

/** A connection that broke after it was made: the next attempt may well get through. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'Z_BUF_ERROR', // a gzip body that ended early
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_UNEXPECTED_CONTENT_LENGTH',
]);

/** No connection could be made: retrying would only delay the message that fixes it. */
function isConnectCode(code: string): boolean {
  return (
    /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NONAME|EHOSTUNREACH|ENETUNREACH|ENETDOWN|EHOSTDOWN|EADDRNOTAVAIL)$/.test(code) ||
    /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_PROXY_)/.test(code) ||
    code === 'HOSTNAME_MISMATCH'
  );
}

export function classify(f: AttemptFailure): Classification {
  if (f.aborted) return { kind: 'aborted', retryable: false };
  if (f.timedOut) return { kind: 'timeout', retryable: true };
  if (f.internal) return { kind: 'internal', retryable: false };
  if (f.phase === 'credentials') return classifyTokenRefresh(f);
  const s = f.status;
  if (s === undefined) {
    if (f.malformed) return { kind: 'malformed', retryable: true };
    const code = f.networkCode;
    if (code !== undefined && TRANSIENT_CODES.has(code)) return { kind: 'reset', retryable: true };
    if (code !== undefined && isConnectCode(code)) return { kind: 'connect', retryable: false };
    return { kind: 'internal', retryable: false };
  }
  if (s === 429 || f.apiStatus === 'RESOURCE_EXHAUSTED' || reasonsOf(f).some((r) => RATE_REASONS.has(r))) {
    return { kind: 'rate-limit', retryable: true };
  }
  // The server's own deadline: the same remedy as ours (retry, then read in smaller pieces).
  if (s === 504 || s === 408 || f.apiStatus === 'DEADLINE_EXCEEDED') return { kind: 'timeout', retryable: true };
  if (s >= 500) return { kind: 'server', retryable: true };
  if (s >= 200 && s < 300) return { kind: 'malformed', retryable: true };
  if (s === 401 || s === 403 || reasonsOf(f).some((r) => AUTH_REASONS.has(r))) return { kind: 'auth', retryable: false };
  if (s === 404) return { kind: 'not-found', retryable: false };
  if (s === 400) return { kind: 'bad-request', retryable: false };
  return { kind: 'client', retryable: false };
}

/** One retry, as progress and --verbose report it. */
export interface RetryInfo {
  label: string;
  attempt: number;
  delayMs: number;
  kind: FailureKind;
  reason: string;
}

/** A request failed for good: the classification, the facts, and how many attempts it took. */
export class AttemptsFailed extends Error {
  override name = 'AttemptsFailed';
  /** What failed, for the final message: `chunk 3/40 ('Data'!A2201:Z2400)`. */
  label: string | undefined;
  constructor(
    readonly classification: Classification,
    readonly failure: AttemptFailure,
    readonly attempts: number,
    /** The failure could have healed, but the retries ran out. */
    readonly exhausted: boolean,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/** A token refresh in the middle of a run: the token endpoint's own failures. */
function classifyTokenRefresh(f: AttemptFailure): Classification {
  const code = f.networkCode;
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { kind: 'reset', retryable: true };
  if (code !== undefined && isConnectCode(code)) return { kind: 'connect', retryable: false };
  if (f.tokenStatus !== undefined && (f.tokenStatus >= 500 || f.tokenStatus === 429)) return { kind: 'server', retryable: true };
  return { kind: 'auth', retryable: false };
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only an HTTP date (which starts with a day name); Date.parse alone reads "-5" as a year.
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A short label for messages: `429 RESOURCE_EXHAUSTED`, `timed out after 30 s`, `ECONNRESET`. */
export function describeFailure(f: AttemptFailure, timeoutMs?: number): string {
  if (f.timedOut) return timeoutMs !== undefined ? `timed out after ${formatSeconds(timeoutMs)}` : 'timed out';
  if (f.status !== undefined && f.status >= 200 && f.status < 300) return `malformed answer (${f.message ?? 'unexpected body'})`;
  if (f.status !== undefined) return [String(f.status), f.apiStatus, f.message].filter(Boolean).join(' ');
  if (f.malformed) return `malformed answer (${f.message ?? 'unexpected body'})`;
  return f.networkCode ?? f.message ?? 'connection failed';
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
