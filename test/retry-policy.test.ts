import { describe, expect, it } from 'vitest';
import type { Classification } from '../src/fetch/retry.js';
import {
  type AttemptSize,
  type Decision,
  type Delivered,
  type FailedAttempt,
  RETRY_DEFAULTS,
  RetryPolicy,
  type RetrySettings,
} from '../src/fetch/retry-policy.js';

const STALL: Classification = { kind: 'timeout', retryable: true };
const SERVER: Classification = { kind: 'server', retryable: true };
const QUOTA: Classification = { kind: 'rate-limit', retryable: true };
const RESET: Classification = { kind: 'reset', retryable: true };
const AUTH: Classification = { kind: 'auth', retryable: false };

const rows = (count: number): AttemptSize => ({ unit: 'rows', count });
const parts = (count: number): AttemptSize => ({ unit: 'parts', count });
const WHOLE: AttemptSize = { unit: 'whole' };

function failed(
  classification: Classification,
  size: AttemptSize = rows(100),
  delivered: Delivered = 'none',
  retryAfter?: string,
): FailedAttempt {
  return { result: 'failed', classification, retryAfter, delivered, size };
}

/** A policy with no jitter, so every delay is exact. */
function policy(settings: Partial<RetrySettings> = {}): RetryPolicy {
  return new RetryPolicy({ retries: RETRY_DEFAULTS.retries, ...settings }, () => 0);
}

const wait = (delayMs: number, poolWide = false): Decision => ({ action: 'wait', delayMs, poolWide });
const halve = (unit: 'parts' | 'rows', count: number): Decision => ({ action: 'halve', unit, count });

describe('RetryPolicy', () => {
  it('lists its defaults together: 5 retries, 1 s doubling to 32 s, up to 1 s of jitter, Retry-After up to 300 s', () => {
    expect(RETRY_DEFAULTS).toEqual({
      retries: 5,
      backoff: { baseMs: 1000, capMs: 32_000, jitterMs: 1000, maxRetryAfterMs: 300_000 },
    });
    const p = policy();
    const delays = [1, 2, 3, 4, 5].map(() => p.decide(failed(SERVER)));
    expect(delays).toEqual([wait(1000), wait(2000), wait(4000), wait(8000), wait(16_000)]);
    expect(policy({ retries: 10 }).decide(failed(SERVER))).toEqual(wait(1000));
  });

  it('caps the exponential backoff and adds the jitter it draws', () => {
    const p = policy({ retries: 10 });
    const decisions = Array.from({ length: 8 }, () => p.decide(failed(SERVER)));
    expect(decisions.at(-1)).toEqual(wait(32_000));
    const jittered = new RetryPolicy({ retries: 1 }, () => 0.5).decide(failed(SERVER));
    expect(jittered).toEqual(wait(1500));
  });

  it('fails at once, not exhausted, on a failure that cannot heal, whatever came before', () => {
    const p = policy();
    expect(p.decide(failed(SERVER))).toEqual(wait(1000));
    expect(p.decide(failed(AUTH))).toEqual({ action: 'fail', exhausted: false });
    expect(policy().decide(failed(AUTH, rows(100), 'some'))).toEqual({ action: 'fail', exhausted: false });
  });

  it('fails as exhausted on the failure after `retries` in a row that delivered nothing', () => {
    const p = policy({ retries: 2 });
    expect(p.decide(failed(SERVER))).toEqual(wait(1000));
    expect(p.decide(failed(RESET))).toEqual(wait(2000));
    expect(p.decide(failed(SERVER))).toEqual({ action: 'fail', exhausted: true });
    expect(policy({ retries: 0 }).decide(failed(SERVER))).toEqual({ action: 'fail', exhausted: true });
  });

  it('resumes at once after an attempt that delivered rows, and counts failures afresh from there', () => {
    const p = policy({ retries: 2 });
    expect(p.decide(failed(SERVER))).toEqual(wait(1000));
    expect(p.decide(failed(SERVER))).toEqual(wait(2000));
    expect(p.decide(failed(RESET, rows(100), 'some'))).toEqual({ action: 'resume' });
    // The backoff starts again from its base, and two more failures are allowed.
    expect(p.decide(failed(SERVER))).toEqual(wait(1000));
    expect(p.decide(failed(SERVER))).toEqual(wait(2000));
    expect(p.decide(failed(SERVER))).toEqual({ action: 'fail', exhausted: true });
  });

  it('is no retry when the failed attempt still brought every row asked for', () => {
    const p = policy({ retries: 1 });
    expect(p.decide(failed(SERVER))).toEqual(wait(1000));
    expect(p.decide(failed(RESET, rows(100), 'all'))).toEqual({ action: 'proceed' });
    expect(p.decide(failed(SERVER))).toEqual(wait(1000));
  });

  it('counts afresh after an attempt that read whole', () => {
    const p = policy({ retries: 1 });
    expect(p.decide(failed(SERVER))).toEqual(wait(1000));
    expect(p.decide({ result: 'read' })).toEqual({ action: 'proceed' });
    expect(p.decide(failed(SERVER))).toEqual(wait(1000));
    expect(p.decide(failed(SERVER))).toEqual({ action: 'fail', exhausted: true });
  });

  it('honours Retry-After in seconds or as an HTTP date, up to its cap, instead of the exponential delay', () => {
    const p = policy();
    expect(p.decide(failed(QUOTA, rows(100), 'none', '7'))).toEqual(wait(7000, true));
    expect(p.decide(failed(SERVER, rows(100), 'none', '3600'))).toEqual(wait(300_000));
    expect(policy({ backoff: { maxRetryAfterMs: 60_000 } }).decide(failed(SERVER, WHOLE, 'none', '3600'))).toEqual(wait(60_000));
    // A header it cannot read leaves the exponential delay (here the third failure's).
    expect(p.decide(failed(SERVER, rows(100), 'none', 'soon'))).toEqual(wait(4000));
    const date = new Date(Date.now() + 120_000).toUTCString();
    const decision = policy().decide(failed(QUOTA, WHOLE, 'none', date));
    expect(decision).toMatchObject({ action: 'wait', poolWide: true });
    const { delayMs } = decision as { delayMs: number };
    // The date is whole seconds; the clock moves on between the two readings of it.
    expect(delayMs).toBeGreaterThan(110_000);
    expect(delayMs).toBeLessThanOrEqual(120_000);
  });

  it('makes only a 429 wait pool-wide', () => {
    expect(policy().decide(failed(QUOTA))).toEqual(wait(1000, true));
    for (const other of [SERVER, RESET, STALL]) expect(policy().decide(failed(other))).toEqual(wait(1000, false));
  });

  it('tries a stalled range again at the same size, halves it on the second stall, and from then on at every stall', () => {
    const p = policy({ retries: 10 });
    expect(p.decide(failed(STALL, rows(100)))).toEqual(wait(1000));
    expect(p.decide(failed(STALL, rows(100)))).toEqual(halve('rows', 50));
    expect(p.decide(failed(STALL, rows(50)))).toEqual(halve('rows', 25));
    expect(p.decide(failed(STALL, rows(25)))).toEqual(halve('rows', 13));
    expect(p.decide(failed(STALL, rows(13)))).toEqual(halve('rows', 7));
  });

  it('keeps halving through an attempt that delivered rows, until one reads whole', () => {
    const p = policy({ retries: 10 });
    p.decide(failed(STALL, rows(100)));
    expect(p.decide(failed(STALL, rows(100)))).toEqual(halve('rows', 50));
    expect(p.decide(failed(STALL, rows(50), 'some'))).toEqual({ action: 'resume' });
    expect(p.decide(failed(STALL, rows(50)))).toEqual(halve('rows', 25));
    expect(p.decide({ result: 'read' })).toEqual({ action: 'proceed' });
    expect(p.decide(failed(STALL, rows(25)))).toEqual(wait(1000));
    expect(p.decide(failed(STALL, rows(25)))).toEqual(halve('rows', 13));
  });

  it('counts stalls afresh after an attempt that delivered rows, before halving began', () => {
    const p = policy({ retries: 10 });
    expect(p.decide(failed(STALL, rows(100)))).toEqual(wait(1000));
    expect(p.decide(failed(STALL, rows(100), 'some'))).toEqual({ action: 'resume' });
    expect(p.decide(failed(STALL, rows(60)))).toEqual(wait(1000));
    expect(p.decide(failed(STALL, rows(60)))).toEqual(halve('rows', 30));
  });

  it('halves a batch by ranges, down to one range, which it cannot halve', () => {
    const p = policy({ retries: 10 });
    expect(p.decide(failed(STALL, parts(5)))).toEqual(wait(1000));
    expect(p.decide(failed(STALL, parts(5)))).toEqual(halve('parts', 3));
    expect(p.decide(failed(STALL, parts(3)))).toEqual(halve('parts', 2));
    expect(p.decide(failed(STALL, parts(2)))).toEqual(halve('parts', 1));
    expect(p.decide(failed(STALL, parts(1)))).toEqual(wait(16_000));
  });

  it('cannot halve one row, nor a request that is one thing', () => {
    for (const size of [rows(1), parts(1), WHOLE]) {
      const p = policy();
      expect([1, 2, 3].map(() => p.decide(failed(STALL, size)))).toEqual([wait(1000), wait(2000), wait(4000)]);
    }
  });

  it('counts a halving as a failure that delivered nothing: a range that stalls at every size runs out of retries', () => {
    const p = policy({ retries: 3 });
    expect(p.decide(failed(STALL, rows(8)))).toEqual(wait(1000));
    expect(p.decide(failed(STALL, rows(8)))).toEqual(halve('rows', 4));
    expect(p.decide(failed(STALL, rows(4)))).toEqual(halve('rows', 2));
    expect(p.decide(failed(STALL, rows(2)))).toEqual({ action: 'fail', exhausted: true });
  });
});
