/**
 * The admission gate every request passes: a requests-per-minute ceiling spread evenly (one start
 * every 60/rpm seconds, no bursts), and a pool-wide pause that a 429 sets so that every chunk
 * waits, not only the one that was refused. Callers are served in the order they asked, from one
 * queue and one timer: a later chunk never takes the slot of an earlier one.
 *
 * One exception makes the first rows come sooner: the first start books two slots, and the second
 * request (the first data request, beside the metadata) may use the spare one at once; the third
 * then waits two intervals. A run whose first rows take two requests beside the metadata's (typed
 * values: the first values, and the formats once the metadata is in) books three. A spare
 * may be used until its own place in the schedule; no 60 s window ever holds more than `maxRpm`
 * starts (hence no spare slot below 2 rpm, no second below 3).
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
  /** The first start's spare slots not yet used: each may be used until its own place in the schedule, soonest first. */
  private spares: number[] = [];
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `maxRpm` 0 means no ceiling; `spareSlots`: the slots the first start books beside its own (1 or 2). */
  constructor(
    maxRpm: number,
    private readonly now: () => number = Date.now,
    private readonly spareSlots = 1,
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
      // The first start books its spare slots too: they are for the requests that bring the first rows.
      const spares = !this.started && this.intervalMs > 0 && this.intervalMs * (1 + this.spareSlots) <= 60_000 ? this.spareSlots : 0;
      this.nextStart = Math.max(now, this.nextStart) + this.intervalMs * (1 + spares);
      this.spares = Array.from({ length: spares }, (_, k) => now + this.intervalMs * (k + 1));
      this.started = true;
      return true;
    }
    while (this.spares.length > 0 && (this.spares[0] as number) <= now) this.spares.shift();
    if (this.spares.length > 0 && now >= this.pausedUntil) {
      this.spares.shift();
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
    const spare = this.spares.some((until) => until > this.pausedUntil) ? Math.max(now, this.pausedUntil) : Number.POSITIVE_INFINITY;
    this.timer = setTimeout(() => this.schedule(), Math.max(0, Math.min(regular, spare) - now));
  }
}
