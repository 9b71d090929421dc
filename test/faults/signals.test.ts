/**
 * SIGINT, SIGTERM and SIGHUP mid-export with -o: exit 130 / 143 / 129 within a second, the old file
 * intact, no temp file — with rows already in the temp file, with requests hanging, during a 429
 * pause; and a second Ctrl-C forces the exit at once, still cleaning up.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/index.js';
import { collect, describeResult, startCli } from '../e2e/harness.js';
import {
  type FaultEmulator,
  RETRY_NOTICE,
  exitOf,
  expectExit,
  expectUntouched,
  mixedTab,
  sleep,
  startFaultEmulator,
  tempFiles,
  waitFor,
} from './helpers.js';

const EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
type Signal = keyof typeof EXIT_CODES;

const OLD = 'previous,content\n1,2\n';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function outputDir(): { dir: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sheetpipe-signals-'));
  dirs.push(dir);
  const out = join(dir, 'data.csv');
  writeFileSync(out, OLD);
  return { dir, out };
}

/** Waits until the temp file exists (and, with `bytes`, holds some rows). */
async function tempFileReady(dir: string, bytes: boolean): Promise<void> {
  await waitFor(
    () => {
      const [temp] = tempFiles(dir);
      return temp !== undefined && (!bytes || statSync(join(dir, temp)).size > 0);
    },
    10_000,
    'the temp file',
  );
}

/**
 * Starts an export into a fresh -o folder, waits for `ready`, sends `signal` (then `after`), and
 * checks: exit code, prompt exit, old file intact, no temp file.
 *
 * "Prompt" is under 3 s from the first signal: a few hundred ms on an idle machine, more on a loaded
 * one, and far below what waiting would cost (a hung request never ends; a Retry-After is 30 s here).
 */
async function interrupt(
  emu: FaultEmulator,
  signal: Signal,
  ready: (dir: string) => Promise<void>,
  after: (pid: number) => Promise<void> | void = () => undefined,
) {
  const { dir, out } = outputDir();
  const args = [...emu.base, 'Mixed', '--chunk-rows', '25', '-o', out];
  const child = startCli(args);
  const done = collect(child, args);
  await ready(dir);
  const sent = performance.now();
  child.kill(signal);
  await after(child.pid as number);
  await exitOf(child);
  const elapsed = performance.now() - sent;
  const r = await done;
  expectExit(r, EXIT_CODES[signal]);
  expect(elapsed, describeResult(r)).toBeLessThan(3000);
  expect(r.stdout).toBe('');
  expectUntouched(dir, ['data.csv'], out, OLD);
  return { r, elapsed };
}

describe('one signal', () => {
  let emu: FaultEmulator;
  beforeAll(async () => {
    // Chunks 1-2 (rows 1-50) answer and reach the temp file; chunks 3 and 5 hang.
    const hang: FaultRule[] = [
      { match: { range: '!A50:' }, fault: 'hang' },
      { match: { range: '!A100:' }, fault: 'hang' },
    ];
    emu = await startFaultEmulator([mixedTab()], hang);
  });
  afterAll(() => emu.stop());

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    // A closed terminal or a dropped ssh session: cleaned up like SIGTERM.
    ['SIGHUP', 129],
  ] as const)(
    '%s with rows in the temp file and requests hanging: exit %i at once, old file intact, no temp file',
    async (signal, _code) => {
      const { r } = await interrupt(emu, signal, (dir) => tempFileReady(dir, true));
      expect(r.stderr).toBe(`sheetpipe: interrupted by ${signal}\n`);
      // Every hanging request was aborted with the run: none is left open on the server.
      await waitFor(() => emu.stats().inFlight === 0, 5000, 'the hanging requests to close');
    },
  );
});

describe('a signal during a 429 pause', () => {
  it('SIGTERM while the pool waits out Retry-After: 30 → exit 143 at once', async () => {
    const emu = await startFaultEmulator([mixedTab()], [{ match: { requests: [2] }, fault: 'status', status: 429, retryAfter: 30 }]);
    try {
      const { r } = await interrupt(emu, 'SIGTERM', async (dir) => {
        await tempFileReady(dir, false);
        await waitFor(() => emu.stats().rateLimited === 1, 10_000, 'the 429');
        await sleep(200);
      });
      // The 429 was announced as a retry; then the interruption.
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.at(-1)).toBe('sheetpipe: interrupted by SIGTERM');
      for (const line of lines.slice(0, -1)) expect(line).toMatch(RETRY_NOTICE);
    } finally {
      await emu.stop();
    }
  });
});

describe('a second Ctrl-C', () => {
  let emu: FaultEmulator;
  beforeAll(async () => {
    // Each run's rows 1-50 reach its temp file; chunk 3 (rows 51-75) never answers.
    emu = await startFaultEmulator([mixedTab()], [{ match: { range: '!A50:' }, fault: 'hang' }]);
  });
  afterAll(() => emu.stop());

  // The second Ctrl-C races the cleanup the first one started (the temp file's close and unlink are
  // still pending when the forced exit comes), so it is tried many times: twice 1 ms apart, and a
  // burst as from a held-down Ctrl-C. The forced exit must remove the temp file itself.
  const trials = [...Array<string>(4).fill('twice'), ...Array<string>(8).fill('burst')];
  it('exits 130 at once and still leaves no temp file, every time', async () => {
    const failures: string[] = [];
    for (const [i, how] of trials.entries()) {
      try {
        const { r } = await interrupt(
          emu,
          'SIGINT',
          (dir) => tempFileReady(dir, true),
          async (pid) => {
            if (how === 'twice') {
              await sleep(1);
              process.kill(pid, 'SIGINT');
              return;
            }
            const end = performance.now() + 5;
            while (performance.now() < end) {
              try {
                process.kill(pid, 'SIGINT');
              } catch {
                return;
              }
            }
          },
        );
        expect(r.stderr).toMatch(/^(sheetpipe: interrupted by SIGINT\n)?$/);
      } catch (error) {
        failures.push(`trial ${i + 1} (${how}): ${(error as Error).message.split('\n', 1)[0]}`);
      }
    }
    expect(failures, `${failures.length} of ${trials.length} trials failed`).toEqual([]);
  });
});
