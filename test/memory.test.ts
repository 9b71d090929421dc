/**
 * Flat memory for any shape: the real CLI exports each shape from an in-process emulator that
 * computes the tab lazily, while a test-only preload (support/heap-probe.mjs) samples the child's
 * live set (heapUsed + external, after a full GC) every 20 ms. The reader of stdout is kept slow on
 * purpose, so that whatever the export builds before writing it stays alive long enough to be seen.
 *
 * Every shape is written as NDJSON objects keyed by headers of a realistic length, where an empty
 * row costs the most bytes (~58 bytes in a one-column tab, ~300 KB in a row of 18,278 columns): an
 * engine that expanded a run of empty rows in one piece would hold 150 MB or more here.
 *
 * The bound is generous (the window alone may hold 16 MiB of rows read ahead, the width rule's
 * sample 8 MiB; the dense control peaks near 40 MB); what it excludes is a live set that grows with
 * the sheet.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_COLUMN } from '../src/sheet/a1.js';
import { type TabSource, startEmulator } from '../src/emulator/index.js';
import { BIN, childEnv } from './e2e/harness.js';
import {
  LONG_CELL_HEADERS,
  LONG_HEADER,
  denseColumnTab,
  longCell,
  longCellTab,
  sparseColumnTab,
  wideTab,
} from './support/memory-shapes.js';

const PROBE = fileURLToPath(new URL('./support/heap-probe.mjs', import.meta.url));
const MB = 1024 * 1024;
/** The live set every shape must stay under. */
const BOUND_MB = 64;
const TAIL_BYTES = 1 * MB;
/** Rows of the sparse and dense one-column tabs. */
const TALL = 3_100_000;

interface Measured {
  code: number | null;
  stderr: string;
  /** NDJSON lines written, the first 100 characters of the first, and the last. */
  lines: number;
  first: string;
  last: string;
  bytes: number;
  peak: { liveBytes: number; heapUsed: number; external: number; samples: number };
}

const figures: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sheetpipe-memory-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  // The measured figures, for the notes (vitest shows them with the file's output).
  console.log(`live set after GC, per shape:\n${figures.join('\n')}`);
});

/** Exports `tab` as NDJSON objects through the real CLI, reading its stdout slowly; the child's peak live set. */
async function measure(name: string, tab: TabSource, args: string[] = []): Promise<Measured> {
  const emu = await startEmulator({ port: 0, tabs: [tab] });
  const probe = join(dir, `${name}.json`);
  try {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', PROBE, BIN, '--endpoint', emu.url, emu.spreadsheetId, '--max-rpm', '0', '-f', 'ndjson', '-q', ...args],
      { env: childEnv({ SHEETPIPE_HEAP_PROBE: probe }), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let lines = 0;
    let bytes = 0;
    let head = Buffer.alloc(0);
    // The last chunks, enough to hold the last line (a row of 18,278 columns is ~300 KB).
    const tail: Buffer[] = [];
    let tailBytes = 0;
    // About 64 KiB a millisecond at most: the export waits on its reader, as behind a slow pipe.
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines += 1;
      if (head.length < 512) head = Buffer.concat([head, chunk]).subarray(0, 512);
      tail.push(chunk);
      tailBytes += chunk.length;
      while (tailBytes - (tail[0] as Buffer).length >= TAIL_BYTES) tailBytes -= (tail.shift() as Buffer).length;
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 1);
    });
    const [code] = (await once(child, 'close')) as [number | null];
    const text = Buffer.concat(tail).toString('utf8').replace(/\n$/, '');
    const last = text.slice(text.lastIndexOf('\n') + 1);
    const peak = JSON.parse(readFileSync(probe, 'utf8')) as Measured['peak'];
    figures.push(
      `  ${name.padEnd(12)} ${(peak.liveBytes / MB).toFixed(1).padStart(6)} MB (heap ${(peak.heapUsed / MB).toFixed(1)} + external ${(peak.external / MB).toFixed(1)}), ` +
        `${peak.samples} samples, ${(bytes / MB).toFixed(1)} MB written`,
    );
    return { code, stderr, lines, first: (head.toString('utf8').split('\n', 1)[0] ?? '').slice(0, 100), last, bytes, peak };
  } finally {
    await emu.stop();
  }
}

function expectFlat(m: Measured): void {
  expect(m.code, m.stderr).toBe(0);
  expect(m.stderr).toBe('');
  // The probe ran throughout (a run without readings would prove nothing).
  expect(m.peak.samples).toBeGreaterThan(10);
  expect(m.peak.liveBytes / MB, `live set ${(m.peak.liveBytes / MB).toFixed(1)} MB`).toBeLessThan(BOUND_MB);
}

// Long runs: a child exporting up to ~170 MB through a deliberately slow reader, one at a time.
describe('the live set stays bounded, whatever the shape', { timeout: 240_000 }, () => {
  it('a one-column tab with values in row 1 and row 3,100,000 (3.1 M empty rows between)', async () => {
    const m = await measure('sparse', sparseColumnTab(TALL));
    expectFlat(m);
    expect(m.lines).toBe(TALL - 1);
    expect(m.first).toBe(`{"${LONG_HEADER}":null}`);
    expect(m.last).toBe(`{"${LONG_HEADER}":"last"}`);
  });

  it('the control: a dense one-column tab of the same size', async () => {
    const m = await measure('dense', denseColumnTab(TALL));
    expectFlat(m);
    expect(m.lines).toBe(TALL - 1);
    expect(m.first).toBe(`{"${LONG_HEADER}":"v2"}`);
    expect(m.last).toBe(`{"${LONG_HEADER}":"v${TALL}"}`);
  });

  it('rows of 18,278 columns, with a run of 408 empty ones', async () => {
    const rows = 540;
    const m = await measure('wide', wideTab(rows, 130));
    expectFlat(m);
    expect(m.lines).toBe(rows - 1);
    expect(m.first.startsWith('{"c1":"2.1","c2":"2.2",')).toBe(true);
    expect(m.last.startsWith(`{"c1":"${rows % 97}.1",`)).toBe(true);
    expect(m.last.endsWith(`"c${MAX_COLUMN}":"${rows % 97}.${MAX_COLUMN % 89}"}`)).toBe(true);
  });

  async function longCells(args: string[]): Promise<void> {
    const rows = 2_000_000;
    const m = await measure(`long${args.length > 0 ? ' (named)' : ''}`, longCellTab(rows, 400), args);
    expectFlat(m);
    expect(m.lines).toBe(rows - 1);
    const [a, b] = LONG_CELL_HEADERS;
    expect(m.first).toBe(JSON.stringify({ [a]: longCell(2, 1), [b]: longCell(2, 2) }).slice(0, 100));
    expect(m.last).toBe(JSON.stringify({ [a]: longCell(rows, 1), [b]: longCell(rows, 2) }));
  }

  it('cells of 50,000 characters, with a run of 2 M empty rows (the tab named)', () => longCells(['Long']));

  // The first tab read without a tab name (beside the metadata) is confirmed by its answer's echo
  // as soon as that is read, and given up if its rows outgrow the sample before: bounded too.
  it('cells of 50,000 characters, with a run of 2 M empty rows (the first tab, unnamed)', () => longCells([]));
});
