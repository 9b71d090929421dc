/**
 * The admission gate every request passes: a requests-per-minute ceiling spread evenly (one start
 * every 60/rpm seconds, no bursts), and a pool-wide pause that a 429 sets so that every chunk
 * waits, not only the one that was refused.
 */
import { sleep } from './sleep.js';

export class RequestGate {
  private readonly intervalMs: number;
  private nextStart = 0;
  private pausedUntil = 0;

  /** `maxRpm` 0 means no ceiling. */
  constructor(maxRpm: number, private readonly now: () => number = Date.now) {
    this.intervalMs = maxRpm > 0 ? 60_000 / maxRpm : 0;
  }

  /** Resolves when the caller may start a request; rejects when `signal` aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const wait = Math.max(this.pausedUntil, this.nextStart) - now;
      if (wait <= 0) {
        // Reserve the slot before yielding, so concurrent callers queue behind it.
        this.nextStart = Math.max(now, this.nextStart) + this.intervalMs;
        return;
      }
      await sleep(wait, signal);
    }
  }

  /** Holds every request for `ms` from now (a 429 hit the pool). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}
