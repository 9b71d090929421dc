/**
 * Retries run out: exit 5 with one stderr line naming the chunk, its A1 range and the last error;
 * with -o, the old file is left exactly as it was and no temp file remains.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/index.js';
import { describeResult } from '../e2e/harness.js';
import {
  type FaultEmulator,
  type TimedResult,
  expectExit,
  expectUntouched,
  mixedTab,
  runTimed,
  settledRequests,
  sleep,
  startFaultEmulator,
  withoutNotice,
} from './helpers.js';

const OLD = 'yesterday,s\nexport,intact\n';

/** Runs an export into `-o FILE` (holding OLD) against `faults`; expects exit 5 and FILE untouched. */
async function exhaust(faults: FaultRule[], args: string[], check: (r: TimedResult, emu: FaultEmulator) => void): Promise<void> {
  const emu = await startFaultEmulator([mixedTab()], faults);
  const dir = mkdtempSync(join(tmpdir(), 'sheetpipe-exhausted-'));
  try {
    const out = join(dir, 'orders.csv');
    writeFileSync(out, OLD);
    const chunking = args.includes('--chunk-rows') ? [] : ['--chunk-rows', '25'];
    const r = await runTimed([...emu.base, 'Mixed', ...chunking, ...args, '-o', out]);
    expectExit(r, 5);
    expect(r.stdout).toBe('');
    // The retry notice, then the error: one line.
    expect(withoutNotice(r), `one error line on stderr\n${describeResult(r)}`).toHaveLength(1);
    expectUntouched(dir, ['orders.csv'], out, OLD);
    check({ ...r, stderr: `${withoutNotice(r).join('\n')}\n` }, emu);
    // It has exited: what it sent settles, and no request is left open on the server.
    const asked = await settledRequests(emu);
    await sleep(300);
    expect(emu.stats().requests).toBe(asked);
    expect(emu.stats().inFlight).toBe(0);
  } finally {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const count = (emu: FaultEmulator, range: string) => emu.stats().recentRanges.filter((r) => r === range).length;

describe.concurrent('retries exhausted → exit 5', () => {
  it('503 on every request for chunk 2, --retries 2', async () => {
    await exhaust([{ match: { range: '!A25:' }, fault: 'status', status: 503 }], ['--retries', '2'], (r, emu) => {
      expect(r.stderr).toBe(
        "sheetpipe: chunk 2/40 ('Mixed'!A26:H50) failed 3 times (last: 503 UNAVAILABLE The service is currently unavailable.); " +
          'the API stayed unavailable, rerun later\n',
      );
      expect(count(emu, "'Mixed'!A25:H50")).toBe(3);
    });
  });

  it('503 on every values request, --retries 2: the message names whichever chunk gave up, with its range', async () => {
    await exhaust([{ fault: 'status', status: 503 }], ['--retries', '2'], (r) => {
      const m =
        /^sheetpipe: chunk (\d+)\/40 \('Mixed'!A(\d+):H(\d+)\) failed 3 times \(last: 503 UNAVAILABLE .*\); the API stayed unavailable, rerun later\n$/.exec(
          r.stderr,
        );
      expect(m, describeResult(r)).not.toBeNull();
      const n = Number(m?.[1]);
      expect([Number(m?.[2]), Number(m?.[3])]).toEqual([(n - 1) * 25 + 1, n * 25]);
    });
  });

  it('429 with Retry-After: 1 on every request for chunk 2, --retries 1', async () => {
    await exhaust([{ match: { range: '!A25:' }, fault: 'status', status: 429, retryAfter: 1 }], ['--retries', '1'], (r, emu) => {
      expect(r.stderr).toMatch(
        /^sheetpipe: chunk 2\/40 \('Mixed'!A26:H50\) was refused for quota 2 times \(last: 429 RESOURCE_EXHAUSTED Quota exceeded .*\); lower --max-rpm \(60 a minute is the API's quota per user\) or rerun later\n$/,
      );
      expect(count(emu, "'Mixed'!A25:H50")).toBe(2);
    });
  });

  it('an HTML page for every request of chunk 2, --retries 1', async () => {
    await exhaust([{ match: { range: '!A25:' }, fault: 'html' }], ['--retries', '1'], (r) => {
      expect(r.stderr).toMatch(
        /^sheetpipe: chunk 2\/40 \('Mixed'!A26:H50\): 127\.0\.0\.1:\d+ answered 2 times with something that is not a Sheets API answer \(last: malformed answer \(.*\)\); check --endpoint and the proxy settings\n$/,
      );
    });
  });

  it('a connection reset for every request of a one-row chunk (no row ever arrives whole), --retries 1', async () => {
    await exhaust([{ match: { range: '!A25:' }, fault: 'reset' }], ['--chunk-rows', '1', '--retries', '1'], (r) => {
      expect(r.stderr).toMatch(
        /^sheetpipe: chunk 26\/1000 \('Mixed'!A26:H26\): the connection to 127\.0\.0\.1:\d+ broke 2 times \(last: ECONNRESET\); check the network and the proxy settings, or rerun later\n$/,
      );
    });
  });

  it('500 on every metadata request, --retries 1: at most the early read is fetched, nothing is written', async () => {
    await exhaust([{ match: { target: 'metadata' }, fault: 'status', status: 500 }], ['--retries', '1'], (r, emu) => {
      expect(r.stderr).toMatch(
        /^sheetpipe: reading spreadsheet sheetpipe-demo-0+ failed 2 times \(last: 500 INTERNAL Internal error encountered\.\); the API stayed unavailable, rerun later\n$/,
      );
      // The first rows are asked for beside the metadata; without the metadata they are never written.
      expect(emu.stats().values).toBeLessThanOrEqual(1);
    });
  });
});

// One at a time, with timeouts far above a loaded machine's stalls: the message must name the chunk
// that always hangs, not another one that a starved event loop left silent twice in a row.
describe('retries exhausted on timeouts → exit 5', () => {
  it('a one-row chunk that always hangs (it cannot be split), --timeout 1 --retries 1', async () => {
    await exhaust([{ match: { range: '!A2:' }, fault: 'hang' }], ['--chunk-rows', '1', '--timeout', '1', '--retries', '1'], (r) => {
      expect(r.stderr).toBe(
        "sheetpipe: chunk 3/1000 ('Mixed'!A3:H3) timed out 2 times (last: timed out after 1 s); raise --timeout or lower --chunk-rows\n",
      );
    });
  });

  it('a chunk whose every request hangs: retried once at its size, then halved, until the retries run out, --timeout 1 --retries 3', async () => {
    await exhaust(
      [{ match: { range: "'Mixed'!A4:" }, fault: 'hang' }],
      ['--chunk-rows', '4', '--timeout', '1', '--retries', '3'],
      (r, emu) => {
        // A stall is tried again at the same size first; only a second stall of the same range halves it.
        expect(r.stderr).toMatch(
          /^sheetpipe: chunk 2\/250 \('Mixed'!A5:H8\) timed out 4 times \(last: timed out after 1 s\); raise --timeout or lower --chunk-rows\n$/,
        );
        // Rows 5-8 (asked with row 4, to check that nothing moved) twice, then halved; once halved,
        // each stall halves at once: rows 5-6, then row 5.
        expect(emu.stats().recentRanges.filter((x) => x.startsWith("'Mixed'!A4:"))).toEqual([
          "'Mixed'!A4:H8",
          "'Mixed'!A4:H8",
          "'Mixed'!A4:H6",
          "'Mixed'!A4:H5",
        ]);
      },
    );
  });
});
