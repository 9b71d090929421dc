/**
 * What a failed attempt leads to: fail, read on, read smaller, or wait and try again. No I/O: the
 * attempt loops (attempts.ts for the metadata, chunk-reader.ts for values) tell one policy per
 * request what each attempt came to and do what it decides; what can heal is classify's to say.
 *
 * - `retries` counts failures in a row that delivered no row. An attempt that brought rows before
 *   it broke is progress: the count starts afresh and the next attempt continues where it stopped,
 *   at once (a retry with no delay), unless every row asked for came whole (no retry at all).
 * - Backoff: base·2^(n-1) capped, plus jitter; the server's Retry-After instead, when it sent one
 *   (capped), since it knows when the quota frees. A 429 holds the whole pool: the quota is shared.
 * - A stall (a timeout) is usually passing: the same size is tried again first and halved only
 *   when it stalls again. Once halving has begun and no attempt has read whole since, the next
 *   stall halves at once. A batch halves by ranges, a single range by rows; one range or one row
 *   cannot be halved.
 */
import { type Classification, parseRetryAfter } from './retry.js';

/** The policy's defaults, together. */
export const RETRY_DEFAULTS = {
  /** Failures in a row that delivered no row before a request fails for good (--retries). */
  retries: 5,
  backoff: {
    /** First retry's base delay in ms. */
    baseMs: 1000,
    /** Ceiling of the exponential part in ms, per Google's advice. */
    capMs: 32_000,
    /** Random extra of up to this many ms, so clients don't retry in step. */
    jitterMs: 1000,
    /** Longest Retry-After honoured, in ms. */
    maxRetryAfterMs: 300_000,
  },
} as const;

/** Stalls in a row that a size is tried at before it is halved. */
const STALLS_BEFORE_HALVING = 2;

export interface BackoffOptions {
  /** First retry's base delay in ms. Default 1000. */
  baseMs?: number;
  /** Ceiling of the exponential part in ms. Default 32000. */
  capMs?: number;
  /** Random extra of up to this many ms. Default 1000. */
  jitterMs?: number;
  /** Longest Retry-After honoured, in ms. Default 300000. */
  maxRetryAfterMs?: number;
}

export interface RetrySettings {
  /** Failures in a row that delivered no row before a request fails for good. */
  retries: number;
  backoff?: BackoffOptions;
}

/**
 * Delay before retry number `retry` (1-based): min(cap, base·2^(retry-1)) plus jitter; when the
 * server sent Retry-After, that (capped) plus jitter instead.
 */
export function backoffDelay(retry: number, retryAfterMs: number | undefined, options: BackoffOptions = {}, random = Math.random): number {
  const defaults = RETRY_DEFAULTS.backoff;
  const jitter = random() * (options.jitterMs ?? defaults.jitterMs);
  if (retryAfterMs !== undefined) return Math.round(Math.min(retryAfterMs, options.maxRetryAfterMs ?? defaults.maxRetryAfterMs) + jitter);
  const exponential = (options.baseMs ?? defaults.baseMs) * 2 ** Math.max(0, retry - 1);
  return Math.round(Math.min(options.capMs ?? defaults.capMs, exponential) + jitter);
}

/** What one attempt asked for, as far as it can be asked smaller: ranges of a batch, rows of one range, or one thing (the metadata). */
export type AttemptSize = { unit: 'parts'; count: number } | { unit: 'rows'; count: number } | { unit: 'whole' };

/** How much a failed attempt delivered: no row, some rows, or every row the request asked for. */
export type Delivered = 'none' | 'some' | 'all';

export interface FailedAttempt {
  result: 'failed';
  classification: Classification;
  /** The answer's Retry-After header, as sent. */
  retryAfter: string | undefined;
  delivered: Delivered;
  size: AttemptSize;
}

/** A request that delivers no rows and cannot be asked smaller (the metadata): only ever failed or waited for. */
export type FailedWhole = FailedAttempt & { delivered: 'none'; size: { unit: 'whole' } };

export type Outcome = { result: 'read' } | FailedAttempt;

export type Fail = { action: 'fail'; exhausted: boolean };
export type Halve = { action: 'halve'; unit: 'parts' | 'rows'; count: number };
export type Wait = { action: 'wait'; delayMs: number; poolWide: boolean };

export type Decision =
  /** Fails for good: the failure cannot heal, or (`exhausted`) it could but the retries ran out. */
  | Fail
  /** Reads on at once, no retry: the attempt read what it asked, or every row asked for came whole. */
  | { action: 'proceed' }
  /** Continues at once where the attempt stopped: a retry with no delay. */
  | { action: 'resume' }
  /** Asks `count` ranges or rows at a time from now on, at once. */
  | Halve
  /** Tries again after `delayMs`; `poolWide`: every request waits too. */
  | Wait;

/** Stalls are counted until a size is first halved; from then until an attempt reads whole, every stall halves. */
type Stalls = { phase: 'counting'; inARow: number } | { phase: 'halving' };

/** One request's retry policy: told what each attempt came to, it decides what comes next. */
export class RetryPolicy {
  private failures = 0;
  private stalls: Stalls = { phase: 'counting', inARow: 0 };

  constructor(
    private readonly settings: RetrySettings,
    private readonly random: () => number = Math.random,
  ) {}

  decide(outcome: FailedWhole): Fail | Wait;
  decide(outcome: Outcome): Decision;
  decide(outcome: Outcome): Decision {
    if (outcome.result === 'read') {
      this.failures = 0;
      this.stalls = { phase: 'counting', inARow: 0 };
      return { action: 'proceed' };
    }
    const { classification, delivered, size } = outcome;
    if (!classification.retryable) return { action: 'fail', exhausted: false };
    if (delivered !== 'none') {
      this.failures = 0;
      if (this.stalls.phase === 'counting') this.stalls = { phase: 'counting', inARow: 0 };
      return delivered === 'all' ? { action: 'proceed' } : { action: 'resume' };
    }
    this.failures += 1;
    if (this.failures > this.settings.retries) return { action: 'fail', exhausted: true };
    if (classification.kind === 'timeout') {
      const halve = this.stalled(size);
      if (halve) return halve;
    }
    const delayMs = backoffDelay(this.failures, parseRetryAfter(outcome.retryAfter), this.settings.backoff, this.random);
    return { action: 'wait', delayMs, poolWide: classification.kind === 'rate-limit' };
  }

  /** Counts a stall; the smaller size to ask for, when it is time to halve and the size can be. */
  private stalled(size: AttemptSize): Halve | undefined {
    if (this.stalls.phase === 'counting') this.stalls = { phase: 'counting', inARow: this.stalls.inARow + 1 };
    const due = this.stalls.phase === 'halving' || this.stalls.inARow >= STALLS_BEFORE_HALVING;
    if (!due || size.unit === 'whole' || size.count <= 1) return undefined;
    this.stalls = { phase: 'halving' };
    return { action: 'halve', unit: size.unit, count: Math.ceil(size.count / 2) };
  }
}
