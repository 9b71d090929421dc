/**
 * Transient faults: every one is retried (or, for a timeout, split), and the export's bytes equal
 * those of a clean run of the same tab with the same options.
 *
 * The real CLI runs as a child process against an in-process emulator with aimed fault rules. The
 * default backoff (1 s base, up to 1 s jitter) is kept short by aiming each fault at a few requests.
 *
 * Retry counts are exact where only the faults decide them (the default 30 s timeout never fires).
 * Where a short --timeout is the point, a loaded machine may add a stall of its own: those tests
 * assert what holds whatever the scheduler does (identical output, the faulted request retried,
 * retries ≥ the faults), and run one at a time.
 */
import { describe, expect, it } from 'vitest';
import type { EmulatorStats, FaultRule, TabSource } from '../../src/emulator/index.js';
import { describeResult } from '../e2e/harness.js';
import {
  type FaultEmulator,
  type TimedResult,
  bigTab,
  cleanOutput,
  expectExit,
  mixedTab,
  runTimed,
  startFaultEmulator,
  summaryRetries,
  waitFor,
} from './helpers.js';

const MIXED = ['Mixed', '--chunk-rows', '25'];

interface Outcome {
  r: TimedResult;
  emu: FaultEmulator;
  stats: EmulatorStats;
  retries: number;
}

/**
 * Runs `args` against `faults` on `tabs` (default: the mixed tab); the output must equal a clean
 * run's. `more` runs before the emulator stops. Tests run concurrently: each stops its own emulator.
 */
async function expectIdentical(
  faults: FaultRule[],
  args: string[] = MIXED,
  more: (o: Outcome) => Promise<void> | void = () => undefined,
  tabs: [string, () => TabSource[]] = ['mixed', () => [mixedTab()]],
): Promise<Outcome> {
  const emu = await startFaultEmulator(tabs[1](), faults);
  try {
    const [r, clean] = await Promise.all([runTimed([...emu.base, ...args]), cleanOutput(tabs[0], tabs[1], args)]);
    expectExit(r, 0);
    expect(r.stdout === clean, `the output differs from a clean run\n${describeResult(r)}`).toBe(true);
    const outcome = { r, emu, stats: emu.stats(), retries: summaryRetries(r) };
    await more(outcome);
    return outcome;
  } finally {
    await emu.stop();
  }
}

describe.concurrent('5xx bursts are retried', () => {
  it('503 on values requests 2-4: identical output, the summary counts the retries', async () => {
    const { stats, retries } = await expectIdentical([{ match: { requests: [2, 3, 4] }, fault: 'status', status: 503 }]);
    expect(stats.faults).toEqual({ status: 3 });
    expect(stats.unavailable).toBe(3);
    expect(retries).toBe(3);
  });

  it('500 on values requests 2-4 and on the metadata request: identical output', async () => {
    const { stats, retries } = await expectIdentical([
      { match: { target: 'metadata', times: 1 }, fault: 'status', status: 500 },
      { match: { requests: [2, 3, 4] }, fault: 'status', status: 500 },
    ]);
    expect(stats.byStatus['500']).toBe(4);
    expect(retries).toBe(4);
  });

  // From 10 requests in flight, every attempt's abort listener on the shared run signal must not
  // trip Node's MaxListenersExceededWarning onto stderr.
  it('503 on values requests 2-4 with -c 16: identical output, and stderr holds the summary line only', async () => {
    const emu = await startFaultEmulator([mixedTab()], [{ match: { requests: [2, 3, 4] }, fault: 'status', status: 503 }]);
    try {
      const [r, clean] = await Promise.all([
        runTimed([...emu.base, ...MIXED, '-c', '16']),
        cleanOutput('mixed', () => [mixedTab()], MIXED),
      ]);
      expectExit(r, 0);
      expect(r.stdout === clean, `the output differs from a clean run\n${describeResult(r)}`).toBe(true);
      expect(summaryRetries(r)).toBe(3);
    } finally {
      await emu.stop();
    }
  });

  it('502 and 504 on the same chunk twice in a row: retried until it answers', async () => {
    const { stats, retries } = await expectIdentical([
      { match: { range: '!A50:', times: 1 }, fault: 'status', status: 502 },
      { match: { range: '!A50:', times: 1 }, fault: 'status', status: 504 },
    ]);
    expect(stats.faults).toEqual({ status: 2 });
    expect(retries).toBe(2);
  });
});

describe.concurrent('malformed and cut answers are retried', () => {
  it.each([
    ['truncate', 'a body cut mid-JSON (FIN)'],
    ['reset', 'a connection reset mid-body (RST)'],
    ['html', 'a 200 with an HTML page'],
    ['no-values-garbage', 'a 200 whose JSON has neither range nor values'],
    ['bad-row', 'a 200 with one row more than asked, that row not an array'],
    // Refused before its first row is written: a column-major answer would come out transposed.
    ['columns', 'a 200 in column-major order'],
    // Refused after its rows came whole: none of them is written or counted until the answer is known good.
    ['trailing-bytes', 'the right answer, then more JSON after its end'],
  ] as const)('%s (%s): identical output', async (fault, _what) => {
    const { stats, retries } = await expectIdentical([{ match: { requests: [3] }, fault }]);
    expect(stats.faults).toEqual({ [fault]: 1 });
    expect(retries).toBe(1);
  });

  it('bad-row where the chunk is not full (the row-type check, not the row count, catches it): identical output', async () => {
    // A601:H625 holds one data row (601), so the spoilt answer has 2 entries for 25 rows asked.
    const { stats, retries } = await expectIdentical([{ match: { range: '!A600:', times: 1 }, fault: 'bad-row' }]);
    expect(stats.faults).toEqual({ 'bad-row': 1 });
    expect(retries).toBe(1);
  });

  it('NDJSON output under a truncated body and a reset: identical output', async () => {
    const { stats } = await expectIdentical(
      [
        { match: { requests: [2] }, fault: 'truncate' },
        { match: { requests: [5] }, fault: 'reset' },
      ],
      [...MIXED, '-f', 'ndjson'],
    );
    expect(stats.faults).toEqual({ truncate: 1, reset: 1 });
  });

  // A 200 to spreadsheets.get that is not the metadata (a proxy's HTML page, junk JSON) must be
  // retried like the same answer to values.get, not read as a spreadsheet without tabs.
  it.each(['html', 'no-values-garbage'] as const)('a metadata answer spoilt by %s is retried: identical output', async (fault) => {
    const { stats, retries } = await expectIdentical([{ match: { target: 'metadata', times: 1 }, fault }]);
    expect(stats.faults).toEqual({ [fault]: 1 });
    expect(stats.metadata).toBe(2);
    expect(retries).toBe(1);
  });
});

// One at a time: sibling tests' emulators share this worker's event loop, and a short timeout is
// the point here.
describe('a request that hangs forever', () => {
  it('a values request: the timeout aborts it, the work is redone, identical output, and the process exits at once', async () => {
    const args = [...MIXED, '--timeout', '0.5'];
    await expectIdentical([{ match: { requests: [3] }, fault: 'hang' }], args, async ({ r, emu, stats, retries }) => {
      expect(stats.faults).toEqual({ hang: 1 });
      // The hung request, at least (a loaded machine may stall another one past 0.5 s).
      expect(retries).toBeGreaterThanOrEqual(1);
      const hung = emu.valuesArrivals()[2]?.url;
      expect(emu.valuesArrivals().filter((e) => e.url === hung).length, 'the hung range was asked again').toBeGreaterThanOrEqual(2);
      // Nothing (a socket, a backoff) keeps the process alive after its last word: a socket left
      // open would hold it until the emulator stops.
      expect(r.tailMs, describeResult(r)).toBeLessThan(3000);
      // The hung request's socket was closed by the client, not left open.
      await waitFor(() => emu.stats().inFlight === 0, 5000, 'the hung request to be dropped');
    });
  });

  it('the metadata request: timed out, retried, identical output, prompt exit', async () => {
    const args = [...MIXED, '--timeout', '0.5'];
    await expectIdentical([{ match: { target: 'metadata', times: 1 }, fault: 'hang' }], args, async ({ r, emu, stats, retries }) => {
      expect(stats.faults).toEqual({ hang: 1 });
      expect(stats.metadata).toBeGreaterThanOrEqual(2);
      expect(retries).toBeGreaterThanOrEqual(1);
      expect(r.tailMs, describeResult(r)).toBeLessThan(3000);
      await waitFor(() => emu.stats().inFlight === 0, 5000, 'the hung request to be dropped');
    });
  });
});

describe('a timeout on a very large chunk', () => {
  it('reads a timed-out chunk in halves until requests answer in time: identical output, exit 0', async () => {
    // 6000 rows in chunks of 4000: A1:J4000 and A4001:J6000. Every request for ≥ 500 rows hangs.
    // A stall is retried once at its size before it is halved; once halved, the next stall halves
    // at once: 4000, 4000 → 2000 → 1000 → 500 → 250 rows answer; the rest of the chunk is then
    // read 250 rows at a time (fewer, if a loaded machine stalls one of those twice).
    const args = ['--chunk-rows', '4000', '--timeout', '0.5'];
    await expectIdentical(
      [{ match: { minRows: 500 }, fault: 'hang' }],
      args,
      ({ r, emu }) => {
        // Hung: 4000 twice, 2000, 1000, 500 under the first chunk; 2000 twice, 1000, 500 under the
        // second. Only requests of ≥ 500 rows hang, and the halving that reaches 250 is the same
        // whatever else stalls.
        expect(emu.stats().faults).toEqual({ hang: 9 });
        expect(summaryRetries(r)).toBeGreaterThanOrEqual(9);
        // Every row read once: the answered ranges tile rows 1-6000, each at most 250 rows. Each
        // request but the first also asks for the row before its own (to check that nothing moved),
        // and the last reads to the end of the tab (no end row).
        const answered = emu.traffic.filter((e) => e.kind === 'response' && e.status === 200 && e.url.includes('/values/'));
        const spans = answered
          .map((e) => {
            const m = /A(\d+)%3AJ(\d*)[?&]/i.exec(e.url);
            expect(m, e.url).not.toBeNull();
            return [Number(m?.[1]), m?.[2] ? Number(m[2]) : 6000] as const;
          })
          .sort((a, b) => a[0] - b[0]);
        expect(answered.length).toBeGreaterThanOrEqual(24);
        let next = 1;
        for (const [first, last] of spans) {
          expect(first, 'the answered ranges tile the tab').toBe(next === 1 ? 1 : next - 1);
          expect(last - next + 1).toBeLessThanOrEqual(250);
          next = last + 1;
        }
        expect(next).toBe(6001);
        expect(r.tailMs, describeResult(r)).toBeLessThan(3000);
      },
      ['big6000', () => [bigTab(6000)]],
    );
  });
});
