/**
 * What the emulator has served: counters a test or a benchmark reads through `stats()` or
 * `GET /_emulator/stats`.
 */

export interface EmulatorStats {
  /** Every HTTP request except those to /_emulator/. */
  requests: number;
  /** spreadsheets.get requests. */
  metadata: number;
  /** values.get and values:batchGet requests. */
  values: number;
  /** Answers by HTTP status, e.g. { "200": 40, "429": 2 }. */
  byStatus: Record<string, number>;
  /** Answers with status 429 (quota or fault). */
  rateLimited: number;
  /** Answers with status 503 (failRate or fault). */
  unavailable: number;
  /** Requests refused because the emulator does not serve what they ask (400 FAILED_PRECONDITION). */
  refused: number;
  /** Requests answered "emulator internal error" (500): each is a bug in the emulator. */
  internalErrors: number;
  /** Faults fired, by kind. */
  faults: Record<string, number>;
  /** Requests received and not yet answered or dropped. */
  inFlight: number;
  /** The most requests ever in flight at once. */
  maxInFlight: number;
  /** Body bytes sent, after compression. */
  bytesSent: number;
  /** The latest values ranges requested (each range of a batchGet), oldest first, at most 1000. */
  recentRanges: string[];
}

const RECENT_RANGES = 1000;

export class StatsCounter {
  private readonly c: Omit<EmulatorStats, 'rateLimited' | 'unavailable'> = {
    requests: 0,
    metadata: 0,
    values: 0,
    byStatus: {},
    refused: 0,
    internalErrors: 0,
    faults: {},
    inFlight: 0,
    maxInFlight: 0,
    bytesSent: 0,
    recentRanges: [],
  };

  /** A request arrived; `done` is called once when its connection's response closes. */
  arrived(): () => void {
    const c = this.c;
    c.requests += 1;
    c.inFlight += 1;
    c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
    return () => {
      c.inFlight -= 1;
    };
  }

  /** Counts a metadata request; returns its 1-based ordinal among metadata requests. */
  metadataRequest(): number {
    return ++this.c.metadata;
  }

  /** Counts a values request and remembers its ranges; returns its ordinal among values requests. */
  valuesRequest(ranges: readonly string[]): number {
    const recent = this.c.recentRanges;
    recent.push(...ranges);
    if (recent.length > RECENT_RANGES) recent.splice(0, recent.length - RECENT_RANGES);
    return ++this.c.values;
  }

  answered(status: number, bytes: number): void {
    const key = String(status);
    this.c.byStatus[key] = (this.c.byStatus[key] ?? 0) + 1;
    this.c.bytesSent += bytes;
  }

  fault(kind: string): void {
    this.c.faults[kind] = (this.c.faults[kind] ?? 0) + 1;
  }

  refused(): void {
    this.c.refused += 1;
  }

  internalError(): void {
    this.c.internalErrors += 1;
  }

  snapshot(): EmulatorStats {
    const c = this.c;
    return {
      ...c,
      byStatus: { ...c.byStatus },
      rateLimited: c.byStatus['429'] ?? 0,
      unavailable: c.byStatus['503'] ?? 0,
      faults: { ...c.faults },
      recentRanges: [...c.recentRanges],
    };
  }
}
