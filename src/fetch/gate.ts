/**
 * The admission gate every request passes: a requests-per-minute ceiling spread evenly (one start
 * every 60/rpm seconds, no bursts), and a pool-wide pause that a 429 sets so that every chunk
 * waits, not only the one that was refused. Callers are served in the order they asked, from one
 * queue and one timer: a later chunk never takes the slot of an earlier one.
 *
 * One exception makes the first rows come sooner: the first start books two slots, and the second
 * request (the first data request, beside the metadata) may use the spare one at once; the third
 * then waits two intervals. No 60 s window ever holds more than `maxRpm` starts (hence no spare
 * slot below 2 rpm).
 */

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class RequestGate {
  private readonly intervalMs: number;
  private nextStart = 0;
  private pausedUntil = 0;
  private started = false;
  /** The first start's spare slot may be used until this time (its own place in the schedule). */
  private spareUntil = 0;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `maxRpm` 0 means no ceiling. */
  constructor(
    maxRpm: number,
    private readonly now: () => number = Date.now,
  ) {
    this.intervalMs = maxRpm > 0 ? 60_000 / maxRpm : 0;
  }

  /** Resolves when the caller may start a request; rejects when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.queue.length === 0 && this.take(this.now())) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          reject(signal?.reason);
          this.schedule();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.schedule();
    });
  }

  /** Holds every request for `ms` from now (a 429 hit the pool). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.schedule();
  }

  /** Takes a slot if one is free at `now`. */
  private take(now: number): boolean {
    if (Math.max(this.pausedUntil, this.nextStart) <= now) {
      // The first start books two slots: the spare is for the first data request.
      const first = !this.started && this.intervalMs > 0 && this.intervalMs <= 30_000;
      this.nextStart = Math.max(now, this.nextStart) + this.intervalMs * (first ? 2 : 1);
      this.spareUntil = first ? now + this.intervalMs : 0;
      this.started = true;
      return true;
    }
    if (now < this.spareUntil && now >= this.pausedUntil) {
      this.spareUntil = 0;
      return true;
    }
    return false;
  }

  /** Serves the head of the queue while slots are free, then sleeps until the next one frees. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    while (this.queue.length > 0 && this.take(now)) {
      const waiter = this.queue.shift() as Waiter;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    if (this.queue.length === 0) return;
    const regular = Math.max(this.pausedUntil, this.nextStart);
    const spare = this.spareUntil > this.pausedUntil ? Math.max(now, this.pausedUntil) : Number.POSITIVE_INFINITY;
    this.timer = setTimeout(() => this.schedule(), Math.max(0, Math.min(regular, spare) - now));
  }
}
