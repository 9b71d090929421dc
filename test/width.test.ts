/**
 * The width rule on real sheet shapes, end to end through the library and a local emulator: a
 * header whose trailing blanks the API trimmed, data below empty rows, an empty first row, a wider
 * row after row 1,000. Every export, chunked or not, in every format, equals the reference
 * rendering of one unchunked read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collector } from './support/collect.js';
import { type Emulator, memoryTab, startEmulator } from '../src/emulator/index.js';
import { ExportEvents, exportToStream, readRows, type StreamExportOptions } from '../src/index.js';
import { type ExportRule, expectedExport, readWhole } from './support/export-oracle.js';
import type { Cell } from './support/transcode-oracle.js';

const wideAfterSample: Cell[][] = [['id', 'name']];
for (let r = 2; r <= 1300; r++) wideAfterSample.push(r === 1200 ? [r, 'wide', 'x', 'y', 'z'] : r % 50 === 0 ? [] : [r, `n${r}`]);

const TABS: Record<string, Cell[][]> = {
  // The API trims a header's trailing blanks: data is four columns wide under a two-cell header.
  Trimmed: [['A1', 'faff'], [1, 'b2', 1.45], [], ['A4', 0.4, '', 4]],
  // A title, empty rows, then the data.
  Below: [[], ['Monthly report'], [], [], ['month', 'revenue', 'orders'], ['Jan', 10, 3], ['Feb', '', 4]],
  EmptyFirst: [[], ['a', 'b', 'c'], [1, 2, 3]],
  WideLater: wideAfterSample,
  // Repeated and blank header names.
  Keys: [
    ['x', '', 'x', 'B'],
    [1, 2, 3, 4, 5],
  ],
};

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, tabs: Object.entries(TABS).map(([title, rows]) => memoryTab({ title, rows })) });
});
afterAll(() => emu?.stop());

async function exported(options: Partial<StreamExportOptions>): Promise<{ text: string; warnings: string[]; columns: number }> {
  const out = collector();
  const events = new ExportEvents();
  const warnings: string[] = [];
  events.on('warning', (w) => warnings.push(w));
  const summary = await exportToStream({ spreadsheet: emu.spreadsheetId, endpoint: emu.url, maxRpm: 0, events, ...options }, out.stream);
  return { text: out.text(), warnings, columns: summary.columns };
}

const FORMATS: ExportRule[] = [{ format: 'csv' }, { format: 'tsv' }, { format: 'ndjson' }, { format: 'ndjson', header: false }];

describe.each(Object.keys(TABS))('tab %s', (tab) => {
  it.each(FORMATS)('%o: every chunk size gives the unchunked rendering', async (rule) => {
    const whole = await readWhole(emu.url, emu.spreadsheetId, tab);
    const expected = expectedExport(whole, rule);
    for (const chunkRows of [undefined, 1, 2, 3, 7, 999, 1000, 1001, 1500, 5000]) {
      const { text } = await exported({ range: tab, format: rule.format, header: rule.header, chunkRows, concurrency: 3 });
      expect(text, `${tab}, ${rule.format}, --chunk-rows ${chunkRows ?? 'default'}`).toBe(expected);
    }
  });
});

describe('the rule on the shapes of real sheets', () => {
  it('a short header is padded to the data: a rectangular CSV', async () => {
    const { text, warnings } = await exported({ range: 'Trimmed' });
    expect(text).toBe('A1,faff,,\n1,b2,1.45,\n,,,\nA4,0.4,,4\n');
    expect(warnings).toEqual([]);
  });

  it('NDJSON objects all carry the same keys in the same order; an empty cell is null wherever it stands', async () => {
    const { text } = await exported({ range: 'Trimmed', format: 'ndjson', render: 'unformatted' });
    expect(text).toBe(
      '{"A1":1,"faff":"b2","C":1.45,"D":null}\n{"A1":null,"faff":null,"C":null,"D":null}\n{"A1":"A4","faff":0.4,"C":null,"D":4}\n',
    );
    const arrays = await exported({ range: 'Trimmed', format: 'ndjson', header: false, render: 'unformatted' });
    expect(arrays.text.split('\n')[3]).toBe('["A4",0.4,null,4]');
  });

  it('data below empty rows: the empty rows keep the width, and the keys come from the (empty) first row', async () => {
    expect((await exported({ range: 'Below' })).text.split('\n').slice(0, 2)).toEqual([',,', 'Monthly report,,']);
    const first = (await exported({ range: 'EmptyFirst', format: 'ndjson' })).text.split('\n')[0];
    expect(first).toBe('{"A":"a","B":"b","C":"c"}');
  });

  it('a row wider than the first 1,000 is written whole, with one warning that says how to avoid it', async () => {
    const { text, warnings, columns } = await exported({ range: 'WideLater' });
    expect(text.split('\n')[1199]).toBe('1200,wide,x,y,z');
    expect(text.split('\n')[1198]).toBe('1199,n1199');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^warning: row 1200 has 5 cells, more than the 2 columns of its first 1,000 rows; .*name the last column, e\.g\. A:Z/,
    );
    // The summary states the widest row written, not the narrower width.
    expect(columns).toBe(5);
    // The same warning and the same figure however the range is read: the wide row in the sample's
    // own answer (1,500 or 5,000 rows a request) or in a later one.
    for (const chunkRows of [1, 999, 1500, 5000]) {
      const again = await exported({ range: 'WideLater', chunkRows, concurrency: 3 });
      expect(again.warnings, `--chunk-rows ${chunkRows}`).toEqual(warnings);
      expect(again.columns, `--chunk-rows ${chunkRows}`).toBe(5);
    }
  });

  it('a range that names its last column keeps that many columns', async () => {
    const { text } = await exported({ range: 'Trimmed!A1:E' });
    expect(text).toBe('A1,faff,,,\n1,b2,1.45,,\n,,,,\nA4,0.4,,4,\n');
  });

  it('repeated and blank header names: numbered, or the column letter', async () => {
    const { text } = await exported({ range: 'Keys', format: 'ndjson', render: 'unformatted' });
    expect(text).toBe('{"x":1,"B":2,"x_2":3,"B_2":4,"E":5}\n');
  });

  it('readRows yields the rows as the export writes them: padded, empty cells null', async () => {
    const rows: unknown[] = [];
    for await (const row of readRows({
      spreadsheet: emu.spreadsheetId,
      endpoint: emu.url,
      maxRpm: 0,
      range: 'Trimmed',
      render: 'unformatted',
    }))
      rows.push(row);
    expect(rows).toEqual([
      ['A1', 'faff', null, null],
      [1, 'b2', 1.45, null],
      [null, null, null, null],
      ['A4', 0.4, null, 4],
    ]);
  });
});
