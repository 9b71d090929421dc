/** The rate gate: an even rate, a pool-wide pause, callers served in the order they asked. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { RequestGate } from '../src/fetch/gate.js';

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

  it('with two spare slots, the second and third starts may use them; the fourth waits three intervals', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now(), 2);
    expect(await startTimes(gate, 5, 10_000)).toEqual([0, 0, 0, 3000, 4000]);
  });

  it('a spare slot may be used until its own place in the schedule, no later', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now(), 2);
    await startTimes(gate, 1, 0);
    await vi.advanceTimersByTimeAsync(1500);
    // The first spare (its place: 1 s) is gone; the second (2 s) is not.
    expect(await startTimes(gate, 3, 10_000)).toEqual([1500, 3000, 4000]);
  });

  it('at 120 rpm, ten callers start 500 ms apart after the first pair', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(120, () => Date.now());
    expect(await startTimes(gate, 10, 10_000)).toEqual([0, 0, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500]);
  });

  it('property: whatever the arrival times and spare slots, no 60 s window holds more than rpm starts', async () => {
    vi.useFakeTimers({ now: 0 });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(1, 2),
        async (rpm, gaps, spares) => {
          vi.setSystemTime(0);
          const gate = new RequestGate(rpm, () => Date.now(), spares);
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
        },
      ),
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

  it('a caller waiting out a pause is not overtaken by a later one: it gets the spare slot when the pause ends', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now());
    await gate.acquire(); // books the spare slot, usable until 1000
    gate.pauseFor(500);
    const starts: [string, number][] = [];
    const earlier = gate.acquire().then(() => starts.push(['earlier', Date.now()]));
    await vi.advanceTimersByTimeAsync(600);
    const later = gate.acquire().then(() => starts.push(['later', Date.now()]));
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all([earlier, later]);
    expect(starts).toEqual([
      ['earlier', 500],
      ['later', 2000],
    ]);
  });

  it('serves callers in the order they asked, whatever their timers do', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now());
    const order: number[] = [];
    const all = Promise.all(range(8).map((i) => gate.acquire().then(() => order.push(i))));
    gate.pauseFor(1500);
    await vi.advanceTimersByTimeAsync(20_000);
    await all;
    expect(order).toEqual(range(8));
  });

  it('a caller that gives up leaves its place to the next, in order', async () => {
    vi.useFakeTimers({ now: 0 });
    const gate = new RequestGate(60, () => Date.now());
    await gate.acquire();
    await gate.acquire();
    const controller = new AbortController();
    const order: string[] = [];
    const first = gate.acquire().then(() => order.push('first'));
    const quitter = track(gate.acquire(controller.signal));
    const last = gate.acquire().then(() => order.push('last'));
    controller.abort(new Error('gone'));
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all([first, last]);
    expect(quitter.rejected).toBe(true);
    expect(order).toEqual(['first', 'last']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
