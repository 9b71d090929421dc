/**
 * The window: requests started in plan order, at most `concurrency` at once, and no new one while
 * the parts read ahead hold more than `budgetBytes` — so memory is bounded by the window, not the
 * sheet, and a reader that stops reading stops the fetching.
 *
 * Each range (a "target") is drained in order: its earliest unwritten part is the head and writes
 * to the destination as its answer streams in; the parts after it wait, encoded, until they are
 * the head. Ranges are independent: a folder export drains them side by side from one pool.
 *
 * The first failure aborts everything in flight and is the one reported.
 */
import type { RangeOutput } from '../transcode/output.js';
import type { Request } from './chunk-reader.js';
import type { Part } from './part.js';
import { linkedController, untilAborted } from '../shared/signals.js';
import { SheetMovedError } from '../shared/errors.js';

export interface Target {
  output: RangeOutput;
  /** Its parts in sheet order; every part belongs to exactly one request. */
  parts: Part[];
}

export interface WindowOptions {
  concurrency: number;
  /** Bytes the parts read ahead may hold before new requests wait. */
  budgetBytes: number;
  /** Requests started but not yet written, at most. Default 2 × concurrency + 1. */
  ahead?: number;
  signal?: AbortSignal;
}

/** A request already running when the window opens (the early read of a range's first rows). */
export interface Running {
  request: Request;
  done: Promise<void>;
}

/** Writes what a head part has read so far. */
export function deliverPart(part: Part): Promise<void> {
  if (part.rows) part.output.append(part.rows);
  return part.output.flush();
}

export class Window {
  private readonly controller: AbortController;
  private readonly dispose: () => void;
  private readonly pending: Iterator<Request>;
  private readonly active = new Map<Request, number>();
  private readonly requestOf = new Map<Part, Request>();
  private readonly roomWaiters: (() => void)[] = [];
  private running = 0;
  private readonly settled: Promise<unknown>[] = [];
  private failure: { error: unknown } | undefined;
  /** The window is done (or failed): its own closing abort is not a failure. */
  private closing = false;
  private readonly concurrency: number;
  private readonly ahead: number;

  constructor(
    private readonly targets: readonly Target[],
    requests: Iterable<Request>,
    private readonly read: (request: Request, signal: AbortSignal) => Promise<void>,
    private readonly options: WindowOptions,
    running: readonly Running[] = [],
  ) {
    const linked = linkedController(options.signal);
    this.controller = linked.controller;
    this.dispose = linked.dispose;
    this.concurrency = Math.max(1, options.concurrency);
    this.ahead = Math.max(this.concurrency, options.ahead ?? 2 * this.concurrency + 1);
    this.pending = requests[Symbol.iterator]();
    for (const { request, done } of running) this.track(request, done);
    // A cancel fails the window even where no request is in flight to carry it (none started yet).
    this.controller.signal.addEventListener('abort', () => this.cancelled(), { once: true });
  }

  private cancelled(): void {
    if (!this.closing) this.fail(this.controller.signal.reason);
    this.wakeRoom();
  }

  /** The signal every request of the window listens to. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Reads everything; resolves when every range is written, rejects with the first failure. */
  async run(): Promise<void> {
    try {
      // Cancelled before it ran (a signal while the destinations were opened): nothing starts.
      if (this.controller.signal.aborted) this.fail(this.controller.signal.reason);
      this.fill();
      await Promise.all(this.targets.map((target) => this.drain(target)));
    } catch (error) {
      this.fail(error);
    } finally {
      // A part is complete a moment before its request returns: nothing outlives the window.
      await Promise.allSettled(this.settled);
      this.closing = true;
      if (!this.controller.signal.aborted) this.controller.abort(new Error('the window closed'));
      this.dispose();
    }
    if (this.failure) throw this.failure.error;
  }

  /** Undefined while parts reading ahead may take more bytes; else resolves when they may. */
  room(): Promise<void> | undefined {
    if (this.heldBytes() <= this.options.budgetBytes || this.controller.signal.aborted) return undefined;
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private heldBytes(): number {
    let bytes = 0;
    for (const request of this.active.keys()) for (const part of request.parts) bytes += part.heldBytes;
    return bytes;
  }

  private wakeRoom(): void {
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  private fill(): void {
    while (
      !this.failure &&
      !this.controller.signal.aborted &&
      this.running < this.concurrency &&
      this.active.size < this.ahead &&
      this.heldBytes() < this.options.budgetBytes
    ) {
      const next = this.pending.next();
      if (next.done) return;
      this.track(next.value, this.read(next.value, this.controller.signal));
    }
  }

  private track(request: Request, done: Promise<void>): void {
    this.running += 1;
    this.settled.push(done);
    this.active.set(request, request.parts.length);
    for (const part of request.parts) this.requestOf.set(part, request);
    done.then(
      () => {
        this.running -= 1;
        this.fill();
      },
      (error: unknown) => {
        this.running -= 1;
        this.fail(error);
      },
    );
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.controller.abort(error);
    for (const target of this.targets) for (const part of target.parts) part.fail(error);
  }

  /** Writes one range's parts in order, each as it becomes the head. */
  private async drain(target: Target): Promise<void> {
    const { output } = target;
    let head: Part | undefined;
    try {
      for (const part of target.parts) {
        // Nothing of a part is written before its first row is known to follow the rows written (boundary.ts).
        part.before?.checkBeforeHead();
        head = part;
        part.becomeHead();
        this.wakeRoom();
        await deliverPart(part);
        await part.finished;
        if (part.rows) output.append(part.rows, true);
        await output.flush();
        head = undefined;
        part.before?.release();
        this.written(part);
      }
    } catch (error) {
      // Rows moved under the range: every row before the boundary is written — the head's rows
      // committed so far, rows held for the width — as one read of those rows gives them, none after.
      if (error instanceof SheetMovedError) {
        if (head?.rows) output.append(head.rows, true);
        output.finish();
        await output.flush();
      }
      throw error;
    }
    output.finish();
    // An output whose rows wait for a confirmation (an early read checked once it ends) releases
    // them only then: the range is written when they are, or the window fails.
    if (!output.ready) await untilAborted(output.whenReady(), this.controller.signal);
    await output.flush();
  }

  private written(part: Part): void {
    const request = this.requestOf.get(part);
    this.requestOf.delete(part);
    if (request) {
      const left = (this.active.get(request) ?? 1) - 1;
      if (left <= 0) this.active.delete(request);
      else this.active.set(request, left);
    }
    this.wakeRoom();
    this.fill();
  }
}
