/**
 * A request quota over a sliding window, like the API's "requests per minute per user".
 */
export class SlidingWindowQuota {
  private readonly times: number[] = [];
  private head = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one request: 0 when it is allowed, else the whole seconds until one frees up (≥ 1). */
  take(): number {
    const now = this.now();
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.windowMs) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    if (this.times.length - this.head < this.limit) {
      this.times.push(now);
      return 0;
    }
    const oldest = this.times[this.head] as number;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }
}
