import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AttemptFailure } from '../src/google/failure.js';
import { type Classification, classify, describeFailure, formatSeconds, parseRetryAfter } from '../src/fetch/retry.js';
import { backoffDelay } from '../src/fetch/retry-policy.js';

describe('classify', () => {
  const table: [string, AttemptFailure, Classification][] = [
    ['429', { status: 429 }, { kind: 'rate-limit', retryable: true }],
    [
      '429 RESOURCE_EXHAUSTED',
      { status: 429, apiStatus: 'RESOURCE_EXHAUSTED', reason: 'RATE_LIMIT_EXCEEDED' },
      { kind: 'rate-limit', retryable: true },
    ],
    [
      '403 RATE_LIMIT_EXCEEDED reason',
      { status: 403, apiStatus: 'PERMISSION_DENIED', reason: 'RATE_LIMIT_EXCEEDED' },
      { kind: 'rate-limit', retryable: true },
    ],
    ['403 rateLimitExceeded (v3-style reason)', { status: 403, reason: 'rateLimitExceeded' }, { kind: 'rate-limit', retryable: true }],
    ['403 userRateLimitExceeded', { status: 403, reason: 'userRateLimitExceeded' }, { kind: 'rate-limit', retryable: true }],
    ['403 RESOURCE_EXHAUSTED status', { status: 403, apiStatus: 'RESOURCE_EXHAUSTED' }, { kind: 'rate-limit', retryable: true }],
    ['500', { status: 500, apiStatus: 'INTERNAL' }, { kind: 'server', retryable: true }],
    ['502', { status: 502 }, { kind: 'server', retryable: true }],
    ['503', { status: 503, apiStatus: 'UNAVAILABLE' }, { kind: 'server', retryable: true }],
    ["504 (the server's own timeout)", { status: 504, apiStatus: 'DEADLINE_EXCEEDED' }, { kind: 'timeout', retryable: true }],
    ['DEADLINE_EXCEEDED under another status', { status: 500, apiStatus: 'DEADLINE_EXCEEDED' }, { kind: 'timeout', retryable: true }],
    ['408', { status: 408 }, { kind: 'timeout', retryable: true }],
    ['400', { status: 400, apiStatus: 'INVALID_ARGUMENT' }, { kind: 'bad-request', retryable: false }],
    ['401', { status: 401, apiStatus: 'UNAUTHENTICATED' }, { kind: 'auth', retryable: false }],
    ['403', { status: 403, apiStatus: 'PERMISSION_DENIED' }, { kind: 'auth', retryable: false }],
    ['403 with another reason', { status: 403, reason: 'forbidden' }, { kind: 'auth', retryable: false }],
    ['404', { status: 404, apiStatus: 'NOT_FOUND' }, { kind: 'not-found', retryable: false }],
    ['409', { status: 409 }, { kind: 'client', retryable: false }],
    ['413', { status: 413 }, { kind: 'client', retryable: false }],
    [
      '400 API_KEY_INVALID',
      { status: 400, apiStatus: 'INVALID_ARGUMENT', reasons: ['API_KEY_INVALID'] },
      { kind: 'auth', retryable: false },
    ],
    [
      '403 ACCESS_TOKEN_SCOPE_INSUFFICIENT',
      { status: 403, reasons: ['ACCESS_TOKEN_SCOPE_INSUFFICIENT'] },
      { kind: 'auth', retryable: false },
    ],
    [
      'a rate reason second in the list',
      { status: 403, reasons: ['forbidden', 'rateLimitExceeded'] },
      { kind: 'rate-limit', retryable: true },
    ],
    ['ECONNRESET', { networkCode: 'ECONNRESET' }, { kind: 'reset', retryable: true }],
    ['ETIMEDOUT', { networkCode: 'ETIMEDOUT' }, { kind: 'reset', retryable: true }],
    ['a body cut short', { networkCode: 'ERR_STREAM_PREMATURE_CLOSE' }, { kind: 'reset', retryable: true }],
    ['ECONNREFUSED (a wrong --endpoint)', { networkCode: 'ECONNREFUSED' }, { kind: 'connect', retryable: false }],
    ['ENOTFOUND (DNS)', { networkCode: 'ENOTFOUND' }, { kind: 'connect', retryable: false }],
    ['EAI_AGAIN (offline DNS)', { networkCode: 'EAI_AGAIN' }, { kind: 'connect', retryable: false }],
    ['a TLS failure', { networkCode: 'CERT_HAS_EXPIRED' }, { kind: 'connect', retryable: false }],
    ['ERR_TLS_CERT_ALTNAME_INVALID', { networkCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }, { kind: 'connect', retryable: false }],
    ['an unknown code is a bug, not an outage', { networkCode: 'ERR_INVALID_ARG_TYPE' }, { kind: 'internal', retryable: false }],
    ['no facts at all', {}, { kind: 'internal', retryable: false }],
    ['a token refresh refused', { phase: 'credentials', tokenStatus: 400 }, { kind: 'auth', retryable: false }],
    ['a token refresh cut off', { phase: 'credentials', networkCode: 'ECONNRESET' }, { kind: 'reset', retryable: true }],
    ['a token endpoint down', { phase: 'credentials', tokenStatus: 503 }, { kind: 'server', retryable: true }],
    ['a token endpoint unreachable', { phase: 'credentials', networkCode: 'ENOTFOUND' }, { kind: 'connect', retryable: false }],
    ['a bug', { internal: true, message: 'x is not a function' }, { kind: 'internal', retryable: false }],
    ['our timeout', { timedOut: true }, { kind: 'timeout', retryable: true }],
    ['our timeout beats a partial answer', { timedOut: true, status: 200, malformed: true }, { kind: 'timeout', retryable: true }],
    ['run aborted', { aborted: true }, { kind: 'aborted', retryable: false }],
    ['run aborted beats a timeout and a 503', { aborted: true, timedOut: true, status: 503 }, { kind: 'aborted', retryable: false }],
    ['run aborted beats a 429', { aborted: true, status: 429 }, { kind: 'aborted', retryable: false }],
    ['malformed 200 body', { status: 200, malformed: true }, { kind: 'malformed', retryable: true }],
    ['truncated body, no status', { malformed: true }, { kind: 'malformed', retryable: true }],
  ];
  it.each(table)('%s', (_name, failure, expected) => {
    expect(classify(failure)).toEqual(expected);
  });

  it('never reads the message: messages that sound like quota, outage or auth change nothing', () => {
    const misleading = [
      'Quota exceeded for quota metric Read requests',
      'The service is currently unavailable.',
      'Internal error encountered.',
      'Request had insufficient authentication scopes.',
      'Rate Limit Exceeded',
      'RESOURCE_EXHAUSTED',
      'Unable to parse range: Data!A1',
    ];
    for (const [, failure, expected] of table) {
      for (const message of misleading) expect(classify({ ...failure, message })).toEqual(expected);
    }
  });

  it('property: the same facts with any two messages classify the same', () => {
    const facts = fc.record(
      {
        status: fc.oneof(fc.constantFrom(200, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504), fc.integer({ min: 100, max: 599 })),
        apiStatus: fc.constantFrom(
          'RESOURCE_EXHAUSTED',
          'UNAVAILABLE',
          'INTERNAL',
          'PERMISSION_DENIED',
          'NOT_FOUND',
          'INVALID_ARGUMENT',
          'UNAUTHENTICATED',
        ),
        reason: fc.constantFrom(
          'RATE_LIMIT_EXCEEDED',
          'rateLimitExceeded',
          'userRateLimitExceeded',
          'quotaExceeded',
          'forbidden',
          'notFound',
          'backendError',
        ),
        retryAfter: fc.constantFrom('1', '30', 'Wed, 21 Oct 2015 07:28:00 GMT'),
        networkCode: fc.constantFrom('ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET'),
        timedOut: fc.boolean(),
        aborted: fc.boolean(),
        malformed: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(facts, fc.string(), fc.string(), (f, m1, m2) => {
        expect(classify({ ...f, message: m1 })).toEqual(classify({ ...f, message: m2 }));
        expect(classify({ ...f, message: m1 })).toEqual(classify(f));
      }),
      { numRuns: 1000 },
    );
  });

  it('property: every 5xx and every rate-limit signal is retryable; 400/401/403/404 without one are not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 500, max: 599 }), (status) => {
        expect(classify({ status })).toEqual({ kind: status === 504 ? 'timeout' : 'server', retryable: true });
      }),
    );
    for (const status of [400, 401, 403, 404]) {
      expect(classify({ status }).retryable).toBe(false);
      expect(classify({ status, reason: 'RATE_LIMIT_EXCEEDED' })).toEqual({ kind: 'rate-limit', retryable: true });
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', now)).toBe(7000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date, relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('5 minutes', now)).toBeUndefined();
    expect(parseRetryAfter('12abc', now)).toBeUndefined();
  });

  it('is undefined for a negative number (neither delta-seconds nor an HTTP date)', () => {
    // RFC 9110: Retry-After = HTTP-date / delay-seconds (1*DIGIT). "-5" is neither; it must not
    // read as "retry now" (0) and so skip the exponential backoff.
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  const zero = () => 0;
  const almostOne = () => 0.999_999;

  it('doubles from the base, capped at 32 s by default', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelay(n, undefined, {}, zero))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 32_000, 32_000,
    ]);
  });

  it('adds at most the jitter, from the injected random', () => {
    expect(backoffDelay(1, undefined, {}, () => 0.5)).toBe(1500);
    expect(backoffDelay(3, undefined, {}, almostOne)).toBeLessThanOrEqual(5000);
    expect(backoffDelay(3, undefined, {}, almostOne)).toBeGreaterThan(4900);
    expect(backoffDelay(3, undefined, { jitterMs: 0 }, almostOne)).toBe(4000);
  });

  it('honours its options', () => {
    expect(backoffDelay(1, undefined, { baseMs: 100 }, zero)).toBe(100);
    expect(backoffDelay(4, undefined, { baseMs: 100 }, zero)).toBe(800);
    expect(backoffDelay(10, undefined, { baseMs: 100, capMs: 500 }, zero)).toBe(500);
  });

  it('does not overflow for huge retry numbers', () => {
    expect(backoffDelay(5000, undefined, {}, zero)).toBe(32_000);
  });

  it('honours Retry-After (plus jitter) instead of the exponential delay', () => {
    expect(backoffDelay(1, 10_000, {}, zero)).toBe(10_000);
    expect(backoffDelay(1, 10_000, {}, almostOne)).toBeLessThanOrEqual(11_000);
    expect(backoffDelay(6, 0, {}, zero)).toBe(0);
    // A Retry-After past the ceiling is capped.
    expect(backoffDelay(1, 3_600_000, {}, zero)).toBe(300_000);
    expect(backoffDelay(1, 3_600_000, { maxRetryAfterMs: 60_000 }, zero)).toBe(60_000);
  });

  it('property: exponential delay is within [min(cap, base·2^(n-1)), that + jitter]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseMs, capMs, jitterMs, r) => {
          const delay = backoffDelay(retry, undefined, { baseMs, capMs, jitterMs }, () => r);
          const floor = Math.min(capMs, baseMs * 2 ** (retry - 1));
          expect(delay).toBeGreaterThanOrEqual(Math.floor(floor));
          expect(delay).toBeLessThanOrEqual(Math.ceil(floor + jitterMs));
          expect(Number.isFinite(delay)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: with Retry-After within the ceiling, the delay is at least Retry-After and at most it + jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, retryAfter, jitterMs, r) => {
          const delay = backoffDelay(retry, retryAfter, { jitterMs }, () => r);
          expect(delay).toBeGreaterThanOrEqual(retryAfter);
          expect(delay).toBeLessThanOrEqual(retryAfter + jitterMs);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('describeFailure', () => {
  it('labels each failure for messages', () => {
    expect(describeFailure({ timedOut: true }, 30_000)).toBe('timed out after 30 s');
    expect(describeFailure({ timedOut: true }, 2500)).toBe('timed out after 2.5 s');
    expect(describeFailure({ timedOut: true })).toBe('timed out');
    expect(describeFailure({ status: 429, apiStatus: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' })).toBe(
      '429 RESOURCE_EXHAUSTED Quota exceeded',
    );
    expect(describeFailure({ status: 503 })).toBe('503');
    expect(describeFailure({ networkCode: 'ECONNRESET' })).toBe('ECONNRESET');
    expect(describeFailure({ status: 200, malformed: true, message: '"values" is not an array' })).toContain('malformed');
    expect(describeFailure({ malformed: true })).toContain('malformed');
    expect(describeFailure({})).toBe('connection failed');
    expect(describeFailure({ networkCode: 'ECONNREFUSED', host: 'x' })).toBe('ECONNREFUSED');
    expect(formatSeconds(1000)).toBe('1 s');
  });
});
