/**
 * A one-column CSV loads whole downstream: read with Python's csv rules (csv.DictReader and pandas
 * skip an empty line), every row of the range comes back, empty cells included, however the range
 * was chunked, read ahead, or held as a run of empty rows. Through the library and local emulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collector } from './support/collect.js';
import { type Emulator, memoryTab, startEmulator } from '../src/emulator/index.js';
import { exportToStream, type StreamExportOptions } from '../src/index.js';
import { expectedExport, readWhole } from './support/export-oracle.js';
import { dictReaderRows, pythonCsvRecords } from './support/python-csv.js';
import type { Cell } from './support/transcode-oracle.js';

/** Past the sample's 1,000 rows and long enough to be held as a counted run of empty rows, not inline. */
const GAP = 1500;
const gapped: Cell[][] = [['email']];
for (let r = 2; r <= 1200; r++) gapped.push(r % 9 === 0 ? [] : r % 13 === 0 ? [''] : [`u${r}@example.com`]);
for (let i = 0; i < GAP; i++) gapped.push([]);
gapped.push(['last@example.com']);

let demo: Emulator;
let emu: Emulator;

beforeAll(async () => {
  demo = await startEmulator({ port: 0 });
  emu = await startEmulator({ port: 0, tabs: [memoryTab({ title: 'Gapped', rows: gapped })] });
});
afterAll(async () => {
  await demo?.stop();
  await emu?.stop();
});

async function exported(on: Emulator, options: Partial<StreamExportOptions>): Promise<string> {
  const out = collector();
  await exportToStream({ spreadsheet: on.spreadsheetId, endpoint: on.url, maxRpm: 0, concurrency: 3, ...options }, out.stream);
  return out.text();
}

const CHUNKS = [undefined, 1, 7, 64];

describe('a one-column CSV read with Python csv rules', () => {
  it.each(CHUNKS)(
    "the demo's Customers!C:C gives 300 of 300 customers, those without an email too (--chunk-rows %s)",
    async (chunkRows) => {
      const whole = await readWhole(demo.url, demo.spreadsheetId, 'Customers!C:C');
      const emails = whole.slice(1).map((row) => String(row[0] ?? ''));
      expect(emails).toHaveLength(300);
      expect(emails.filter((email) => email === '').length).toBeGreaterThan(0);

      const text = await exported(demo, { range: 'Customers!C:C', chunkRows });
      const rows = dictReaderRows(text);
      expect(rows).toHaveLength(300);
      expect(rows.map((row) => row.email)).toEqual(emails);
    },
  );

  it.each(CHUNKS.filter((rows) => rows !== 1))(
    'empty rows inside the data and a long run of them are records too (--chunk-rows %s)',
    async (chunkRows) => {
      const text = await exported(emu, { range: 'Gapped', chunkRows });
      const whole = await readWhole(emu.url, emu.spreadsheetId, 'Gapped');
      expect(text).toBe(expectedExport(whole, { format: 'csv' }));
      const rows = dictReaderRows(text);
      expect(rows).toHaveLength(gapped.length - 1);
      expect(rows.map((row) => row.email)).toEqual(gapped.slice(1).map((row) => String(row[0] ?? '')));
      // Every line is one record of one field: nothing for a reader to skip.
      expect(pythonCsvRecords(text).every((record) => record.length === 1)).toBe(true);
    },
  );

  it('TSV cannot quote: an empty cell there stays an empty line (one empty field to Miller and PostgreSQL COPY)', async () => {
    const text = await exported(emu, { range: 'Gapped', format: 'tsv' });
    const lines = text.split('\n').slice(0, -1);
    expect(lines).toHaveLength(gapped.length);
    expect(lines.filter((line) => line === '').length).toBe(gapped.filter((row) => row.length === 0 || row[0] === '').length);
  });
});
