/**
 * The reader side: a slow reader on stdout (backpressure stops the fetching, memory stays bounded,
 * nothing is lost) and `| head -n 5` for real (exit 0, silent, no requests after the pipe closes).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, childEnv, describeResult, PLANTED_SECRET, runCli } from '../e2e/harness.js';
import { type FaultEmulator, bigTab, exitOf, expectExit, settledRequests, sleep, startFaultEmulator } from './helpers.js';

const ROWS = 200_000;
let emu: FaultEmulator;
let clean: string;

beforeAll(async () => {
  emu = await startFaultEmulator([bigTab(ROWS)]);
  const r = await runCli([...emu.base, '-q']);
  expectExit(r, 0);
  clean = r.stdout;
  expect(clean.length).toBeGreaterThan(10_000_000);
});
afterAll(() => emu?.stop());

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** VmRSS and VmHWM of a live process, in MB; undefined once it is gone (or exited, not yet reaped: a zombie has no Vm lines). */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const [rss, hwm] = [kb('VmRSS'), kb('VmHWM')];
    return Number.isNaN(rss) || Number.isNaN(hwm) ? undefined : { rss: rss / 1024, hwm: hwm / 1024 };
  } catch {
    return undefined;
  }
}

describe('a slow reader', () => {
  it('stops the fetching while it does not read, keeps memory bounded, and gets every byte', async () => {
    const concurrency = 4;
    // 40 requests of 5,000 rows: enough that "the whole plan" and "a window's
    // worth" are far apart.
    const args = [...emu.base, '-c', String(concurrency), '--chunk-rows', '5000'];
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid as number;
    const stdout = child.stdout;
    // A 'readable' listener keeps the stream in paused (pull) mode for good: without one, Node
    // resumes an unread child stdout when the child exits, and the rest flows away unread.
    stdout.on('readable', () => undefined);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let ended = false;
    stdout.once('end', () => (ended = true));
    const exited = exitOf(child);

    let peakHwm = 0;
    const sampler = setInterval(() => {
      const m = memoryOf(pid);
      if (m) peakHwm = Math.max(peakHwm, m.hwm);
    }, 100);

    const hash = createHash('sha256');
    let bytes = 0;
    const readSome = (): number => {
      const data = stdout.read() as Buffer | null;
      if (!data) return 0;
      hash.update(data);
      bytes += data.length;
      return data.length;
    };

    try {
      const before = emu.stats().values;
      // The first rows arrive; then the reader stops for 2 s.
      const start = performance.now();
      while (readSome() === 0) {
        expect(performance.now() - start, 'no output within 10 s').toBeLessThan(10_000);
        await sleep(10);
      }
      await sleep(1000);
      const oneSecond = { values: emu.stats().values - before, memory: memoryOf(pid) };
      await sleep(1000);
      const twoSeconds = { values: emu.stats().values - before, memory: memoryOf(pid) };
      // 40 chunks in the plan. While the reader sleeps, the fetching stops after the prefetch window
      // (at most 2 × concurrency) plus the few chunks held between the row stream and the pipe
      // (Readable.from, the formatter's two sides, stdout's buffer) and the one the reader took.
      expect(twoSeconds.values, 'values requests kept coming while the reader was paused').toBe(oneSecond.values);
      expect(twoSeconds.values).toBeLessThanOrEqual(2 * concurrency + 6);
      expect(oneSecond.memory && twoSeconds.memory).toBeTruthy();
      expect(Math.abs((twoSeconds.memory?.rss ?? 0) - (oneSecond.memory?.rss ?? 0))).toBeLessThan(16);

      // Then it reads slowly: what is buffered, every 20 ms.
      while (!ended) {
        readSome();
        await sleep(20);
        expect(performance.now() - start, 'the slow read took over 30 s').toBeLessThan(30_000);
      }
      const [code] = await exited;
      expect(code, stderr).toBe(0);
      expect(stderr, stderr).toMatch(
        /^sheetpipe: 199,999 rows × 10 columns from 'Generated'!A1:J200000 → stdout in .*, 41 requests, 0 retries, 39 boundaries checked\n$/,
      );
      expect(stderr).not.toContain(PLANTED_SECRET);
      expect(bytes).toBe(Buffer.byteLength(clean));
      expect(hash.digest('hex')).toBe(sha256(clean));
      expect(emu.stats().values - before).toBe(40);
      expect(peakHwm, `peak RSS ${peakHwm.toFixed(0)} MB`).toBeGreaterThan(0);
      expect(peakHwm, `peak RSS ${peakHwm.toFixed(0)} MB`).toBeLessThan(250);
    } finally {
      clearInterval(sampler);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('| head -n 5', () => {
  // -c 16 also checks that nothing but the data reaches the terminal with many requests in flight
  // (no MaxListenersExceededWarning from the abort listeners on the shared run signal).
  it.each([
    ['the default options', []],
    ['-c 16 and 100-row chunks (2,000 in the plan)', ['-c', '16', '--chunk-rows', '100']],
  ] as const)('with %s: exit 0, nothing on stderr, 5 lines, no request after the pipe closes', async (_, extra) => {
    const before = emu.stats().values;
    const args = [...emu.base, ...extra];
    const child = spawn('bash', ['-c', 'set -o pipefail; "$0" "$@" | head -n 5', process.execPath, BIN, ...args], {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const [code] = await exitOf(child);
    // A request written just before the exit can still sit unread in the emulator's socket buffer
    // (its event loop is this test's): let it read what was sent, then count.
    const atExit = (await settledRequests(emu, (s) => s.values)) - before;
    const r = { command: `sheetpipe ${args.join(' ')} | head -n 5`, code, signal: null, stdout, stderr };
    expectExit(r, 0);
    expect(stderr, describeResult(r)).toBe('');
    expect(stdout).toBe(`${clean.split('\n').slice(0, 5).join('\n')}\n`);
    // It stopped fetching: a window's worth of requests at most (≤ 2 × concurrency, plus the chunks
    // between the row stream and the pipe), not the whole plan.
    const concurrency = extra.length ? 16 : 4;
    expect(atExit).toBeLessThanOrEqual(2 * concurrency + 6);
    await sleep(1000);
    expect(emu.stats().values - before, 'requests after the pipeline exited').toBe(atExit);
    expect(emu.stats().inFlight).toBe(0);
  });
});
