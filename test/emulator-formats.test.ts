/**
 * Cells' number formats: spreadsheets.get with `ranges` and the grid-data mask a typed export sends
 * (`sheets.data.rowData.values.effectiveFormat.numberFormat`) answers in the API's shape — a Sheet
 * per tab in tab order, a GridData per range in request order, rows and cells trimmed as values.get
 * trims them, `{}` for a cell in the automatic format — while every other grid-data mask stays
 * refused. `--data` files get the formats Sheets gives typed text; the demo's Deliveries tab holds
 * the formats typed output is for. All through HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cell,
  type Emulator,
  type NumberFormat,
  ISO_DATE_FORMAT,
  chartTab,
  fileTab,
  memoryTab,
  startEmulator,
  typedCell,
} from '../src/emulator/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers: the assertions check their shape.
type Json = any;

const MASK = 'sheets.data.rowData.values.effectiveFormat.numberFormat';
const NESTED_MASK = 'sheets(data(rowData(values(effectiveFormat(numberFormat)))))';
const SERVES_GRID =
  "it serves metadata, values (read cells with spreadsheets.values.get or values:batchGet) and cells' number formats (fields=sheets.data.rowData.values.effectiveFormat.numberFormat)";

const CURRENCY: NumberFormat = { type: 'CURRENCY', pattern: '"$"#,##0.00' };
const PERCENT: NumberFormat = { type: 'PERCENT', pattern: '0%' };
const ZIP: NumberFormat = { type: 'NUMBER', pattern: '00000' };

/** The CellData of a cell in `format`; `{}` is one in the automatic format, or empty. */
const f = (numberFormat: NumberFormat): Json => ({ effectiveFormat: { numberFormat } });

const day = (serial: number): Cell => ({ value: serial, formatted: 'a day', format: ISO_DATE_FORMAT });
const dollars = (value: number): Cell => ({ value, formatted: `$${value}`, format: CURRENCY });
const share = (value: number): Cell => ({ value, formatted: `${value * 100}%`, format: PERCENT });

/**
 * Data (gid 0), rows 1..6 of a 20 × 6 grid: a header, a full row, an empty row, a row of one
 * automatic number, a row with a gap, a row of empty strings (trailing, so trimmed).
 */
const DATA_ROWS: Cell[][] = [
  ['when', 'amount', 'share', 'note'],
  [day(45_000), dollars(12.5), share(0.15), 'x'],
  [],
  [null, 7, null, ''],
  [day(45_001), null, share(0.05)],
  ['', '', ''],
];

let emu: Emulator;
let base: string;

const json = async (url: string): Promise<Json> => (await fetch(url)).json();

async function get(query: [string, string][]): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}?${new URLSearchParams([...query, ['prettyPrint', 'false']])}`);
  return { status: res.status, body: await res.json() };
}

/** The formats answer for `ranges` under `mask`. */
async function formats(ranges: string[], mask = MASK, extra: [string, string][] = []): Promise<Json> {
  const { status, body } = await get([...ranges.map((range): [string, string] => ['ranges', range]), ['fields', mask], ...extra]);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    tabs: [
      memoryTab({ title: 'Data', rows: DATA_ROWS, gridRows: 20, gridCols: 6 }),
      chartTab('Chart', 5),
      memoryTab({ title: 'Zips', rows: [['zip'], [{ value: 2134, formatted: '02134', format: ZIP }]], sheetId: 9 }),
    ],
    namedRanges: [{ name: 'Shares', range: 'Data!C1:C5' }],
  });
  base = `${emu.url}v4/spreadsheets/${emu.spreadsheetId}`;
});
afterAll(() => emu.stop());

describe('spreadsheets.get with the number-format mask', () => {
  it('one range: a row per row, a cell per cell, `{}` for the automatic format and for an empty row', async () => {
    expect(await formats(['Data!A1:D5'])).toEqual({
      sheets: [
        {
          data: [
            {
              rowData: [
                { values: [{}, {}, {}, {}] },
                { values: [f(ISO_DATE_FORMAT), f(CURRENCY), f(PERCENT), {}] },
                {},
                { values: [{}, {}] },
                { values: [f(ISO_DATE_FORMAT), {}, f(PERCENT)] },
              ],
            },
          ],
        },
      ],
    });
  });

  it('trims as values.get does: no trailing empty cells, no rows past the last value, no grid past the data', async () => {
    const whole = await formats(['Data']);
    expect(whole.sheets[0].data[0].rowData).toHaveLength(5);
    expect(await formats(['Data!B2:F20'])).toEqual(await formats(['Data!B2:D5']));
    const values = await json(`${base}/values/${encodeURIComponent('Data!B2:F20')}?prettyPrint=false`);
    expect(values.values.map((row: unknown[]) => row.length)).toEqual([3, 0, 1, 2]);
    expect((await formats(['Data!B2:F20'])).sheets[0].data[0].rowData.map((row: Json) => row.values?.length ?? 0)).toEqual([3, 0, 1, 2]);
  });

  it('several ranges on one tab: one GridData each, in request order; startRow and startColumn when asked, left out at 0', async () => {
    const mask = `sheets.data(startRow,startColumn,rowData.values.effectiveFormat.numberFormat)`;
    expect(await formats(['Data!C2:C5', 'Data!A1:B2', 'Data!A2'], mask)).toEqual({
      sheets: [
        {
          data: [
            { startRow: 1, startColumn: 2, rowData: [{ values: [f(PERCENT)] }, {}, {}, { values: [f(PERCENT)] }] },
            { rowData: [{ values: [{}, {}] }, { values: [f(ISO_DATE_FORMAT), f(CURRENCY)] }] },
            { startRow: 1, rowData: [{ values: [f(ISO_DATE_FORMAT)] }] },
          ],
        },
      ],
    });
  });

  it('several tabs: one Sheet per tab in tab order, whatever the order of the ranges; a named range reads its tab', async () => {
    expect(await formats(['Zips!A2', 'Data!B2', 'Shares', 'Zips!A1:A2'])).toEqual({
      sheets: [
        {
          data: [
            { rowData: [{ values: [f(CURRENCY)] }] },
            { rowData: [{ values: [{}] }, { values: [f(PERCENT)] }, {}, {}, { values: [f(PERCENT)] }] },
          ],
        },
        { data: [{ rowData: [{ values: [f(ZIP)] }] }, { rowData: [{ values: [{}] }, { values: [f(ZIP)] }] }] },
      ],
    });
  });

  it('past the data: an empty GridData; past the grid: the API 400, as values.get', async () => {
    expect(await formats(['Data!A10:F20'])).toEqual({ sheets: [{ data: [{}] }] });
    expect(await formats(['Data!A10:F20'], `sheets.data.startRow,${MASK}`)).toEqual({ sheets: [{ data: [{ startRow: 9 }] }] });
    // A range that only ends past the grid is clipped.
    expect(await formats(['Data!A5:Z100'])).toEqual(await formats(['Data!A5:F20']));
    const past = await get([
      ['ranges', 'Data!A21:B22'],
      ['fields', MASK],
    ]);
    expect(past.status).toBe(400);
    expect(past.body.error.message).toBe("Range ('Data'!A21:B22) exceeds grid limits. Max rows: 20, max columns: 6");
    const unknown = await get([
      ['ranges', 'Nope!A1'],
      ['fields', MASK],
    ]);
    expect([unknown.status, unknown.body.error.message]).toEqual([400, 'Unable to parse range: Nope!A1']);
  });

  it('without ranges: every grid tab whole, a chart tab without data', async () => {
    const all = await formats([], 'sheets(properties.title,data.rowData.values.effectiveFormat.numberFormat)');
    expect(all.sheets.map((sheet: Json) => [sheet.properties.title, sheet.data?.length])).toEqual([
      ['Data', 1],
      ['Chart', undefined],
      ['Zips', 1],
    ]);
    expect(all.sheets[0].data[0]).toEqual((await formats(['Data'])).sheets[0].data[0]);
  });

  it('the mask in both spellings, with includeGridData absent, false or true, and beside metadata fields', async () => {
    const answer = await formats(['Data!A1:D5', 'Zips']);
    expect(await formats(['Data!A1:D5', 'Zips'], NESTED_MASK)).toEqual(answer);
    expect(await formats(['Data!A1:D5', 'Zips'], 'sheets/data/rowData/values/effectiveFormat/numberFormat')).toEqual(answer);
    expect(await formats(['Data!A1:D5', 'Zips'], MASK, [['includeGridData', 'false']])).toEqual(answer);
    expect(await formats(['Data!A1:D5', 'Zips'], MASK, [['includeGridData', 'true']])).toEqual(answer);
    expect(await formats(['Data!A2'], `${MASK}(type)`)).toEqual({
      sheets: [{ data: [{ rowData: [{ values: [{ effectiveFormat: { numberFormat: { type: 'DATE' } } }] }] }] }],
    });
    // The metadata request and the formats in one: what a typed export may send once the range is known.
    expect(await formats(['Data!A2:B2'], `properties(title,timeZone),sheets.properties(sheetId,title),${MASK}`)).toEqual({
      properties: { title: 'sheetpipe emulator', timeZone: 'Etc/GMT' },
      sheets: [{ properties: { sheetId: 0, title: 'Data' }, data: [{ rowData: [{ values: [f(ISO_DATE_FORMAT), f(CURRENCY)] }] }] }],
    });
  });

  it('pretty-printed by default, as every answer', async () => {
    const res = await fetch(`${base}?ranges=${encodeURIComponent('Zips!A2')}&fields=${MASK}`);
    expect(await res.text()).toBe(`${JSON.stringify({ sheets: [{ data: [{ rowData: [{ values: [f(ZIP)] }] }] }] }, null, 2)}\n`);
  });

  it('every other grid-data mask stays refused: 400 FAILED_PRECONDITION, ErrorInfo NOT_SERVED_BY_EMULATOR', async () => {
    const refused = [
      'sheets.data',
      'sheets(data)',
      'sheets.data.rowData',
      'sheets.data.rowData.values',
      'sheets.data.rowData.values.effectiveFormat',
      'sheets.data.rowData.values.effectiveFormat(numberFormat,textFormat)',
      'sheets.data.rowData.values.userEnteredFormat.numberFormat',
      'sheets.data.rowData.values.effectiveValue',
      `${MASK},sheets.data.rowData.values.formattedValue`,
      'sheets.data.rowMetadata',
      'sheets.data(*)',
      'sheets(*)',
    ];
    for (const mask of refused) {
      const { status, body } = await get([
        ['ranges', 'Data!A1:B2'],
        ['fields', mask],
      ]);
      expect([status, body], mask).toEqual([
        400,
        {
          error: {
            code: 400,
            message: `sheetpipe emulator does not serve grid data (fields=${mask}); ${SERVES_GRID}`,
            status: 'FAILED_PRECONDITION',
            details: [
              { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'NOT_SERVED_BY_EMULATOR', domain: 'sheetpipe-emulator' },
            ],
          },
        },
      ]);
    }
    const noField = await get([
      ['ranges', 'Data!A1'],
      ['fields', `${MASK}.kind`],
    ]);
    expect([noField.status, noField.body.error.status, noField.body.error.message]).toEqual([
      400,
      'INVALID_ARGUMENT',
      `Error expanding 'fields' parameter. Cannot find matching fields for path '${MASK}.kind'.`,
    ]);
  });
});

describe('--data files typed as Sheets types what is typed into an en_US cell', () => {
  it('dates, date-times, times, durations, percents, dollars and grouped numbers get a format; plain numbers and text none', () => {
    const cases: [string, Cell][] = [
      ['2024-01-05', { value: 45296, formatted: '2024-01-05', format: { type: 'DATE', pattern: 'yyyy-mm-dd' } }],
      ['1/5/2024', { value: 45296, formatted: '1/5/2024', format: { type: 'DATE', pattern: 'M/d/yyyy' } }],
      ['01/05/2024', { value: 45296, formatted: '01/05/2024', format: { type: 'DATE', pattern: 'MM/dd/yyyy' } }],
      [
        '2024-01-05 18:00:00',
        { value: 45296.75, formatted: '2024-01-05 18:00:00', format: { type: 'DATE_TIME', pattern: 'yyyy-mm-dd H:mm:ss' } },
      ],
      [
        '1/5/2024 6:00 PM',
        { value: 45296.75, formatted: '1/5/2024 6:00 PM', format: { type: 'DATE_TIME', pattern: 'M/d/yyyy h:mm am/pm' } },
      ],
      ['18:00:00', { value: 0.75, formatted: '18:00:00', format: { type: 'TIME', pattern: 'H:mm:ss' } }],
      ['08:30', { value: 8.5 / 24, formatted: '08:30', format: { type: 'TIME', pattern: 'HH:mm' } }],
      ['6:00:00 PM', { value: 0.75, formatted: '6:00:00 PM', format: { type: 'TIME', pattern: 'h:mm:ss am/pm' } }],
      ['12:30 AM', { value: 0.5 / 24, formatted: '12:30 AM', format: { type: 'TIME', pattern: 'h:mm am/pm' } }],
      ['36:00:00', { value: 1.5, formatted: '36:00:00', format: { type: 'TIME', pattern: '[h]:mm:ss' } }],
      ['100:30', { value: 100.5 / 24, formatted: '100:30', format: { type: 'TIME', pattern: '[h]:mm' } }],
      ['15%', { value: 0.15, formatted: '15%', format: { type: 'PERCENT', pattern: '0%' } }],
      ['-1.1%', { value: -0.011, formatted: '-1.1%', format: { type: 'PERCENT', pattern: '0.0%' } }],
      ['$1,234.50', { value: 1234.5, formatted: '$1,234.50', format: { type: 'CURRENCY', pattern: '"$"#,##0.00' } }],
      ['-$5', { value: -5, formatted: '-$5', format: { type: 'CURRENCY', pattern: '"$"#,##0' } }],
      ['1,234.5', { value: 1234.5, formatted: '1,234.5', format: { type: 'NUMBER', pattern: '#,##0.0' } }],
      ['1,000,000', { value: 1e6, formatted: '1,000,000', format: { type: 'NUMBER', pattern: '#,##0' } }],
      ['1.5E3', { value: 1500, formatted: '1.5E3', format: { type: 'SCIENTIFIC', pattern: '0.00E+00' } }],
      ['42', 42],
      ['1.50', { value: 1.5, formatted: '1.50' }],
      ['TRUE', true],
      ['', null],
      // Not what Sheets reads as a date, a time or a number: text, as written.
      ['2024-02-30', '2024-02-30'],
      ['13/5/2024', '13/5/2024'],
      ['24:00 PM', '24:00 PM'],
      ['12:60', '12:60'],
      ['2024-01-05 36:00:00', '2024-01-05 36:00:00'],
      ['%', '%'],
      ['$', '$'],
      ['1,23', '1,23'],
      ['02134', { value: 2134, formatted: '02134' }],
    ];
    for (const [text, cell] of cases) expect(typedCell(text), text).toEqual(cell);
  });

  it('a CSV tab answers with those formats, and shows each field as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sheetpipe-formats-'));
    try {
      const file = join(dir, 'us.csv');
      writeFileSync(file, 'day,at,time,took,share,paid,count,name\n1/5/2024,1/5/2024 18:00:00,6:00:00 PM,36:00:00,15%,"$1,234.50",7,Ada\n');
      const csv = await startEmulator({ port: 0, tabs: [await fileTab(file)] });
      try {
        const root = `${csv.url}v4/spreadsheets/${csv.spreadsheetId}`;
        const answer = await json(`${root}?ranges=us&fields=${MASK}&prettyPrint=false`);
        expect(answer.sheets[0].data[0].rowData[1]).toEqual({
          values: [
            f({ type: 'DATE', pattern: 'M/d/yyyy' }),
            f({ type: 'DATE_TIME', pattern: 'M/d/yyyy H:mm:ss' }),
            f({ type: 'TIME', pattern: 'h:mm:ss am/pm' }),
            f({ type: 'TIME', pattern: '[h]:mm:ss' }),
            f({ type: 'PERCENT', pattern: '0%' }),
            f({ type: 'CURRENCY', pattern: '"$"#,##0.00' }),
            {},
            {},
          ],
        });
        const read = async (query: string): Promise<Json> =>
          (await json(`${root}/values/${encodeURIComponent('us!A2:H2')}?prettyPrint=false${query}`)).values[0];
        expect(await read('')).toEqual(['1/5/2024', '1/5/2024 18:00:00', '6:00:00 PM', '36:00:00', '15%', '$1,234.50', '7', 'Ada']);
        expect(await read('&valueRenderOption=UNFORMATTED_VALUE')).toEqual([45296, 45296.75, 0.75, 1.5, 0.15, 1234.5, 7, 'Ada']);
        // dateTimeRenderOption applies to every date, date-time and time cell, durations included.
        expect(await read('&valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=FORMATTED_STRING')).toEqual([
          '1/5/2024',
          '1/5/2024 18:00:00',
          '6:00:00 PM',
          '36:00:00',
          0.15,
          1234.5,
          7,
          'Ada',
        ]);
      } finally {
        await csv.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the demo's formats", () => {
  let demo: Emulator;
  let root: string;
  const read = async (range: string, query = ''): Promise<Json[][]> =>
    (await json(`${root}/values/${encodeURIComponent(range)}?prettyPrint=false${query}`)).values;
  const formatsOf = async (range: string): Promise<Json[]> =>
    (await json(`${root}?ranges=${encodeURIComponent(range)}&fields=${MASK}&prettyPrint=false`)).sheets[0].data[0].rowData;

  beforeAll(async () => {
    demo = await startEmulator({ port: 0 });
    root = `${demo.url}v4/spreadsheets/${demo.spreadsheetId}`;
  });
  afterAll(() => demo.stop());

  it('Deliveries: a US date-time, a US date, a 12-hour time, a duration, a zero-padded ZIP and a percent', async () => {
    expect((await read('Deliveries!A1:H3')).slice(0, 3)).toEqual([
      ['order_id', 'carrier', 'zip', 'surcharge', 'dispatched_at', 'delivered_on', 'delivered_time', 'transit_time'],
      ['11931', 'DHL', '02134', '5%', '12/7/2025 14:00:00', '12/8/2025', '11:00:00 AM', '21:00:00'],
      ['11932', 'UPS', '10001', '0%', '12/9/2025 10:00:00', '12/12/2025', '9:30:00 AM', '71:30:00'],
    ]);
    const [typed = []] = await read('Deliveries!A2:H2', '&valueRenderOption=UNFORMATTED_VALUE');
    expect(typed.slice(0, 4)).toEqual([11931, 'DHL', 2134, 0.05]);
    // Serial numbers: days since 1899-12-30 and the time of day as a fraction, to the second.
    const seconds = (days: number): number => Math.round(days * 86_400);
    expect(typed.slice(4).map(seconds)).toEqual([seconds(45998) + 14 * 3600, seconds(45999), 11 * 3600, 21 * 3600]);
    expect((await formatsOf('Deliveries!A2:H2'))[0]).toEqual({
      values: [
        {},
        {},
        f(ZIP),
        f(PERCENT),
        f({ type: 'DATE_TIME', pattern: 'M/d/yyyy H:mm:ss' }),
        f({ type: 'DATE', pattern: 'M/d/yyyy' }),
        f({ type: 'TIME', pattern: 'h:mm:ss am/pm' }),
        f({ type: 'TIME', pattern: '[h]:mm:ss' }),
      ],
    });
  });

  it('Deliveries: 50 rows; orders in transit end after dispatched_at; every duration is delivery minus dispatch', async () => {
    const shown = await read('Deliveries');
    const serials = await read('Deliveries', '&valueRenderOption=UNFORMATTED_VALUE');
    expect(shown).toHaveLength(51);
    const rows = serials.slice(1);
    const inTransit = rows.filter((row) => row.length === 5);
    expect(inTransit.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.length === 8).length + inTransit.length).toBe(50);
    for (const row of rows.filter((r) => r.length === 8)) {
      const [dispatched, deliveredOn, deliveredAt, transit] = row.slice(4) as number[];
      expect(Math.round(((deliveredOn as number) + (deliveredAt as number) - (dispatched as number)) * 1440)).toBe(
        Math.round((transit as number) * 1440),
      );
    }
    expect(shown.slice(1).some((row) => row[2]?.startsWith('0'))).toBe(true);
    expect(shown.slice(1).some((row) => Number(row[7]?.split(':')[0]) >= 24)).toBe(true);
  });

  it('Orders, Customers and Summary: dates in their DATE format, amounts in CURRENCY, booleans and ids in none', async () => {
    expect((await formatsOf('Orders!A2:I2'))[0]).toEqual({
      values: [{}, f(ISO_DATE_FORMAT), {}, {}, f(CURRENCY), {}, {}, f(ISO_DATE_FORMAT)],
    });
    expect((await formatsOf('Customers!A2:F2'))[0]).toEqual({ values: [{}, {}, {}, {}, f(ISO_DATE_FORMAT), {}] });
    expect((await formatsOf('MonthlyRevenue'))[1]).toEqual({
      values: [f({ type: 'DATE', pattern: 'mmm yyyy' }), {}, f(CURRENCY), f(CURRENCY)],
    });
  });
});
