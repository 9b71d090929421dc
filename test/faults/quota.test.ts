/**
 * 429 RESOURCE_EXHAUSTED: with and without Retry-After, aimed and from the emulator's own quota.
 * The export finishes with the bytes of a clean run; every retry waits at least what Retry-After
 * said (or the backoff base without it); a 429 holds the whole pool, not only the refused request.
 *
 * Times come from the emulator's side (diagnostics_channel: request arrival, response end), so a
 * gap between a 429's end and the retry's arrival is a lower bound of what the client waited.
 */
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions, FaultRule } from '../../src/emulator/index.js';
import { describeResult } from '../e2e/harness.js';
import {
  type FaultEmulator,
  type TimedResult,
  type Traffic,
  cleanOutput,
  expectExit,
  mixedTab,
  runTimed,
  startFaultEmulator,
  summaryRetries,
} from './helpers.js';

const ARGS = ['Mixed', '--chunk-rows', '25', '-c', '4'];
/**
 * Requests the client launched before it read a 429 may still arrive just after it: a few ms on an
 * idle machine, more when the client waits for a CPU.
 */
const GRACE_MS = 500;

async function run(
  faults: FaultRule[],
  options: EmulatorOptions = {},
): Promise<{ r: TimedResult; emu: FaultEmulator; refused: Traffic[] }> {
  const emu = await startFaultEmulator([mixedTab()], faults, options);
  try {
    const [r, clean] = await Promise.all([runTimed([...emu.base, ...ARGS]), cleanOutput('mixed', () => [mixedTab()], ARGS)]);
    expectExit(r, 0);
    expect(r.stdout === clean, `the output differs from a clean run\n${describeResult(r)}`).toBe(true);
    const refused = emu.traffic.filter((e) => e.kind === 'response' && e.status === 429);
    // Every refused request (429 or 5xx) was retried once per refusal, and the summary says so.
    expect(summaryRetries(r)).toBe(emu.traffic.filter((e) => e.kind === 'response' && e.status !== 200).length);
    return { r, emu, refused };
  } finally {
    await emu.stop();
  }
}

/** For each 429, how long until the same request arrived again. */
function retryGaps(emu: FaultEmulator, refused: Traffic[]): number[] {
  return refused.map((no) => {
    const again = emu.traffic.find((e) => e.kind === 'request' && e.url === no.url && e.t > no.t);
    expect(again, `no retry of ${no.url}`).toBeDefined();
    return (again?.t ?? Infinity) - no.t;
  });
}

/** Values requests that arrived in (from, to). */
function arrivalsBetween(emu: FaultEmulator, from: number, to: number): Traffic[] {
  return emu.valuesArrivals().filter((e) => e.t > from && e.t < to);
}

describe.concurrent('429 storms', () => {
  it('with Retry-After: 1 on the first four values requests: every retry waits ≥ 1 s, the pool pauses, identical output', async () => {
    const { emu, refused } = await run([{ match: { requests: [2, 3, 4, 5] }, fault: 'status', status: 429, retryAfter: 1 }]);
    expect(refused).toHaveLength(4);
    for (const gap of retryGaps(emu, refused)) expect(gap).toBeGreaterThanOrEqual(1000);
    const first = refused[0] as Traffic;
    expect(arrivalsBetween(emu, first.t + GRACE_MS, first.t + 1000)).toEqual([]);
  });

  it('a lone 429 with Retry-After: 3 holds every request of the pool for 3 s, even retries of other failures', async () => {
    // Values requests 2-4 are the first wave with requests 1: 2 is refused with 429, 3 and 4 fail with
    // 503 and would retry on their own backoff (1-2 s) if the 429 held only its own request.
    const { r, emu, refused } = await run([
      { match: { requests: [2] }, fault: 'status', status: 429, retryAfter: 3 },
      { match: { requests: [3, 4] }, fault: 'status', status: 503 },
    ]);
    expect(refused).toHaveLength(1);
    expect(emu.stats().unavailable).toBe(2);
    const [gap] = retryGaps(emu, refused);
    // The first default backoff is at most 2 s: ≥ 3 s shows the header was honoured.
    expect(gap).toBeGreaterThanOrEqual(3000);
    const no = refused[0] as Traffic;
    expect(arrivalsBetween(emu, no.t + GRACE_MS, no.t + 3000)).toEqual([]);
    // Then the 429'd chunk, the two 503'd chunks and the rest of the plan all went.
    expect(arrivalsBetween(emu, no.t + 3000, Infinity).length).toBeGreaterThan(30);
    expect(r.ms).toBeGreaterThanOrEqual(3000);
  });

  it('without Retry-After: exponential backoff (≥ 1 s, then ≥ 2 s for the same request), the pool pauses, identical output', async () => {
    const { emu, refused } = await run([
      { match: { range: '!A50:', times: 2 }, fault: 'status', status: 429 },
      { match: { requests: [2, 3, 4, 5] }, fault: 'status', status: 429 },
    ]);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    const gaps = retryGaps(emu, refused);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1000);
    const chunk3 = refused.map((e, i) => [e, gaps[i] as number] as const).filter(([e]) => e.url.includes('A50%3AH75'));
    expect(chunk3).toHaveLength(2);
    expect(chunk3[1]?.[1]).toBeGreaterThanOrEqual(2000);
    const first = refused[0] as Traffic;
    expect(arrivalsBetween(emu, first.t + GRACE_MS, first.t + 1000)).toEqual([]);
  });

  it("the emulator's own quota (12 requests a second, Retry-After from the window): the run finishes, identical output", async () => {
    const { emu, refused } = await run([], { maxRpm: 12, quotaWindowMs: 1000, quotaRetryAfter: true });
    expect(refused.length).toBeGreaterThan(0);
    for (const gap of retryGaps(emu, refused)) expect(gap).toBeGreaterThanOrEqual(1000);
  });

  it("the emulator's own quota as the API answers it (no Retry-After): backoff, the run finishes, identical output", async () => {
    const { emu, refused } = await run([], { maxRpm: 12, quotaWindowMs: 1000 });
    expect(refused.length).toBeGreaterThan(0);
    for (const gap of retryGaps(emu, refused)) expect(gap).toBeGreaterThanOrEqual(1000);
  });
});
