/**
 * A small request (the metadata), tried until it succeeds or its RetryPolicy fails it.
 *
 * Every attempt passes the shared gate (rate ceiling, pool-wide 429 pause) and gets its own
 * AbortController, aborted by its own timer or by the run's signal; the timer and the listener are
 * removed when the attempt ends, so nothing outlives it. Backoff sleeps listen to the run's signal.
 */
import { type AttemptFailure, HttpFailure } from '../google/failure.js';
import { MalformedAnswer } from '../transcode/scanner.js';
import type { RequestGate } from './gate.js';
import { AttemptsFailed, type RetryInfo, classify, describeFailure } from './retry.js';
import { RetryPolicy, type RetrySettings, type Wait } from './retry-policy.js';
import { linkedController } from '../shared/signals.js';
import { sleep } from '../shared/sleep.js';

/** What every attempt of a run shares; `retries` and `backoff` configure each request's RetryPolicy. */
export interface AttemptContext extends RetrySettings {
  gate: RequestGate;
  /** The run's signal: cancels every attempt and every sleep. */
  signal: AbortSignal;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  onRequest?: (label: string, attempt: number) => void;
  onRetry?: (info: RetryInfo) => void;
}

/** An attempt's own timer fired: the server was silent for the timeout. */
export class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
}

/** The facts of a failed attempt: what the transport saw, or that it was our timeout, a cancel, or a bug. */
export function factsOf(error: unknown, timedOut: boolean, runAborted: boolean): AttemptFailure {
  if (runAborted) return { aborted: true };
  if (timedOut) return { timedOut: true };
  if (error instanceof HttpFailure) return error.failure;
  if (error instanceof MalformedAnswer) return { malformed: true, truncated: error.truncated, message: error.message };
  return { internal: true, message: error instanceof Error ? error.message : String(error) };
}

/**
 * Runs `attempt` until it resolves. Throws the run signal's reason when the run is cancelled, and
 * AttemptsFailed when a failure is final or the retries ran out.
 */
export async function withRetries<T>(label: string, ctx: AttemptContext, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const policy = new RetryPolicy(ctx);
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
    const decision = policy.decide({
      result: 'failed',
      classification,
      retryAfter: failure.retryAfter,
      delivered: 'none',
      size: { unit: 'whole' },
    });
    if (decision.action === 'fail') throw new AttemptsFailed(classification, failure, n, decision.exhausted, reason, { cause });
    await waitToRetry(ctx, { label, attempt: n, kind: classification.kind, reason }, decision);
  }
}

/**
 * Reports a retry and waits for it. A pool-wide wait holds the gate (the request then queues there
 * like the rest); any other sleeps alone.
 */
export async function waitToRetry(ctx: AttemptContext, info: Omit<RetryInfo, 'delayMs'>, wait: Wait): Promise<void> {
  ctx.onRetry?.({ ...info, delayMs: wait.delayMs });
  if (wait.poolWide) ctx.gate.pauseFor(wait.delayMs);
  else await sleep(wait.delayMs, ctx.signal);
}
