/**
 * One request, tried until it succeeds, fails for good, or runs out of retries.
 *
 * Every attempt passes the shared gate (rate ceiling, pool-wide 429 pause) and gets its own
 * AbortController, aborted by its own timer or by the run's signal; the timer and the listener are
 * removed when the attempt ends, so nothing outlives it. Backoff sleeps listen to the run's signal.
 */
import { HttpFailure } from '../google/failure.js';
import { type AttemptFailure, type BackoffOptions, type Classification, backoffDelay, classify, describeFailure, parseRetryAfter } from './retry.js';
import type { RequestGate } from './gate.js';
import { sleep } from './sleep.js';
import { linkedController } from './signals.js';

export interface AttemptContext {
  gate: RequestGate;
  /** The run's signal: cancels every attempt and every sleep. */
  signal: AbortSignal;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  backoff?: BackoffOptions;
  /** Failures to hand back at once rather than retry (the caller has a better remedy). */
  handBack?: (classification: Classification) => boolean;
  onRequest?: (label: string, attempt: number) => void;
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  label: string;
  attempt: number;
  delayMs: number;
  kind: Classification['kind'];
  reason: string;
}

/** A request failed for good: the classification, the facts, and how many attempts it took. */
export class AttemptsFailed extends Error {
  override name = 'AttemptsFailed';
  constructor(
    readonly classification: Classification,
    readonly failure: AttemptFailure,
    readonly attempts: number,
    readonly exhausted: boolean,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
}

function factsOf(error: unknown, timedOut: boolean, runAborted: boolean): AttemptFailure {
  const base = error instanceof HttpFailure ? error.failure : { message: error instanceof Error ? error.message : String(error) };
  return { ...base, timedOut: timedOut || undefined, aborted: runAborted || undefined };
}

/**
 * Runs `attempt` until it resolves. Throws the run signal's reason when the run is cancelled, and
 * AttemptsFailed when a failure is final or the retries ran out.
 */
export async function withRetries<T>(label: string, ctx: AttemptContext, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    await ctx.gate.acquire(ctx.signal);
    // acquire() may return without waiting; a listener added to an aborted signal never fires.
    ctx.signal.throwIfAborted();
    const { controller, dispose } = linkedController(ctx.signal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new AttemptTimeout(`timed out after ${ctx.timeoutMs} ms`));
    }, ctx.timeoutMs);
    let failure: AttemptFailure;
    let cause: unknown;
    try {
      ctx.onRequest?.(label, n);
      return await attempt(controller.signal);
    } catch (error) {
      cause = error;
      failure = factsOf(error, timedOut, ctx.signal.aborted);
    } finally {
      clearTimeout(timer);
      dispose();
    }
    const classification = classify(failure);
    if (classification.kind === 'aborted') throw ctx.signal.reason;
    const reason = describeFailure(failure, ctx.timeoutMs);
    if (!classification.retryable || n > ctx.retries || ctx.handBack?.(classification)) {
      throw new AttemptsFailed(classification, failure, n, classification.retryable && n > ctx.retries, reason, { cause });
    }
    const delayMs = backoffDelay(n, parseRetryAfter(failure.retryAfter), ctx.backoff);
    ctx.onRetry?.({ label, attempt: n, delayMs, kind: classification.kind, reason });
    if (classification.kind === 'rate-limit') {
      // The quota is shared: hold the whole pool, then this request queues at the gate like the rest.
      ctx.gate.pauseFor(delayMs);
    } else {
      await sleep(delayMs, ctx.signal);
    }
  }
}
