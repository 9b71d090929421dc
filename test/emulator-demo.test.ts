/**
 * The demo spreadsheet `sheetpipe emulator` serves by default: its tabs, columns and rows (README
 * examples rely on them), how they render under every value and date option, and that its parts
 * agree with each other (customers exist, the summary adds up).
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/shared/errors.js';
import { DEMO_SPREADSHEET_ID, type Emulator, serialToText, serveEmulator, startEmulator } from '../src/emulator/index.js';
import { describeResult, runCli, startEmulatorProcess } from './e2e/harness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers: the assertions check their shape.
type Json = any;

let emu: Emulator;
let base: string;

async function values(range: string, query = ''): Promise<Json[][]> {
  const res = await fetch(`${base}/values/${encodeURIComponent(range)}?prettyPrint=false${query}`);
  expect(res.status, range).toBe(200);
  return ((await res.json()) as Json).values;
}

const UNFORMATTED = '&valueRenderOption=UNFORMATTED_VALUE';
const DATES_AS_TEXT = '&valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=FORMATTED_STRING';

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  base = `${emu.url}v4/spreadsheets/${emu.spreadsheetId}`;
});
afterAll(() => emu.stop());

describe('the demo spreadsheet', () => {
  it('is the default of startEmulator: four tabs, one named range, the demo ID and title', async () => {
    expect(emu.spreadsheetId).toBe(DEMO_SPREADSHEET_ID);
    const meta = (await (await fetch(base)).json()) as Json;
    expect(meta.properties.title).toBe('sheetpipe demo');
    expect(meta.sheets.map((s: Json) => s.properties)).toEqual([
      { sheetId: 0, title: 'Orders', index: 0, sheetType: 'GRID', gridProperties: { rowCount: 2001, columnCount: 26 } },
      { sheetId: expect.any(Number), title: 'Customers', index: 1, sheetType: 'GRID', gridProperties: { rowCount: 1000, columnCount: 26 } },
      { sheetId: expect.any(Number), title: 'Summary', index: 2, sheetType: 'GRID', gridProperties: { rowCount: 1000, columnCount: 26 } },
      {
        sheetId: expect.any(Number),
        title: 'Deliveries',
        index: 3,
        sheetType: 'GRID',
        gridProperties: { rowCount: 1000, columnCount: 26 },
      },
    ]);
    expect(meta.namedRanges).toEqual([
      {
        namedRangeId: expect.any(String),
        name: 'MonthlyRevenue',
        range: { sheetId: meta.sheets[2].properties.sheetId, startRowIndex: 3, endRowIndex: 28, startColumnIndex: 0, endColumnIndex: 4 },
      },
    ]);
  });

  it('Orders: 2,000 orders under a header, formatted as a sheet shows them', async () => {
    const rows = await values('Orders');
    expect(rows).toHaveLength(2001);
    expect(rows.slice(0, 4)).toEqual([
      ['order_id', 'order_date', 'customer_id', 'customer', 'amount', 'paid', 'status', 'shipped_on', 'note'],
      ['10001', '2024-01-01', '253', 'Zoë Thompson', '$872.04', 'TRUE', 'delivered', '2024-01-03'],
      ['10002', '2024-01-01', '13', 'Hedy Hamilton', '$2,125.16', 'TRUE', 'delivered', '2024-01-03'],
      ['10003', '2024-01-01', '82', 'Guido Turing', '$442.06', 'TRUE', 'delivered', '2024-01-02'],
    ]);
    expect(rows[2000]?.[0]).toBe('12000');
    expect(rows[2000]?.[1]).toBe('2025-12-31');
    const data = rows.slice(1);
    for (const row of data) {
      expect(row[1]).toMatch(/^202[45]-\d\d-\d\d$/);
      expect(row[4]).toMatch(/^\$\d{1,3}(,\d{3})*\.\d\d$/);
      expect(['TRUE', 'FALSE']).toContain(row[5]);
      expect(['processing', 'shipped', 'delivered', 'cancelled', 'refunded']).toContain(row[6]);
    }
    // Thousands separators, guest orders (empty cells before later values), unshipped orders.
    expect(data.some((row) => /^\$\d{1,3},\d{3},?/.test(row[4]))).toBe(true);
    expect(data.filter((row) => row[2] === '' && row[3] === '').length).toBeGreaterThan(5);
    expect(data.some((row) => row.length === 7)).toBe(true);
    const notes = data.map((row) => row[8] ?? '');
    expect(notes.some((note) => note.includes(',') && note.includes('"') && note.includes('\n'))).toBe(true);
    expect(notes.filter((note) => note !== '').length).toBeGreaterThan(50);
  });

  it('Orders typed: numbers, booleans and date serials; dates as text with FORMATTED_STRING; the customer as a formula', async () => {
    const typed = await values('Orders!A1:I3', UNFORMATTED);
    expect(typed[1]).toEqual([10001, 45292, 253, 'Zoë Thompson', 872.04, true, 'delivered', 45294]);
    expect(typed[2]).toEqual([10002, 45292, 13, 'Hedy Hamilton', 2125.16, true, 'delivered', 45294]);
    expect((await values('Orders!A2:I2', DATES_AS_TEXT))[0]).toEqual([
      10001,
      '2024-01-01',
      253,
      'Zoë Thompson',
      872.04,
      true,
      'delivered',
      '2024-01-03',
    ]);
    expect((await values('Orders!A2:I2', '&valueRenderOption=FORMULA'))[0]).toEqual([
      10001,
      45292,
      253,
      '=VLOOKUP(C2,Customers!A:B,2,FALSE)',
      872.04,
      true,
      'delivered',
      45294,
    ]);
    // Every date cell's serial and its text agree.
    const serials = await values('Orders!B2:B2001', UNFORMATTED);
    const texts = await values('Orders!B2:B2001');
    serials.forEach((row, i) => expect(serialToText(row[0])).toBe(texts[i]?.[0]));
  });

  it('Customers: 300 customers, some without an email or a country; every order names one of them', async () => {
    const customers = await values('Customers', UNFORMATTED);
    expect(customers[0]).toEqual(['customer_id', 'name', 'email', 'country', 'signup_date', 'newsletter']);
    expect(customers.slice(1, 3)).toEqual([
      [1, 'Ada Lovelace', 'ada.lovelace@example.com', 'United Kingdom', 45157, true],
      [2, 'Alan Torvalds', 'alan.torvalds@example.net', 'Japan', 45191, false],
    ]);
    expect(customers).toHaveLength(301);
    const names = new Map(customers.slice(1).map((row) => [row[0] as number, row[1] as string]));
    expect(new Set(names.values()).size).toBe(300);
    expect(customers.slice(1).some((row) => row[2] === '')).toBe(true);
    expect(customers.slice(1).some((row) => row[3] === '')).toBe(true);
    for (const order of (await values('Orders!C2:D2001', UNFORMATTED)).filter((row) => row.length > 0)) {
      expect(names.get(order[0])).toBe(order[1]);
    }
  });

  it('Summary: a title over empty rows, 24 months and a total that add up to the paid orders', async () => {
    const rows = await values('Summary');
    expect(rows.slice(0, 6)).toEqual([
      ['Monthly revenue from paid orders (USD)'],
      ['Computed from the Orders tab'],
      [],
      ['month', 'paid_orders', 'revenue', 'average_order'],
      ['Jan 2024', '81', '$83,881.48', '$1,035.57'],
      ['Feb 2024', '75', '$107,056.28', '$1,427.42'],
    ]);
    expect(rows[28]).toEqual([]);
    expect(rows[29]).toEqual(['Total', '1911', '$2,765,113.64', '$1,446.95']);
    expect(rows).toHaveLength(30);

    const typed = await values('Summary!A5:D30', DATES_AS_TEXT);
    const months = typed.slice(0, 24);
    expect(months[23]?.[0]).toBe('Dec 2025');
    const orders = (await values('Orders!E2:F2001', UNFORMATTED)).filter((row) => row[1] === true);
    expect(months.reduce((sum, row) => sum + row[1], 0)).toBe(orders.length);
    expect(typed[25]?.[1]).toBe(orders.length);
    const cents = orders.reduce((sum, row) => sum + Math.round(row[0] * 100), 0);
    expect(Math.round(typed[25]?.[2] * 100)).toBe(cents);
    expect((await values('Summary!B5:D5', '&valueRenderOption=FORMULA'))[0]).toEqual([
      '=COUNTIFS(Orders!B:B,">="&A5,Orders!B:B,"<"&EDATE(A5,1),Orders!F:F,TRUE)',
      '=SUMIFS(Orders!E:E,Orders!B:B,">="&A5,Orders!B:B,"<"&EDATE(A5,1),Orders!F:F,TRUE)',
      '=C5/B5',
    ]);
  });

  it('MonthlyRevenue is the summary table: its header and 24 months', async () => {
    const rows = await values('MonthlyRevenue');
    expect(rows).toHaveLength(25);
    expect(rows[0]).toEqual(['month', 'paid_orders', 'revenue', 'average_order']);
  });
});

describe('sheetpipe emulator serves the demo by default', () => {
  it('--cols without --rows is a usage error: the demo tabs have a fixed shape', async () => {
    const attempt = serveEmulator({ port: 0, cols: 4 }, { stdout: new PassThrough(), signal: new AbortController().signal });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow('--cols shapes a generated tab: add --rows N (the demo spreadsheet has fixed tabs)');
  });

  it('--rows serves a generated tab alone, as before', async () => {
    const controller = new AbortController();
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const serving = serveEmulator({ port: 0, rows: 20, cols: 3 }, { stdout, signal: controller.signal });
    for (let i = 0; i < 200 && !text.includes('spreadsheet'); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const endpoint = /^endpoint (\S+)$/m.exec(text)?.[1];
    const meta = (await (await fetch(`${endpoint}v4/spreadsheets/${DEMO_SPREADSHEET_ID}?fields=sheets.properties.title`)).json()) as Json;
    expect(meta.sheets).toEqual([{ properties: { title: 'Generated' } }]);
    controller.abort();
    await serving;
  });

  it("retryAfter adds Retry-After to the quota 429s of the command, whose default is the API's (none)", async () => {
    for (const retryAfter of [undefined, true]) {
      const controller = new AbortController();
      const stdout = new PassThrough();
      let text = '';
      stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const serving = serveEmulator({ port: 0, maxRpm: 1, retryAfter }, { stdout, signal: controller.signal });
      for (let i = 0; i < 200 && !text.includes('spreadsheet'); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      const url = `${/^endpoint (\S+)$/m.exec(text)?.[1]}v4/spreadsheets/${DEMO_SPREADSHEET_ID}`;
      expect((await fetch(url)).status).toBe(200);
      const limited = await fetch(url);
      expect(limited.status).toBe(429);
      expect(limited.headers.has('retry-after'), String(retryAfter)).toBe(retryAfter === true);
      controller.abort();
      await serving;
    }
  });

  it('through the CLI: exports of Orders and Customers, and one stderr line per refused request', async () => {
    const server = await startEmulatorProcess([]);
    try {
      const args = ['--endpoint', server.endpoint, server.spreadsheet, '--max-rpm', '0', '-q'];
      const csv = await runCli([...args, 'Orders']);
      expect(csv.code, describeResult(csv)).toBe(0);
      expect(csv.stdout.split('\n').slice(0, 3)).toEqual([
        'order_id,order_date,customer_id,customer,amount,paid,status,shipped_on,note',
        '10001,2024-01-01,253,Zoë Thompson,$872.04,TRUE,delivered,2024-01-03,',
        '10002,2024-01-01,13,Hedy Hamilton,"$2,125.16",TRUE,delivered,2024-01-03,',
      ]);
      const typed = await runCli([...args, 'Customers', '-f', 'ndjson', '--render', 'unformatted', '--dates', 'string']);
      expect(typed.code, describeResult(typed)).toBe(0);
      const lines = typed.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(300);
      expect(JSON.parse(lines[0] ?? '')).toEqual({
        customer_id: 1,
        name: 'Ada Lovelace',
        email: 'ada.lovelace@example.com',
        country: 'United Kingdom',
        signup_date: '2023-08-19',
        newsletter: true,
      });
      expect(server.stderr()).toBe('');
      const refused = await fetch(`${server.endpoint}v4/spreadsheets/${server.spreadsheet}?includeGridData=true`);
      expect(refused.status).toBe(400);
      await refused.arrayBuffer();
      for (let i = 0; i < 100 && server.stderr() === ''; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(server.stderr()).toBe(
        `sheetpipe emulator: refused GET /v4/spreadsheets/${server.spreadsheet}?includeGridData=true: sheetpipe emulator does not serve grid data (includeGridData=true); it serves metadata, values (read cells with spreadsheets.values.get or values:batchGet) and cells' number formats (fields=sheets.data.rowData.values.effectiveFormat.numberFormat)\n`,
      );
    } finally {
      await server.stop();
    }
  });
});
