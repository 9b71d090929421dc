/**
 * A sheet edited while it is exported (issue: the boundary check). The emulator edits itself once a
 * chosen values request is answered; every chunk after a range's first re-reads the row before it,
 * so rows inserted, deleted or sorted above a chunk boundary are caught: with -o the export starts
 * over and writes the sheet as it now is, on stdout it stops at the boundary with exit 6. Appends
 * at the end, edits of values that move no row, and quiet sheets are never flagged.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cell, type FaultRule, type RowEdit, type TabSource, memoryTab, startEmulator } from '../../src/emulator/index.js';
import { ExportEvents, SheetMovedError, exportToFolder, exportToStream, readRows } from '../../src/index.js';
import { describeResult, expectExit, runCli } from '../e2e/harness.js';
import { readManifest } from '../support/folder.js';
import { lcg, startFaultEmulator } from './helpers.js';

const ROWS = 300;

/** 'Log': a header and 299 distinct rows, the grid exactly as tall as the data (an append grows it). */
function logTab(): TabSource {
  const rows: Cell[][] = [['id', 'text']];
  for (let i = 1; i < ROWS; i++) rows.push([i, `entry ${i}`]);
  return memoryTab({ title: 'Log', rows, gridRows: ROWS, gridCols: 2 });
}

// Chunks of 50 rows, one request at a time: chunk k is values request k, so an edit lands between two known chunks.
const CHUNKED = ['Log', '--chunk-rows', '50', '-c', '1'];

const editAfter = (request: number, edit: RowEdit): FaultRule => ({ fault: 'edit', edit, match: { requests: [request] } });

/** Moves that cross the boundary between chunks 2 and 3 (row 100) once chunk 2 is read. */
const MOVES: [string, RowEdit][] = [
  ['3 rows inserted at row 20', { kind: 'insert', at: 20, rows: 3 }],
  ['2 rows deleted at row 20', { kind: 'delete', at: 20, rows: 2 }],
  ['rows 80-119 sorted the other way', { kind: 'reorder', at: 80, rows: 40 }],
];

const MOVED_LINE =
  /^sheetpipe: rows moved in 'Log'!A1:B\d+ between chunk \d\/\d+ \('Log'!A\d+:B\d+\) and chunk \d\/\d+ \('Log'!A\d+:B\d*\): row \d+, read by both, came back different; /;

let root: string;
const fresh = (name = 'out.csv') => join(mkdtempSync(join(root, 'run-')), name);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sheetpipe-moving-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What a quiet export of the emulator's sheet as it is now writes. */
async function quietly(base: string[], args: string[]): Promise<string> {
  const r = await runCli([...base, ...args, '-q']);
  expectExit(r, 0);
  return r.stdout;
}

/** The rows 1..last of the sheet before any edit, as one read writes them. */
async function oneReadOfFirst(last: number): Promise<string> {
  const emu = await startFaultEmulator([logTab()]);
  try {
    return await quietly(emu.base, [`Log!1:${last}`]);
  } finally {
    await emu.stop();
  }
}

const tempFiles = (dir: string) => readdirSync(dir).filter((f) => f.includes('.sheetpipe-'));

describe('-o FILE: rows moved under the export are read again', () => {
  it.each(MOVES)('%s: re-read once, the file is a quiet export of the sheet as it now is', async (_, edit) => {
    const emu = await startFaultEmulator([logTab()], [editAfter(2, edit)]);
    try {
      const out = fresh();
      const r = await runCli([...emu.base, ...CHUNKED, '-o', out]);
      expectExit(r, 0);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, describeResult(r)).toHaveLength(2);
      expect(lines[0]).toMatch(MOVED_LINE);
      expect(lines[0]).toMatch(/the sheet is being edited: reading it again in [\d.]+ s \(re-read 1 of 2\)$/);
      expect(lines[1]).toMatch(/, \d+ boundaries checked, 1 re-read \(rows moved\)$/);
      expect(readFileSync(out, 'utf8')).toBe(await quietly(emu.base, CHUNKED));
      expect(tempFiles(join(out, '..'))).toEqual([]);
    } finally {
      await emu.stop();
    }
  });

  it('with -c 4, whatever the order the chunks come in: the file is the sheet as it now is', async () => {
    const emu = await startFaultEmulator([logTab()], [editAfter(2, { kind: 'insert', at: 20, rows: 3 })]);
    try {
      const out = fresh();
      const r = await runCli([...emu.base, 'Log', '--chunk-rows', '50', '-c', '4', '-o', out]);
      expectExit(r, 0);
      expect(r.stderr).toMatch(/, 1 re-read \(rows moved\)\n$/);
      const now = await quietly(emu.base, ['Log']);
      expect(readFileSync(out, 'utf8')).toBe(now);
      expect(now.split('\n')).toHaveLength(ROWS + 3 + 1);
    } finally {
      await emu.stop();
    }
  });

  it('a sheet that keeps moving: after 2 re-reads, exit 6 and one line; the old file stays, no temp file', async () => {
    const emu = await startFaultEmulator([logTab()], [{ fault: 'edit', edit: { kind: 'insert', at: 20, rows: 1 }, match: { every: 2 } }]);
    try {
      const out = fresh();
      writeFileSync(out, 'yesterday\n');
      const r = await runCli([...emu.base, ...CHUNKED, '-o', out]);
      expectExit(r, 6);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, describeResult(r)).toHaveLength(3);
      expect(lines[0]).toMatch(/\(re-read 1 of 2\)$/);
      expect(lines[1]).toMatch(/\(re-read 2 of 2\)$/);
      expect(lines[2]).toMatch(MOVED_LINE);
      expect(lines[2]).toMatch(
        /; the sheet was being edited through 3 reads; \S+out\.csv is as it was: rerun when the sheet is quiet, or read it in one request with a larger --chunk-rows; rows that change by themselves \(NOW\(\), RAND\(\)\) need --no-boundary-check$/,
      );
      expect(readFileSync(out, 'utf8')).toBe('yesterday\n');
      expect(tempFiles(join(out, '..'))).toEqual([]);
    } finally {
      await emu.stop();
    }
  });

  it('--rereads 0: exit 6 at the first move, no file written', async () => {
    const emu = await startFaultEmulator([logTab()], [editAfter(2, MOVES[0]![1])]);
    try {
      const out = fresh();
      const r = await runCli([...emu.base, ...CHUNKED, '-o', out, '--rereads', '0']);
      expectExit(r, 6);
      expect(r.stderr.trimEnd().split('\n'), describeResult(r)).toHaveLength(1);
      expect(r.stderr).toMatch(/; the sheet was being edited; \S+out\.csv is as it was: rerun when/);
      expect(existsSync(out)).toBe(false);
    } finally {
      await emu.stop();
    }
  });
});

describe('stdout: rows already written cannot be taken back', () => {
  it.each(MOVES)('%s: exit 6, the rows before the boundary as one read gives them, nothing after', async (_, edit) => {
    const emu = await startFaultEmulator([logTab()], [editAfter(2, edit)]);
    try {
      const r = await runCli([...emu.base, ...CHUNKED]);
      expectExit(r, 6);
      expect(r.stderr.trimEnd().split('\n'), describeResult(r)).toHaveLength(1);
      expect(r.stderr).toMatch(MOVED_LINE);
      expect(r.stderr).toMatch(
        /; the sheet was being edited, so the output is incomplete: it stops after sheet row 100; write with -o FILE, which re-reads automatically; rows that change by themselves \(NOW\(\), RAND\(\)\) need --no-boundary-check\n$/,
      );
      expect(r.stdout).toBe(await oneReadOfFirst(100));
    } finally {
      await emu.stop();
    }
  });

  it('an answer cut mid-way keeps its check: moved before it is continued, it stops at its last row written', async () => {
    const cutThenEdit: FaultRule = { fault: 'truncate', edit: { kind: 'insert', at: 20, rows: 3 }, match: { requests: [2] } };
    const emu = await startFaultEmulator([logTab()], [cutThenEdit]);
    try {
      const r = await runCli([...emu.base, ...CHUNKED]);
      expectExit(r, 6);
      const m =
        /rows moved in 'Log'!\S+ between two answers of chunk 2\/\d+ \(.*\): row (\d+), read by both, .* it stops after sheet row (\d+);/.exec(
          r.stderr,
        );
      expect(m, describeResult(r)).not.toBeNull();
      const row = Number(m?.[1]);
      expect(row).toBe(Number(m?.[2]));
      // The cut answer's whole rows were written; the continuation's first row asked again was not.
      expect(row).toBeGreaterThan(50);
      expect(row).toBeLessThan(100);
      expect(r.stdout).toBe(await oneReadOfFirst(row));
    } finally {
      await emu.stop();
    }
  });
});

describe('a later chunk read again, or past the end of the tab', () => {
  it.each([
    ['refused whole (bytes after its end)', 'trailing-bytes'],
    ['refused whole (a row that is not a row)', 'bad-row'],
  ] as const)('a first answer %s, the rows moved before it is read again: the new read is checked too', async (_, fault) => {
    // Chunk 3's first answer agrees at row 100 and is refused; the edit comes before it is read again.
    const refusedThenEdit: FaultRule = { fault, edit: { kind: 'insert', at: 20, rows: 3 }, match: { requests: [3] } };
    const emu = await startFaultEmulator([logTab()], [refusedThenEdit]);
    try {
      const r = await runCli([...emu.base, ...CHUNKED]);
      expectExit(r, 6);
      // The refusal's retry notice, then the move.
      expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(MOVED_LINE);
      expect(r.stdout).toBe(await oneReadOfFirst(100));
    } finally {
      await emu.stop();
    }
  });

  it('rows deleted so that a later chunk starts past the end of the tab: a move, not an API error', async () => {
    // 250 rows deleted at row 20 leave 50: chunk 3 asks from row 100.
    const emu = await startFaultEmulator([logTab()], [editAfter(2, { kind: 'delete', at: 20, rows: 250 })]);
    try {
      const stdout = await runCli([...emu.base, ...CHUNKED]);
      expectExit(stdout, 6);
      expect(stdout.stderr).toMatch(
        /^sheetpipe: rows moved in 'Log'!A1:B300: the tab now ends before chunk 3\/6 \('Log'!A101:B150\) starts \(rows were deleted\); the sheet was being edited, so the output is incomplete: it stops after sheet row 100; /,
      );
      expect(stdout.stdout).toBe(await oneReadOfFirst(100));
    } finally {
      await emu.stop();
    }
    const again = await startFaultEmulator([logTab()], [editAfter(2, { kind: 'delete', at: 20, rows: 250 })]);
    try {
      const out = fresh();
      const r = await runCli([...again.base, ...CHUNKED, '-o', out]);
      expectExit(r, 0);
      expect(r.stderr).toMatch(/, 1 re-read \(rows moved\)\n$/);
      expect(readFileSync(out, 'utf8')).toBe(await quietly(again.base, CHUNKED));
    } finally {
      await again.stop();
    }
  });
});

describe('--no-boundary-check', () => {
  it('reads no row twice and compares nothing: a sheet whose rows change by themselves exports, exit 0', async () => {
    // The boundary row itself changes between the two reads, as a NOW() or RAND() cell would.
    const emu = await startFaultEmulator([logTab()], [editAfter(2, { kind: 'change', at: 100, rows: 1 })]);
    try {
      const checked = await runCli([...emu.base, ...CHUNKED]);
      expectExit(checked, 6);
    } finally {
      await emu.stop();
    }
    const again = await startFaultEmulator([logTab()], [editAfter(2, { kind: 'change', at: 100, rows: 1 })]);
    try {
      const r = await runCli([...again.base, ...CHUNKED, '--no-boundary-check']);
      expectExit(r, 0);
      expect(r.stderr).toMatch(/, 7 requests, 0 retries\n$/);
      // Each chunk asked for its own rows only: chunk 3 from row 101.
      const asked = again.valuesArrivals().map((t) => decodeURIComponent(t.url));
      expect(asked.some((url) => url.includes("'Log'!A101:B150"))).toBe(true);
      expect(asked.some((url) => url.includes("'Log'!A100:"))).toBe(false);
    } finally {
      await again.stop();
    }
  });
});

describe('what is not a move', () => {
  it('rows appended while an open range is read are in the output (its last chunk reads to the end as the tab is then)', async () => {
    const emu = await startFaultEmulator([logTab()], [editAfter(2, { kind: 'append', rows: 30 })]);
    try {
      const r = await runCli([...emu.base, ...CHUNKED]);
      expectExit(r, 0);
      expect(r.stderr).toMatch(/^sheetpipe: 329 rows × 2 columns from 'Log'!A1:B300 → stdout .*, 5 boundaries checked\n$/);
      expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('edit 1: new row 30 of 30,');
      expect(r.stdout).toBe(await quietly(emu.base, CHUNKED));
    } finally {
      await emu.stop();
    }
  });

  it('values changed where they stand, away from a boundary row: not flagged, the chunk read after shows them', async () => {
    const emu = await startFaultEmulator([logTab()], [editAfter(1, { kind: 'change', at: 60, rows: 5 })]);
    try {
      const r = await runCli([...emu.base, ...CHUNKED]);
      expectExit(r, 0);
      expect(r.stdout).toContain('edit 1: changed row 5 of 5,\n');
      expect(r.stdout).toBe(await quietly(emu.base, CHUNKED));
    } finally {
      await emu.stop();
    }
  });

  it('a range read in one request has no boundary to check', async () => {
    const emu = await startFaultEmulator([logTab()], [editAfter(1, { kind: 'insert', at: 20, rows: 3 })]);
    try {
      const r = await runCli([...emu.base, 'Log']);
      expectExit(r, 0);
      expect(r.stderr).toMatch(/, 2 requests, 0 retries\n$/);
    } finally {
      await emu.stop();
    }
  });
});

describe('-o DIR', () => {
  it('re-read once: the manifest says so, every file is the sheet as it now is', async () => {
    const small = memoryTab({ title: 'Small', rows: [['a'], [1], [2]], gridRows: 3, gridCols: 1 });
    const emu = await startFaultEmulator([logTab(), small], [editAfter(2, { kind: 'insert', at: 20, rows: 3 })]);
    try {
      const dir = fresh('shop');
      const r = await runCli([...emu.base, '--all-sheets', '--chunk-rows', '50', '-c', '1', '-o', dir]);
      expectExit(r, 0);
      expect(r.stderr).toMatch(/\(re-read 1 of 2\)\n/);
      expect(r.stderr).toMatch(/, \d+ boundaries checked, 1 re-read \(rows moved\)\n$/);
      const manifest = readManifest(dir);
      expect(manifest.rereads).toBe(1);
      // The read kept is of the sheet as it now is: 303 rows, 7 chunks of 'Log', 6 boundaries.
      expect(manifest.boundaries).toBe(6);
      expect(readFileSync(join(dir, 'Log.csv'), 'utf8')).toBe(await quietly(emu.base, CHUNKED));
    } finally {
      await emu.stop();
    }
  });
});

describe('the library', () => {
  it('readRows throws SheetMovedError at the boundary, every row before it yielded', async () => {
    const emu = await startEmulator({ port: 0, tabs: [logTab()], faults: [editAfter(2, { kind: 'delete', at: 20, rows: 2 })] });
    try {
      const rows: unknown[][] = [];
      const reading = (async () => {
        for await (const row of readRows({
          spreadsheet: emu.spreadsheetId,
          endpoint: emu.url,
          range: 'Log',
          chunkRows: 50,
          concurrency: 1,
          maxRpm: 0,
        })) {
          rows.push(row);
        }
      })();
      const error: unknown = await reading.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SheetMovedError);
      expect((error as SheetMovedError).exitCode).toBe(6);
      expect((error as SheetMovedError).code).toBe('SHEETPIPE_SHEET_MOVED');
      expect((error as SheetMovedError).moved.row).toBe(100);
      expect(rows).toHaveLength(100);
      expect(rows.at(-1)).toEqual(['99', 'entry 99']);
    } finally {
      await emu.stop();
    }
  });

  it('exportToFolder re-reads (rereads, default 2) and tells each re-read as an event', async () => {
    const emu = await startEmulator({ port: 0, tabs: [logTab()], faults: [editAfter(2, { kind: 'insert', at: 20, rows: 3 })] });
    try {
      const events = new ExportEvents();
      const told: number[] = [];
      events.on('reread', ({ reread }) => told.push(reread));
      const output = fresh('set');
      const options = { spreadsheet: emu.spreadsheetId, endpoint: emu.url, chunkRows: 50, concurrency: 1, maxRpm: 0 };
      const manifest = await exportToFolder({ ...options, output, events, backoff: { baseMs: 10, jitterMs: 10 } });
      expect(told).toEqual([1]);
      expect(manifest.rereads).toBe(1);
      expect(manifest.files[0]?.rows).toBe(ROWS - 1 + 3);
    } finally {
      await emu.stop();
    }
  });
});

async function exported(url: string, spreadsheet: string, options: { chunkRows?: number; concurrency?: number }) {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const summary = await exportToStream({ spreadsheet, endpoint: url, range: 'Quiet', maxRpm: 0, ...options }, sink);
  return { text: Buffer.concat(chunks).toString('utf8'), summary };
}

describe('a quiet sheet is never flagged', () => {
  it('property: random sheets (empty rows, repeated rows, trailing blanks), chunk sizes and concurrency: no move, the bytes of one read', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = lcg(seed);
      const count = 1 + Math.floor(random() * 400);
      const rows: Cell[][] = [];
      for (let r = 0; r < count; r++) {
        const kind = random();
        if (kind < 0.15) rows.push([]);
        else if (kind < 0.3) rows.push(['same', 'row']);
        else rows.push([r, random() < 0.5 ? `text ${Math.floor(random() * 5)}` : null, random() < 0.3 ? true : '']);
      }
      const tab = memoryTab({ title: 'Quiet', rows, gridRows: count + Math.floor(random() * 50), gridCols: 3 });
      const emu = await startEmulator({ port: 0, tabs: [tab] });
      try {
        const chunkRows = 1 + Math.floor(random() * 60);
        const concurrency = 1 + Math.floor(random() * 6);
        const whole = await exported(emu.url, emu.spreadsheetId, { chunkRows: 100_000 });
        const chunked = await exported(emu.url, emu.spreadsheetId, { chunkRows, concurrency });
        const context = `seed ${seed}: ${count} rows, --chunk-rows ${chunkRows} -c ${concurrency}`;
        expect(chunked.text, context).toBe(whole.text);
        expect(whole.summary.boundaries, context).toBe(0);
        // Every boundary the plan has is checked: chunks − 1 of them (the metadata request aside).
        expect(chunked.summary.boundaries, context).toBe(chunked.summary.requests - 2);
      } finally {
        await emu.stop();
      }
    }
  });
});
