/**
 * Typed values (`render: 'typed'`) through the library and the real API client, with the fake API
 * (http-fake.ts, nock) answering the values and the cells' number formats: every row of the
 * conversion table in CSV, TSV and NDJSON, chunked and not; the formats request (its mask, one per
 * range, counted and retried like any request); the columns' types; the header row.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import nock from 'nock';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ExportEvents,
  type Row,
  type StreamExportOptions,
  UnavailableError,
  UsageError,
  exportToFolder,
  exportToStream,
  readRows,
  readSchema,
} from '../src/index.js';
import { createTableSql } from '../src/output/schema.js';
import type { NumberFormat } from '../src/transcode/column-kinds.js';
import { ENDPOINT, FakeSheets, SPREADSHEET_ID, UNAVAILABLE, collector, sleep, type Seen, type SheetSpec } from './http-fake.js';

const base = {
  spreadsheet: SPREADSHEET_ID,
  endpoint: ENDPOINT,
  maxRpm: 0,
  timeout: 30,
  backoff: { baseMs: 5, capMs: 20, jitterMs: 1 },
  render: 'typed',
} satisfies Partial<StreamExportOptions>;

let fake: FakeSheets | undefined;

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const unexpected = fake?.unexpected.splice(0) ?? [];
  fake = undefined;
  nock.abortPendingRequests();
  nock.cleanAll();
  expect(unexpected).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

const f = (type: string, pattern: string): NumberFormat => ({ type, pattern });

/** Column → its cells' number format, one per row of the conversion table. */
const FORMATS: (NumberFormat | undefined)[] = [
  undefined, // id: automatic
  f('DATE', 'M/d/yyyy'),
  f('DATE_TIME', 'M/d/yyyy H:mm:ss'),
  f('TIME', 'h:mm:ss am/pm'),
  f('TIME', '[h]:mm:ss'),
  f('CURRENCY', '"$"#,##0.00'),
  f('PERCENT', '0%'),
  f('SCIENTIFIC', '0.00E+00'),
  f('NUMBER', '00000'),
  f('TEXT', '@'),
  undefined, // paid: booleans
  undefined, // err: error values and a number
  f('DATE', 'yyyy-mm-dd'), // mixed: dates and a string
];

const HEADER = ['id', 'date', 'datetime', 'time', 'duration', 'amount', 'pct', 'sci', 'zip', 'text', 'paid', 'err', 'mixed'];
/** Values as UNFORMATTED_VALUE with SERIAL_NUMBER dates sends them. */
const ROWS: Row[] = [
  HEADER,
  [1, 45296, 45296.75, 0.75, 1.5, 872.04, 0.15, 12345.678, 2134, 'hello, world', true, '#N/A', 45297],
  [2, 45297, 45296.0625, 0.0625 + 0.5 / 86400, (3600 + 1800 + 5) / 86400, 2125.16, 1, 0.000123, 1234567, '', false, 3.5, 'n/a'],
  [3, '', 45297 - 0.0001 / 86400, 0, 0, -5, 0, 1e21, 0, 'say "hi"', true, '#REF!', 45298],
];

const EXPECTED_CSV = [
  'id,date,datetime,time,duration,amount,pct,sci,zip,text,paid,err,mixed',
  '1,2024-01-05,2024-01-05T18:00:00,18:00:00,PT36H,872.04,0.15,12345.678,02134,"hello, world",TRUE,#N/A,2024-01-06',
  '2,2024-01-06,2024-01-05T01:30:00,01:30:00.5,PT1H30M5S,2125.16,1,0.000123,1234567,,FALSE,3.5,n/a',
  '3,,2024-01-06T00:00:00,00:00:00,PT0S,-5,0,1e+21,00000,"say ""hi""",TRUE,#REF!,2024-01-07',
];
const EXPECTED_TSV = EXPECTED_CSV.map((line) =>
  line.replace('"hello, world"', 'hello, world').replace('"say ""hi"""', 'say "hi"').replaceAll(',', '\t'),
)
  // The comma inside the text cell is data, not a separator.
  .map((line) => line.replace('hello\t world', 'hello, world'));
const EXPECTED_NDJSON = [
  '{"id":1,"date":"2024-01-05","datetime":"2024-01-05T18:00:00","time":"18:00:00","duration":"PT36H","amount":872.04,"pct":0.15,"sci":12345.678,"zip":"02134","text":"hello, world","paid":true,"err":"#N/A","mixed":"2024-01-06"}',
  '{"id":2,"date":"2024-01-06","datetime":"2024-01-05T01:30:00","time":"01:30:00.5","duration":"PT1H30M5S","amount":2125.16,"pct":1,"sci":0.000123,"zip":"1234567","text":null,"paid":false,"err":3.5,"mixed":"n/a"}',
  '{"id":3,"date":null,"datetime":"2024-01-06T00:00:00","time":"00:00:00","duration":"PT0S","amount":-5,"pct":0,"sci":1e+21,"zip":"00000","text":"say \\"hi\\"","paid":true,"err":"#REF!","mixed":"2024-01-07"}',
];
const EXPECTED_COLUMNS = [
  ['id', 'number'],
  ['date', 'date'],
  ['datetime', 'datetime'],
  ['time', 'time'],
  ['duration', 'duration'],
  ['amount', 'number'],
  ['pct', 'number'],
  ['sci', 'number'],
  ['zip', 'string'],
  ['text', 'string'],
  ['paid', 'boolean'],
  ['err', 'string'],
  ['mixed', 'string'],
].map(([name, type]) => ({ name, type }));

/** The conversion table's tab: the header row's own formats say nothing of its columns. */
const table = (): SheetSpec => ({
  title: 'Typed',
  rowCount: 10,
  columnCount: 15,
  rows: ROWS,
  format: (r, c) => (r === 1 ? f('DATE', 'yyyy') : FORMATS[c - 1]),
});

async function exported(
  options: Partial<StreamExportOptions>,
): Promise<{ text: string; summary: Awaited<ReturnType<typeof exportToStream>> }> {
  const out = collector();
  const summary = await exportToStream({ ...base, ...options }, out.stream);
  return { text: out.text(), summary };
}

describe('typed values: the conversion table', () => {
  for (const chunkRows of [undefined, 1, 2]) {
    const how = chunkRows === undefined ? 'one request' : `--chunk-rows ${chunkRows}`;

    it(`CSV, ${how}`, async () => {
      fake = new FakeSheets(table());
      const { text, summary } = await exported({ chunkRows });
      expect(text).toBe(`${EXPECTED_CSV.join('\n')}\n`);
      expect(summary.schema).toEqual(EXPECTED_COLUMNS);
    });

    it(`TSV, ${how}`, async () => {
      fake = new FakeSheets(table());
      const { text } = await exported({ chunkRows, format: 'tsv' });
      expect(text).toBe(`${EXPECTED_TSV.join('\n')}\n`);
    });

    it(`NDJSON, ${how}`, async () => {
      fake = new FakeSheets(table());
      const { text, summary } = await exported({ chunkRows, format: 'ndjson' });
      expect(text).toBe(`${EXPECTED_NDJSON.join('\n')}\n`);
      expect(summary.schema).toEqual(EXPECTED_COLUMNS);
    });
  }

  it('readRows gives the same typed values, the header row as it came', async () => {
    fake = new FakeSheets(table());
    const rows: Row[] = [];
    for await (const row of readRows({ ...base, chunkRows: 2 })) rows.push(row);
    expect(rows[0]).toEqual(HEADER);
    expect(rows.slice(1).map((row) => JSON.stringify(row))).toEqual(
      EXPECTED_NDJSON.map((line) => JSON.stringify(Object.values(JSON.parse(line) as Record<string, unknown>))),
    );
  });

  it('the header row is names, written as it came; without a header, the first row is data', async () => {
    const rows = [
      [45296, 'b'],
      [45297, 'x'],
    ];
    fake = new FakeSheets({ rowCount: 5, columnCount: 2, rows, format: (_r, c) => (c === 1 ? f('DATE', 'M/d') : undefined) });
    expect((await exported({})).text).toBe('45296,b\n2024-01-06,x\n');
    expect((await exported({ format: 'ndjson' })).text).toBe('{"45296":"2024-01-06","b":"x"}\n');
    expect((await exported({ header: false })).text).toBe('2024-01-05,b\n2024-01-06,x\n');
    expect((await exported({ header: false, format: 'ndjson' })).text).toBe('["2024-01-05","b"]\n["2024-01-06","x"]\n');
    expect((await exported({ header: false })).summary.schema).toEqual([
      { name: 'A', type: 'date' },
      { name: 'B', type: 'string' },
    ]);
  });

  it('a column keeps the kind its first rows give it: a format that changes below them does not change it', async () => {
    const rows: Row[] = [['when', 'n'], ...Array.from({ length: 300 }, (_, i) => [45296 + i, i])];
    // Dates for the first 150 rows, then plain numbers; the second column the other way round.
    const format = (r: number, c: number) => (r <= 151 === (c === 1) ? f('DATE', 'yyyy-mm-dd') : undefined);
    fake = new FakeSheets({ rowCount: 400, columnCount: 2, rows, format });
    const lines = (await exported({ chunkRows: 50 })).text.split('\n');
    expect(lines[1]).toBe('2024-01-05,0');
    expect(lines[299]).toBe('2024-10-29,298');
    expect(lines).toHaveLength(302);
  });
});

describe("typed values: the types sample holds only rows the API's answers gave", () => {
  const JSON_TYPE = { 'Content-Type': 'application/json; charset=UTF-8' };
  // A column of dates; a spoilt first answer for rows 3–4 holds a string in it, and a boolean in the next.
  const rows: Row[] = [
    ['day', 'n'],
    [45296, 1],
    [45297, 2],
    [45298, 3],
    [45299, 4],
  ];
  const spec: SheetSpec = { rowCount: 5, columnCount: 2, rows, format: (r, c) => (c === 1 && r > 1 ? f('DATE', 'd') : undefined) };
  const typed = [
    { name: 'day', type: 'date' },
    { name: 'n', type: 'number' },
  ];
  const csv = 'day,n\n2024-01-05,1\n2024-01-06,2\n2024-01-07,3\n2024-01-08,4\n';

  it('an answer refused whole (bytes after its end) leaves no trace in the types', async () => {
    const spoilt = `${JSON.stringify({
      range: 'Sheet1!A2:B4',
      majorDimension: 'ROWS',
      // The row before the chunk first, as the boundary check asks it.
      values: [
        [45296, 1],
        ['oops', true],
        [45298, 3],
      ],
    })}{"values":[]}`;
    fake = new FakeSheets(spec, {
      values: (req, answer) => (req.range?.chunkFirst === 3 && req.attempt === 1 ? [200, spoilt, JSON_TYPE] : answer()),
    });
    const { text, summary } = await exported({ chunkRows: 2 });
    expect(fake.attemptsAt(3)).toHaveLength(2);
    expect(text).toBe(csv);
    expect(summary.schema).toEqual(typed);
  });

  it('a row cut short leaves no trace in the types; the rows before it count', async () => {
    const cut = '{"range":"Sheet1!A2:B4","majorDimension":"ROWS","values":[[45296,1],[45297,2],["oops",tr';
    fake = new FakeSheets(spec, {
      values: (req, answer) => (req.range?.chunkFirst === 3 && req.attempt === 1 ? [200, cut, JSON_TYPE] : answer()),
    });
    const { text, summary } = await exported({ chunkRows: 2 });
    expect(fake.attemptsAt(4)).toHaveLength(1);
    expect(text).toBe(csv);
    expect(summary.schema).toEqual(typed);
  });

  it('a string and a boolean that did come make the columns text', async () => {
    fake = new FakeSheets({ ...spec, rows: [...rows.slice(0, 3), ['oops', true], ...rows.slice(4)] });
    const { text, summary } = await exported({ chunkRows: 2 });
    expect(text).toBe('day,n\n2024-01-05,1\n2024-01-06,2\noops,TRUE\n2024-01-08,4\n');
    expect(summary.schema).toEqual([
      { name: 'day', type: 'string' },
      { name: 'n', type: 'string' },
    ]);
  });

  it('rows past the first 1,000 do not change the types', async () => {
    const long: Row[] = [['day', 'n'], ...Array.from({ length: 1100 }, (_, i): Row => (i === 1000 ? ['late', 'text'] : [45296 + i, i]))];
    fake = new FakeSheets({ rowCount: 1200, columnCount: 2, rows: long, format: spec.format });
    for (const options of [{}, { format: 'ndjson' as const }, { range: 'Sheet1!A:B' }, { chunkRows: 300 }]) {
      expect((await exported(options)).summary.schema, JSON.stringify(options)).toEqual(typed);
    }
    // Row 1,000 of the range (its 999th data row) is the sample's last.
    nock.cleanAll();
    fake = new FakeSheets({
      rowCount: 1200,
      columnCount: 2,
      rows: long.map((r, i) => (i === 999 ? ['late', 'text'] : r)),
      format: spec.format,
    });
    for (const options of [{}, { format: 'ndjson' as const }]) {
      expect(
        (await exported(options)).summary.schema?.map((c) => c.type),
        JSON.stringify(options),
      ).toEqual(['string', 'string']);
    }
  });
});

describe('typed values: the formats request', () => {
  it('one spreadsheets.get per range after the metadata, with the formats mask over its first 100 rows, the first rows read beside the metadata; counted in the summary', async () => {
    fake = new FakeSheets(table());
    const { text, summary } = await exported({ range: 'Typed!A1:M' });
    expect(text).toBe(`${EXPECTED_CSV.join('\n')}\n`);
    const [formats, ...more] = fake.formats();
    expect(more).toEqual([]);
    expect(formats?.query.getAll('ranges')).toEqual(["'Typed'!A1:M10"]);
    expect(formats?.query.get('fields')).toBe('sheets(properties.sheetId,data.rowData.values.effectiveFormat.numberFormat)');
    expect(formats?.query.has('includeGridData')).toBe(false);
    expect(formats?.query.get('prettyPrint')).toBe('false');
    // The formats once the metadata names the range; the first rows asked beside the metadata, and kept until the formats came.
    const meta = fake.meta()[0];
    expect(formats?.t).toBeGreaterThanOrEqual(meta?.repliedAt ?? Infinity);
    const early = fake.values()[0];
    expect(early?.range?.a1).toBe("'Typed'!A1:M1000");
    expect(early?.t).toBeLessThan(meta?.repliedAt ?? -Infinity);
    expect(fake.values().map((v) => v.query.get('valueRenderOption'))).toEqual(['UNFORMATTED_VALUE']);
    expect(fake.values().map((v) => v.query.get('dateTimeRenderOption'))).toEqual(['SERIAL_NUMBER']);
    expect(summary.requests).toBe(fake.seen.length);
    expect(summary.requests).toBe(3);
  });

  it('the first rows, read beside the metadata, are written only once the formats are in, converted', async () => {
    let formatsReplied = Infinity;
    fake = new FakeSheets(table(), {
      formats: async (_seen, answer) => {
        await sleep(150);
        formatsReplied = performance.now();
        return answer();
      },
    });
    let firstWrite = Infinity;
    const out = collector();
    out.stream.once('pipe', () => undefined);
    const write = out.stream.write.bind(out.stream);
    out.stream.write = ((chunk: unknown, ...rest: never[]) => {
      firstWrite = Math.min(firstWrite, performance.now());
      return write(chunk as Buffer, ...rest);
    }) as typeof out.stream.write;
    await exportToStream({ ...base }, out.stream);
    expect(out.text()).toBe(`${EXPECTED_CSV.join('\n')}\n`);
    expect(fake.values()[0]?.t).toBeLessThan(fake.formats()[0]?.t ?? -Infinity);
    expect(firstWrite).toBeGreaterThanOrEqual(formatsReplied);
  });

  it('an early read of the first tab that turns out to be another (the first tab is hidden) is dropped unwritten, the range read again', async () => {
    const hidden: SheetSpec = {
      title: 'Hidden',
      rowCount: 5,
      columnCount: 2,
      rows: [['when'], [45296]],
      hidden: true,
      format: (r) => (r > 1 ? f('DATE', 'd') : undefined),
    };
    fake = new FakeSheets([hidden, table()]);
    // Without a range, the export is the first tab; the early read named none, and the API read the first visible one.
    const { text } = await exported({});
    expect(text).toBe('when\n2024-01-05\n');
    expect(fake.values().map((v) => v.range?.a1)).toEqual(['A1:ZZZ1000', "'Hidden'!A1:B"]);
  });

  it('reads the first 100 rows of a long range, within --limit', async () => {
    fake = new FakeSheets({ ...table(), rowCount: 5000 });
    await exported({});
    await exported({ limit: 2 });
    expect(fake.formats().map((s) => s.query.getAll('ranges'))).toEqual([["'Typed'!A1:O100"], ["'Typed'!A1:O3"]]);
  });

  it('is retried like any request, each attempt counted and told', async () => {
    fake = new FakeSheets(table(), { formats: (seen, answer) => (seen.attempt <= 2 ? UNAVAILABLE : answer()) });
    const events = new ExportEvents();
    const told: string[] = [];
    events.on('retry', (info) => told.push(info.label));
    const { text, summary } = await exported({ events });
    expect(text).toBe(`${EXPECTED_CSV.join('\n')}\n`);
    expect(fake.formats()).toHaveLength(3);
    expect(summary.retries).toBe(2);
    expect(summary.requests).toBe(fake.seen.length);
    expect(told).toEqual(["reading the number formats of 'Typed'!A1:O10", "reading the number formats of 'Typed'!A1:O10"]);
  });

  it('passes the rate gate like any request; the first start books two spare slots, for the first values request and it', async () => {
    fake = new FakeSheets(table());
    // 120 a minute: a start every 500 ms.
    await exported({ maxRpm: 120, chunkRows: 1, limit: 2 });
    expect(fake.seen).toHaveLength(5);
    const start = Math.min(...fake.seen.map((s) => s.t));
    const at = (s: Seen | undefined) => (s?.t ?? NaN) - start;
    // The metadata, the first values (beside it) and the formats (once it is in) wait for no interval:
    // the spares are good until their own places (500 and 1,000 ms); the next values wait three intervals
    // (from the gate's first start, a little before the first arrival).
    const [formats] = fake.formats();
    const [first, second, third] = fake.values();
    expect(at(formats)).toBeLessThan(900);
    expect(at(first)).toBeLessThan(400);
    expect(at(second)).toBeGreaterThanOrEqual(1500 - 50);
    expect(at(third)).toBeGreaterThanOrEqual(2000 - 50);
  });

  it('other runs keep one spare slot: the first values request after the early read waits two intervals', async () => {
    fake = new FakeSheets(table());
    await exported({ maxRpm: 120, chunkRows: 1, limit: 1, render: 'unformatted' });
    const meta = fake.meta()[0];
    const [early, next] = fake.values();
    expect(fake.seen).toHaveLength(3);
    expect(Math.abs((early?.t ?? NaN) - (meta?.t ?? NaN))).toBeLessThan(500);
    expect((next?.t ?? NaN) - Math.min(meta?.t ?? NaN, early?.t ?? NaN)).toBeGreaterThanOrEqual(1000 - 50);
  });

  it('a formats request that keeps failing fails the run as an unavailable API, named', async () => {
    fake = new FakeSheets(table(), { formats: () => UNAVAILABLE });
    const error = await exported({ retries: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/^reading the number formats of 'Typed'!A1:O10 failed 2 times/);
    // Only the first rows, asked beside the metadata, were read: none of them written.
    expect(fake.values().map((v) => v.range?.a1)).toEqual(['A1:ZZZ1000']);
  });

  it('an answer that is not a formats answer is retried as a malformed one', async () => {
    fake = new FakeSheets(table(), {
      formats: (seen, answer) =>
        seen.attempt === 1 ? [200, { sheets: [{ properties: { sheetId: 0 }, data: [{ rowData: 'x' }] }] }] : answer(),
    });
    const { text, summary } = await exported({});
    expect(text).toBe(`${EXPECTED_CSV.join('\n')}\n`);
    expect(summary.retries).toBe(1);
  });

  it('other renders make no formats request', async () => {
    fake = new FakeSheets(table());
    await exported({ render: 'unformatted' });
    await exported({ render: 'formatted' });
    expect(fake.formats()).toEqual([]);
  });
});

describe('typed values: folders, the schema, refusals', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'sheetpipe-typed-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("a folder export reads every range's formats in one request; the manifest carries each file's columns, the locale and the time zone", async () => {
    const other: SheetSpec = {
      title: 'Other',
      rowCount: 3,
      columnCount: 2,
      rows: [
        ['day', 'ok'],
        [45296, true],
      ],
      format: (r, c) => (c === 1 && r > 1 ? f('DATE', 'd') : undefined),
    };
    fake = new FakeSheets([table(), other]);
    const output = join(root, 'set');
    // The fake serves no values:batchGet: --chunk-rows keeps each tab to its own requests.
    const manifest = await exportToFolder({ ...base, output, chunkRows: 100 });
    expect(fake.formats()).toHaveLength(1);
    expect(fake.formats()[0]?.query.getAll('ranges')).toEqual(["'Typed'!A1:O10", "'Other'!A1:B3"]);
    const written = JSON.parse(readFileSync(join(output, '_manifest.json'), 'utf8')) as typeof manifest;
    expect(written).toEqual(manifest);
    expect(written.locale).toBe('en_US');
    expect(written.timeZone).toBe('America/New_York');
    expect(written.files.map((file) => file.schema)).toEqual([
      EXPECTED_COLUMNS,
      [
        { name: 'day', type: 'date' },
        { name: 'ok', type: 'boolean' },
      ],
    ]);
    expect(readFileSync(join(output, 'Other.csv'), 'utf8')).toBe('day,ok\n2024-01-05,TRUE\n');
  });

  it('other renders write no schema in the manifest', async () => {
    fake = new FakeSheets(table());
    const manifest = await exportToFolder({ ...base, render: 'unformatted', output: join(root, 'plain'), chunkRows: 100 });
    expect(manifest.files.map((file) => file.schema)).toEqual([undefined]);
  });

  it("readSchema: the columns of the typed export, from the range's first rows, with the range, table name, locale and time zone", async () => {
    fake = new FakeSheets({ ...table(), rowCount: 3000 });
    const { render: _render, ...options } = base;
    const schema = await readSchema({ ...options, range: 'Typed' });
    expect(schema).toEqual({
      range: "'Typed'!A1:O3000",
      table: 'Typed',
      locale: 'en_US',
      timeZone: 'America/New_York',
      columns: EXPECTED_COLUMNS,
    });
    // The metadata, the formats and the first 1,000 rows' values.
    expect(fake.seen.map((s) => s.kind).sort()).toEqual(['formats', 'meta', 'values']);
    expect(fake.values()[0]?.range?.lastRow).toBe(1000);
    await expect(readSchema({ ...options, render: 'typed' } as never)).rejects.toThrow(UsageError);
  });

  it('--dates with typed values is refused before any request', async () => {
    fake = new FakeSheets(table());
    await expect(exported({ dates: 'string' })).rejects.toThrow(
      "dates: 'string' applies only with render: 'unformatted' or render: 'formula' (typed values write each date as its cell's format means it, in ISO 8601)",
    );
    expect(fake.seen).toEqual([]);
  });
});

describe('typed values: what a loader makes of them', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'sheetpipe-typed-duckdb-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function duckdb(sql: string): Promise<Record<string, unknown>[]> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`SET file_search_path = '${root}'`);
      const statements = sql.split(/;\s*\n/).filter((s) => s.trim() !== '');
      let rows: Record<string, unknown>[] = [];
      for (const statement of statements)
        rows = (await connection.runAndReadAll(statement)).getRowObjectsJson() as Record<string, unknown>[];
      return rows;
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  async function toFile(name: string, options: Partial<StreamExportOptions>): Promise<void> {
    const out = collector();
    await exportToStream({ ...base, ...options }, out.stream);
    writeFileSync(join(root, name), out.text());
  }

  it('DuckDB infers DATE, TIMESTAMP, TIME, DOUBLE and BOOLEAN from the CSV and the NDJSON, with no options', async () => {
    fake = new FakeSheets(table());
    await toFile('typed.csv', {});
    await toFile('typed.ndjson', { format: 'ndjson' });
    for (const file of ['typed.csv', 'typed.ndjson']) {
      const types = Object.fromEntries((await duckdb(`DESCRIBE SELECT * FROM '${file}'`)).map((r) => [r.column_name, r.column_type]));
      expect(types, file).toMatchObject({
        date: 'DATE',
        datetime: 'TIMESTAMP',
        time: 'TIME',
        amount: 'DOUBLE',
        pct: 'DOUBLE',
        paid: 'BOOLEAN',
        zip: 'VARCHAR',
      });
    }
  });

  it('schema --sql duckdb creates the table the CSV loads into, with the values the sheet means', async () => {
    fake = new FakeSheets(table());
    const { render: _render, ...options } = base;
    const sql = createTableSql(await readSchema(options), 'duckdb');
    expect(sql).toContain(
      'CREATE TABLE "Typed" (\n  "id" DOUBLE,\n  "date" DATE,\n  "datetime" TIMESTAMP,\n  "time" TIME,\n  "duration" VARCHAR,',
    );
    await toFile('load.csv', {});
    const rows = await duckdb(`${sql}\nCOPY "Typed" FROM '${join(root, 'load.csv')}' (HEADER);\nSELECT * FROM "Typed" ORDER BY id`);
    expect(rows.map((r) => [r.date, r.datetime, r.time, r.zip, r.paid])).toEqual([
      ['2024-01-05', '2024-01-05 18:00:00', '18:00:00', '02134', true],
      ['2024-01-06', '2024-01-05 01:30:00', '01:30:00.5', '1234567', false],
      [null, '2024-01-06 00:00:00', '00:00:00', '00000', true],
    ]);
  });
});
