/**
 * The admission gate every request passes: a requests-per-minute ceiling spread evenly (one start
 * every 60/rpm seconds, no bursts), and a pool-wide pause that a 429 sets so that every chunk
 * waits, not only the one that was refused.
 *
 * One exception makes the first rows come sooner: the first start books two slots, and the second
 * request (the first data request, right after the metadata) may use the spare one at once; the
 * third then waits two intervals. No 60 s window ever holds more than `maxRpm` starts (hence no
 * spare slot below 2 rpm).
 */
import { sleep } from './sleep.js';

export class RequestGate {
  private readonly intervalMs: number;
  private nextStart = 0;
  private pausedUntil = 0;
  private started = false;
  /** The first start's spare slot may be used until this time (its own place in the schedule). */
  private spareUntil = 0;

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
        const first = !this.started && this.intervalMs > 0 && this.intervalMs <= 30_000;
        this.nextStart = Math.max(now, this.nextStart) + this.intervalMs * (first ? 2 : 1);
        this.spareUntil = first ? now + this.intervalMs : 0;
        this.started = true;
        return;
      }
      if (now < this.spareUntil && now >= this.pausedUntil) {
        this.spareUntil = 0;
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
