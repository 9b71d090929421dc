import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { orderedMap } from '../src/fetch/scheduler.js';
import { RequestGate } from '../src/fetch/gate.js';

/** Lets every pending promise callback run; no wall-clock time is measured anywhere. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface Started {
  item: number;
  signal: AbortSignal;
  settled: boolean;
  resolve(value: number): void;
  reject(error: unknown): void;
}

/** Fake async tasks whose completion the test controls, counting how many run at once. */
function harness(options: { rejectOnAbort?: boolean } = {}) {
  const started: Started[] = [];
  const state = { running: 0, maxRunning: 0 };
  const task = (item: number, signal: AbortSignal) =>
    new Promise<number>((resolve, reject) => {
      state.running += 1;
      state.maxRunning = Math.max(state.maxRunning, state.running);
      const entry: Started = {
        item,
        signal,
        settled: false,
        resolve: (value) => {
          if (entry.settled) return;
          entry.settled = true;
          state.running -= 1;
          resolve(value);
        },
        reject: (error) => {
          if (entry.settled) return;
          entry.settled = true;
          state.running -= 1;
          reject(error);
        },
      };
      started.push(entry);
      if (options.rejectOnAbort) signal.addEventListener('abort', () => entry.reject(signal.reason), { once: true });
    });
  const pending = () => started.filter((s) => !s.settled);
  return { started, state, task, pending };
}

/** Wraps a promise so a test can ask, without waiting, whether it has settled. */
function track<T>(promise: Promise<T>) {
  const t = { settled: false, value: undefined as T | undefined, error: undefined as unknown, rejected: false };
  promise.then(
    (value) => {
      t.settled = true;
      t.value = value;
    },
    (error: unknown) => {
      t.settled = true;
      t.rejected = true;
      t.error = error;
    },
  );
  return t;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('orderedMap', () => {
  it('yields results in input order when tasks finish in reverse order', async () => {
    const h = harness();
    const gen = orderedMap(range(8), h.task, { concurrency: 8 });
    const all = track(
      (async () => {
        const out: number[] = [];
        for await (const v of gen) out.push(v);
        return out;
      })(),
    );
    await settle();
    expect(h.started.map((s) => s.item)).toEqual(range(8));
    for (const s of [...h.started].reverse()) {
      s.resolve(s.item * 10);
      await settle();
    }
    expect(all.settled).toBe(true);
    expect(all.value).toEqual(range(8).map((i) => i * 10));
  });

  it('property: any completion order and any pull pattern → input order, ≤ concurrency running, ≤ window unconsumed', async () => {
    const action = fc.oneof(fc.constant<'pull'>('pull'), fc.nat({ max: 1000 }));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 25 }),
        fc.array(action, { maxLength: 80 }),
        async (concurrency, extraWindow, n, actions) => {
          const window = concurrency + extraWindow;
          const h = harness();
          const gen = orderedMap(range(n), h.task, { concurrency, window });
          const received: number[] = [];
          let pulling = false;
          let done = false;
          const pull = () => {
            pulling = true;
            void gen.next().then((r) => {
              pulling = false;
              if (r.done) done = true;
              else received.push(r.value);
            });
          };
          const check = () => {
            expect(h.state.running).toBeLessThanOrEqual(concurrency);
            expect(h.started.length - received.length).toBeLessThanOrEqual(window);
            expect(received).toEqual(range(received.length).map((i) => i * 10));
            expect(h.started.map((s) => s.item)).toEqual(range(h.started.length)); // started in input order
          };
          for (const a of actions) {
            if (a === 'pull') {
              if (!pulling && !done) pull();
            } else {
              const p = h.pending();
              const s = p[a % Math.max(1, p.length)];
              s?.resolve(s.item * 10);
            }
            await settle();
            check();
          }
          // Drain: resolve whatever runs (last started first, to keep the order shuffled), pull to the end.
          for (let guard = 0; !done && guard < 10 * (n + 2); guard++) {
            if (!pulling) pull();
            const p = h.pending();
            p[p.length - 1]?.resolve((p[p.length - 1] as Started).item * 10);
            await settle();
            check();
          }
          expect(done).toBe(true);
          expect(received).toEqual(range(n).map((i) => i * 10));
          expect(h.started.length).toBe(n);
          expect(h.state.maxRunning).toBeLessThanOrEqual(concurrency);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('runs up to `concurrency` tasks at once, never more', async () => {
    const h = harness();
    const gen = orderedMap(range(20), h.task, { concurrency: 3, window: 10 });
    const first = track(gen.next());
    await settle();
    expect(h.state.running).toBe(3);
    expect(h.started).toHaveLength(3);
    // Finishing one lets exactly one more start.
    h.started[1]?.resolve(1);
    await settle();
    expect(h.started).toHaveLength(4);
    expect(h.state.running).toBe(3);
    expect(first.settled).toBe(false); // the head (item 0) is not done yet
    h.started[0]?.resolve(0);
    await settle();
    expect(first.value).toEqual({ done: false, value: 0 });
    expect(h.state.maxRunning).toBe(3);
    await gen.return(undefined);
  });

  it('prefetches up to the window and no further while the consumer stalls', async () => {
    let started = 0;
    const gen = orderedMap(
      range(100),
      async (i) => {
        started += 1;
        return i;
      },
      { concurrency: 2, window: 5 },
    );
    expect((await gen.next()).value).toBe(0);
    await settle();
    await settle();
    // One taken; five more started and finished, waiting for the consumer; nothing else.
    expect(started - 1).toBe(5);
    expect((await gen.next()).value).toBe(1);
    await settle();
    expect(started - 2).toBe(5);
    await gen.return(undefined);
  });

  it('raises a window smaller than the concurrency to the concurrency', async () => {
    const h = harness();
    const gen = orderedMap(range(10), h.task, { concurrency: 3, window: 1 });
    const first = track(gen.next());
    await settle();
    expect(h.state.running).toBe(3);
    expect(h.state.maxRunning).toBe(3);
    h.started[0]?.resolve(0);
    await settle();
    expect(first.value).toEqual({ done: false, value: 0 });
    await gen.return(undefined);
  });

  it('a consumer that breaks early aborts the running tasks and starts no more', async () => {
    const h = harness({ rejectOnAbort: true });
    const out: number[] = [];
    const consumer = track(
      (async () => {
        for await (const v of orderedMap(range(1000), h.task, { concurrency: 3, window: 4 })) {
          out.push(v);
          if (out.length === 2) break;
        }
      })(),
    );
    await settle();
    h.started[0]?.resolve(0);
    h.started[1]?.resolve(1);
    await settle();
    expect(consumer.settled).toBe(true);
    expect(consumer.rejected).toBe(false);
    expect(out).toEqual([0, 1]);
    const startedAtBreak = h.started.length;
    expect(startedAtBreak).toBeGreaterThan(2);
    // Every task still running when the consumer stopped saw its signal abort.
    for (const s of h.started.slice(2)) expect(s.signal.aborted).toBe(true);
    expect(h.state.running).toBe(0);
    await settle();
    expect(h.started.length).toBe(startedAtBreak);
  });

  it('a task failure rejects the consumer at once, even while an earlier task still hangs, and aborts the others', async () => {
    const h = harness(); // tasks ignore their signal: the consumer must not wait for them
    const gen = orderedMap(range(10), h.task, { concurrency: 3, window: 3 });
    const next = track(gen.next());
    await settle();
    expect(h.started).toHaveLength(3);
    const boom = new Error('boom');
    h.started[2]?.reject(boom);
    await settle();
    expect(next.settled).toBe(true);
    expect(next.rejected).toBe(true);
    expect(next.error).toBe(boom);
    expect(h.started[0]?.signal.aborted).toBe(true);
    expect(h.started[0]?.signal.reason).toBe(boom);
    // No task starts after the failure, even when the hung ones finish.
    h.started[0]?.resolve(0);
    h.started[1]?.resolve(1);
    await settle();
    expect(h.started).toHaveLength(3);
    expect((await gen.next()).done).toBe(true);
  });

  it('a failure is thrown ahead of finished results the consumer has not taken yet', async () => {
    const h = harness();
    const gen = orderedMap(range(4), h.task, { concurrency: 4 });
    const first = track(gen.next());
    await settle();
    h.started[1]?.resolve(1);
    h.started[3]?.reject(new Error('chunk 4 failed'));
    await settle();
    expect(first.rejected).toBe(true);
    expect(String(first.error)).toContain('chunk 4 failed');
  });

  it('the outer signal aborts the tasks and rejects the consumer with its reason', async () => {
    const h = harness({ rejectOnAbort: true });
    const outer = new AbortController();
    const gen = orderedMap(range(10), h.task, { concurrency: 2, signal: outer.signal });
    const next = track(gen.next());
    await settle();
    expect(h.started).toHaveLength(2);
    const reason = new Error('SIGINT');
    outer.abort(reason);
    await settle();
    expect(next.rejected).toBe(true);
    expect(next.error).toBe(reason);
    expect(h.started.every((s) => s.signal.aborted)).toBe(true);
    expect(h.started).toHaveLength(2);
  });

  it('an already-aborted outer signal starts nothing', async () => {
    const h = harness();
    const outer = new AbortController();
    outer.abort(new Error('gone'));
    const gen = orderedMap(range(10), h.task, { concurrency: 2, signal: outer.signal });
    await expect(gen.next()).rejects.toThrow('gone');
    expect(h.started).toHaveLength(0);
  });

  it('an empty input ends at once', async () => {
    const h = harness();
    const out: number[] = [];
    for await (const v of orderedMap([], h.task, { concurrency: 4 })) out.push(v);
    expect(out).toEqual([]);
    expect(h.started).toHaveLength(0);
  });

  it('consumes an infinite generator lazily', async () => {
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled += 1;
        yield i;
      }
    }
    const out: number[] = [];
    for await (const v of orderedMap(naturals(), async (i) => i * 2, { concurrency: 4, window: 6 })) {
      out.push(v);
      if (out.length === 50) break;
    }
    expect(out).toEqual(range(50).map((i) => i * 2));
    expect(pulled).toBeLessThanOrEqual(50 + 6);
  });
});

describe('RequestGate', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function startTimes(gate: RequestGate, n: number, runMs: number, signal?: AbortSignal): Promise<number[]> {
    const times: number[] = [];
    const all = Promise.all(range(n).map(() => gate.acquire(signal).then(() => times.push(Date.now()))));
    await vi.advanceTimersByTimeAsync(runMs);
    await all;
    return times.sort((a, b) => a - b);
  }

  it('spreads starts evenly at 60/rpm seconds apart; the second start may use the spare slot of the first', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now());
    expect(await startTimes(gate, 5, 10_000)).toEqual([0, 0, 2000, 3000, 4000]);
  });

  it('at 120 rpm, ten callers start 500 ms apart after the first pair', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(120, () => Date.now());
    expect(await startTimes(gate, 10, 10_000)).toEqual([0, 0, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500]);
  });

  it('property: whatever the arrival times, no 60 s window holds more than rpm starts', async () => {
    vi.useFakeTimers({ now: 0 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 40 }), async (rpm, gaps) => {
        vi.setSystemTime(0);
        const gate = new RequestGate(rpm, () => Date.now());
        const times: number[] = [];
        const pending: Promise<unknown>[] = [];
        for (const gap of gaps) {
          await vi.advanceTimersByTimeAsync(gap);
          pending.push(gate.acquire().then(() => times.push(Date.now())));
        }
        await vi.advanceTimersByTimeAsync(gaps.length * (60_000 / rpm) * 2 + 1);
        await Promise.all(pending);
        times.sort((a, b) => a - b);
        for (let i = 0; i < times.length; i++) {
          const inWindow = times.filter((t) => t >= (times[i] as number) && t < (times[i] as number) + 60_000).length;
          expect(inWindow).toBeLessThanOrEqual(rpm);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('does not bank idle time into a burst', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now());
    await startTimes(gate, 1, 0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await startTimes(gate, 3, 10_000)).toEqual([60_000, 61_000, 62_000]);
  });

  it('rpm 0 means no ceiling', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(0, () => Date.now());
    expect(await startTimes(gate, 5, 0)).toEqual([0, 0, 0, 0, 0]);
  });

  it('pauseFor holds every caller (a 429 pauses the pool), and a shorter pause does not shorten it', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(0, () => Date.now());
    gate.pauseFor(5000);
    gate.pauseFor(1000);
    expect(await startTimes(gate, 3, 10_000)).toEqual([5000, 5000, 5000]);
  });

  it('pause and rate combine', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now());
    gate.pauseFor(3000);
    expect(await startTimes(gate, 3, 10_000)).toEqual([3000, 3000, 5000]);
  });

  it('a waiting acquire rejects with the signal reason and leaves no timer behind', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now());
    await gate.acquire();
    await gate.acquire(); // the spare slot
    const controller = new AbortController();
    const waiting = track(gate.acquire(controller.signal));
    await vi.advanceTimersByTimeAsync(100);
    expect(waiting.settled).toBe(false);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.rejected).toBe(true);
    expect(waiting.error).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already-aborted signal rejects at once when the caller would wait', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now());
    await gate.acquire();
    await gate.acquire(); // the spare slot
    const controller = new AbortController();
    controller.abort(new Error('already'));
    await expect(gate.acquire(controller.signal)).rejects.toThrow('already');
  });
});
