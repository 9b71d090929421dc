/**
 * exportToFolder: the whole-spreadsheet export from code. It takes the command line's options and
 * checks them the same way (a UsageError before any request), writes the folder as one set, and
 * resolves with the manifest it wrote.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, chartTab, memoryTab, startEmulator } from '../src/emulator/index.js';
import { ExportEvents, type FolderExportOptions, InterruptedError, UsageError, exportToFolder, exportToStream } from '../src/index.js';
import { expectManifestMatchesFiles, plantOldSet, readManifest, snapshot } from './support/folder.js';

let emu: Emulator;
let root: string;
let n = 0;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    tabs: [
      memoryTab({
        title: 'Orders',
        rows: [
          ['id', 'amount'],
          [1, 12.5],
          [2, 1000],
        ],
      }),
      chartTab('Chart'),
      memoryTab({
        title: 'Q1/Q2',
        rows: [
          ['q', 'total'],
          ['Q1', 100],
          ['Q2', 200],
        ],
      }),
    ],
  });
  root = mkdtempSync(join(tmpdir(), 'sheetpipe-library-folder-'));
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await emu.stop();
});

const base = () => ({ spreadsheet: emu.spreadsheetId, endpoint: emu.url, maxRpm: 0 });
const fresh = () => join(root, `out-${++n}`);

async function single(range: string, format: 'csv' | 'ndjson' = 'csv'): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await exportToStream({ ...base(), range, format }, sink);
  return Buffer.concat(chunks).toString('utf8');
}

async function refused(run: () => Promise<unknown>): Promise<string> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as UsageError).message;
}

describe('exportToFolder', () => {
  it('every grid tab, one file each; resolves with the manifest it wrote', async () => {
    const output = fresh();
    const manifest = await exportToFolder({ ...base(), output });
    expect(manifest).toEqual(readManifest(output));
    expect(manifest.files.map((f) => [f.file, f.sheet, f.rows, f.columns])).toEqual([
      ['Orders.csv', 'Orders', 2, 2],
      ['Q1_Q2.csv', 'Q1/Q2', 2, 2],
    ]);
    expectManifestMatchesFiles(output, manifest);
    expect(readFileSync(join(output, 'Orders.csv'), 'utf8')).toBe(await single('Orders'));
    expect(readFileSync(join(output, 'Q1_Q2.csv'), 'utf8')).toBe(await single("'Q1/Q2'"));
  });

  it('ranges, format and gzip as the command line has them', async () => {
    const output = fresh();
    const manifest = await exportToFolder({
      ...base(),
      output,
      ranges: ["'Q1/Q2'!A2:B", 'Orders'],
      format: 'jsonl',
      gzip: true,
      render: 'unformatted',
    });
    expect(manifest.format).toBe('ndjson');
    expect(manifest.files.map((f) => f.file)).toEqual(['Q1_Q2_A2-B.ndjson.gz', 'Orders.ndjson.gz']);
    expect(gunzipSync(readFileSync(join(output, 'Orders.ndjson.gz'))).toString('utf8')).toBe(
      '{"id":1,"amount":12.5}\n{"id":2,"amount":1000}\n',
    );
    expectManifestMatchesFiles(output, manifest);
  });

  it('a cancelled run rejects with the reason and leaves the folder as it was', async () => {
    const output = fresh();
    mkdirSync(output);
    const before = plantOldSet(output, ['Orders.csv']);
    const controller = new AbortController();
    const reason = new InterruptedError('SIGINT');
    controller.abort(reason);
    await expect(exportToFolder({ ...base(), output, signal: controller.signal })).rejects.toBe(reason);
    expect(snapshot(output)).toEqual(before);
  });

  it('a run cancelled once its files are open, before any values request: rejects with the reason, the folder as it was', async () => {
    const existing = fresh();
    mkdirSync(existing);
    const before = plantOldSet(existing, ['Orders.csv']);
    const created = fresh();
    const values = emu.stats().values;
    for (const output of [existing, created]) {
      const controller = new AbortController();
      const reason = new InterruptedError('SIGINT');
      const events = new ExportEvents();
      // The plan is made once every file is open, and before the first request starts.
      events.once('plan', () => controller.abort(reason));
      const settled = Promise.race([
        exportToFolder({ ...base(), output, signal: controller.signal, events }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('the export never settled')), 10_000)),
      ]);
      await expect(settled).rejects.toBe(reason);
    }
    expect(snapshot(existing)).toEqual(before);
    // A folder the run created is removed again.
    expect(existsSync(created)).toBe(false);
    expect(emu.stats().values).toBe(values);
  });

  it('refuses what the command line refuses, before any request and without creating the folder', async () => {
    const output = fresh();
    const before = emu.stats().requests;
    const cases: [FolderExportOptions, string | RegExp][] = [
      [{ ...base() } as FolderExportOptions, 'output is required: the folder to write the files into'],
      [
        { ...base(), output, range: 'Orders' } as unknown as FolderExportOptions,
        /^exportToFolder takes ranges \(a list of A1 texts\), not range/,
      ],
      [{ ...base(), output, ranges: [] }, /^ranges expects a non-empty list of A1 texts/],
      [{ ...base(), output, ranges: 'Orders' as unknown as string[] }, /^ranges expects a non-empty list/],
      [{ ...base(), output, ranges: ['A1:B2:C3'] }, /A1:B2:C3/],
      [{ ...base(), output, gzip: 'yes' as unknown as boolean }, 'gzip expects true or false, got `yes`'],
      [{ ...base(), output, format: 'json' as 'csv' }, /^format expects one of csv, tsv, ndjson, jsonl, got `json`/],
      [{ ...base(), output, gzp: true } as unknown as FolderExportOptions, 'unknown option gzp; did you mean gzip?'],
    ];
    for (const [options, message] of cases) {
      const got = await refused(() => exportToFolder(options));
      if (typeof message === 'string') expect(got).toBe(message);
      else expect(got).toMatch(message);
    }
    expect(existsSync(output)).toBe(false);
    expect(emu.stats().requests).toBe(before);
  });

  it("output and gzip are exportToFolder's: the other functions name where they belong", async () => {
    const sink = new Writable({ write: (_c, _e, done) => done() });
    expect(await refused(() => exportToStream({ ...base(), output: 'x' } as never, sink))).toBe(
      'output is an option of exportToFolder only',
    );
    expect(await refused(() => exportToStream({ ...base(), gzip: true } as never, sink))).toBe('gzip is an option of exportToFolder only');
  });
});
