import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/shared/errors.js';
import {
  type Cell,
  chartTab,
  dateToSerial,
  DEMO_SPREADSHEET_ID,
  type Emulator,
  type EmulatorOptions,
  fileTab,
  generatedTab,
  memoryTab,
  serveEmulator,
  startEmulator,
} from '../src/emulator/index.js';

const MARCH_5_2024 = dateToSerial(2024, 3, 5);

/** Sheet1 holds every trimming case: interior empty row, trailing empty cells and rows, a leading gap. */
const SHEET1_ROWS: Cell[][] = [
  ['name', 'qty', 'price', 'when', 'ok'],
  [
    'apple',
    3,
    { value: 1.5, formatted: '$1.50' },
    { value: MARCH_5_2024, formatted: '3/5/2024', format: { type: 'DATE', pattern: 'M/d/yyyy' } },
    true,
  ],
  [],
  ['pear', '', null, '', ''],
  [null, 7],
  ['sum', { value: 10, formula: '=SUM(B2:B5)' }],
  [],
  [null, ''],
];

function fixtureOptions(): EmulatorOptions {
  return {
    port: 0,
    title: 'Fixture',
    tabs: [
      memoryTab({ title: 'Sheet1', rows: SHEET1_ROWS }),
      memoryTab({ title: 'My Tab', rows: [['a', 'b', 'c'], ['d']], gridRows: 10, gridCols: 4, sheetId: 77 }),
      memoryTab({ title: 'Empty', rows: [] }),
      memoryTab({ title: 'Q1', rows: [['cell-like title']] }),
      chartTab('Chart', 99),
    ],
    namedRanges: [
      { name: 'Prices', range: 'Sheet1!A1:C3' },
      { name: 'Cols', range: "'My Tab'!B:C" },
    ],
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers: the assertions check their shape.
type Json = any;

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  complete: boolean;
  error?: Error;
}

/** A GET through node:http that reports exactly what came over the wire, broken or not. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve) => {
    const req = httpGet(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let error: Error | undefined;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (e) => {
        error = e;
      });
      res.on('close', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete, error }),
      );
    });
    req.on('error', (error) => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), complete: false, error }));
  });
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Json }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function withEmulator<T>(options: EmulatorOptions, run: (emu: Emulator, base: string) => Promise<T>): Promise<T> {
  const emu = await startEmulator({ port: 0, ...options });
  try {
    return await run(emu, `${emu.url}v4/spreadsheets/${emu.spreadsheetId}`);
  } finally {
    await emu.stop();
  }
}

describe('emulator API semantics', () => {
  let emu: Emulator;
  let base: string;
  const values = (range: string, query = ''): string => `${base}/values/${encodeURIComponent(range)}${query ? `?${query}` : ''}`;

  beforeAll(async () => {
    emu = await startEmulator(fixtureOptions());
    base = `${emu.url}v4/spreadsheets/${emu.spreadsheetId}`;
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('listens on loopback and answers to the demo spreadsheet ID by default', () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(emu.spreadsheetId).toBe(DEMO_SPREADSHEET_ID);
    expect(DEMO_SPREADSHEET_ID).toMatch(/^[A-Za-z0-9_-]{8,200}$/);
  });

  it('spreadsheets.get describes tabs, grid sizes and named ranges like the API', async () => {
    const { status, headers, body } = await getJson(base);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(body.spreadsheetId).toBe(DEMO_SPREADSHEET_ID);
    expect(body.properties.title).toBe('Fixture');
    expect(body.sheets.map((s: Json) => s.properties)).toEqual([
      { sheetId: 0, title: 'Sheet1', index: 0, sheetType: 'GRID', gridProperties: { rowCount: 1000, columnCount: 26 } },
      { sheetId: 77, title: 'My Tab', index: 1, sheetType: 'GRID', gridProperties: { rowCount: 10, columnCount: 4 } },
      expect.objectContaining({ title: 'Empty', index: 2, sheetType: 'GRID' }),
      expect.objectContaining({ title: 'Q1', index: 3 }),
      { sheetId: 99, title: 'Chart', index: 4, sheetType: 'OBJECT' },
    ]);
    // As the real API does: sheetId 0 is left out of a GridRange, unbounded ends are absent.
    expect(body.namedRanges).toEqual([
      {
        namedRangeId: expect.any(String),
        name: 'Prices',
        range: { startRowIndex: 0, endRowIndex: 3, startColumnIndex: 0, endColumnIndex: 3 },
      },
      { namedRangeId: expect.any(String), name: 'Cols', range: { sheetId: 77, startColumnIndex: 1, endColumnIndex: 3 } },
    ]);
  });

  it('spreadsheets.get honours a fields mask', async () => {
    const mask = 'sheets.properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount)),namedRanges(name,range)';
    const { body } = await getJson(`${base}?fields=${encodeURIComponent(mask)}`);
    expect(Object.keys(body)).toEqual(['sheets', 'namedRanges']);
    expect(body.sheets[1]).toEqual({
      properties: { sheetId: 77, title: 'My Tab', index: 1, sheetType: 'GRID', gridProperties: { rowCount: 10, columnCount: 4 } },
    });
    expect(body.namedRanges[0]).toEqual({
      name: 'Prices',
      range: { startRowIndex: 0, endRowIndex: 3, startColumnIndex: 0, endColumnIndex: 3 },
    });

    expect((await getJson(`${base}?fields=properties.title`)).body).toEqual({ properties: { title: 'Fixture' } });
    expect((await getJson(`${base}?fields=sheets/properties/title`)).body.sheets[0]).toEqual({ properties: { title: 'Sheet1' } });
    // `*` selects every field held at its level.
    const star = (await getJson(`${base}?fields=${encodeURIComponent('properties(*)')}`)).body;
    expect(star).toEqual({ properties: (await getJson(base)).body.properties });
  });

  it('a malformed fields mask is a 400', async () => {
    for (const mask of ['sheets(properties', 'sheets..title', 'a,,b', 'sheets properties']) {
      const { status, body } = await getJson(`${base}?fields=${encodeURIComponent(mask)}`);
      expect(status, mask).toBe(400);
      expect(body.error.status).toBe('INVALID_ARGUMENT');
    }
  });

  it('values.get drops trailing empty rows and cells, keeps interior [] and "" before a value', async () => {
    const { status, body } = await getJson(values('Sheet1'));
    expect(status).toBe(200);
    expect(body).toEqual({
      range: 'Sheet1!A1:Z1000',
      majorDimension: 'ROWS',
      values: [['name', 'qty', 'price', 'when', 'ok'], ['apple', '3', '$1.50', '3/5/2024', 'TRUE'], [], ['pear'], ['', '7'], ['sum', '10']],
    });
  });

  it('values start at the requested first row, which may be an empty one', async () => {
    const { body } = await getJson(values('Sheet1!A3:B5'));
    expect(body).toEqual({ range: 'Sheet1!A3:B5', majorDimension: 'ROWS', values: [[], ['pear'], ['', '7']] });
  });

  it('an all-empty range answers 200 with no values key', async () => {
    for (const range of ['Empty!A1:C3', 'Sheet1!A900:B950', 'Sheet1!F1:G3']) {
      const { status, body } = await getJson(values(range));
      expect(status, range).toBe(200);
      expect(body, range).not.toHaveProperty('values');
      expect(body.majorDimension).toBe('ROWS');
    }
  });

  it('the answer range is the request normalised and clipped to the grid, tab quoted only when needed', async () => {
    const cases: [string, string][] = [
      ['Sheet1!A1:AZ5000', 'Sheet1!A1:Z1000'],
      ['sheet1!b2:c3', 'Sheet1!B2:C3'],
      ['Sheet1!C3:A1', 'Sheet1!A1:C3'],
      ['Sheet1!B:C', 'Sheet1!B1:C1000'],
      ['Sheet1!5:6', 'Sheet1!A5:Z6'],
      ['Sheet1!A2:B', 'Sheet1!A2:B1000'],
      ['Sheet1!B2', 'Sheet1!B2'],
      ['A1:B2', 'Sheet1!A1:B2'],
      ["'My Tab'!B2:ZZ99", "'My Tab'!B2:D10"],
      ["'My Tab'!A5:A50", "'My Tab'!A5:A10"],
      ["'Q1'!A1", "'Q1'!A1"],
      // A title shaped like a cell must be quoted: bare, it is the cell Q1 of the first tab.
      ['Q1', 'Sheet1!Q1'],
    ];
    for (const [asked, answered] of cases) {
      const { status, body } = await getJson(values(asked));
      expect(status, asked).toBe(200);
      expect(body.range, asked).toBe(answered);
    }
  });

  it('a range that starts past the grid is a 400 "exceeds grid limits"', async () => {
    const rows = await getJson(values('Sheet1!A2000:B2100'));
    expect(rows.status).toBe(400);
    expect(rows.body).toEqual({
      error: {
        code: 400,
        message: "Range ('Sheet1'!A2000:B2100) exceeds grid limits. Max rows: 1000, max columns: 26",
        status: 'INVALID_ARGUMENT',
      },
    });
    const cols = await getJson(values("'My Tab'!E1:F2"));
    expect(cols.status).toBe(400);
    expect(cols.body.error.message).toBe("Range ('My Tab'!E1:F2) exceeds grid limits. Max rows: 10, max columns: 4");
  });

  it('an unknown tab, unknown name or malformed range is a 400 "Unable to parse range"', async () => {
    for (const range of ['Nope!A1:B2', 'Nope', 'A1:B2:C3', "'Open!A1", 'Chart!A1:B2']) {
      const { status, headers, body } = await getJson(values(range));
      expect(status, range).toBe(400);
      expect(headers.get('content-type')).toBe('application/json; charset=UTF-8');
      expect(body, range).toEqual({ error: { code: 400, message: `Unable to parse range: ${range}`, status: 'INVALID_ARGUMENT' } });
    }
  });

  it('an unknown spreadsheet is a 404 NOT_FOUND', async () => {
    for (const url of [`${emu.url}v4/spreadsheets/someOtherId123`, `${emu.url}v4/spreadsheets/someOtherId123/values/A1`]) {
      const { status, body } = await getJson(url);
      expect(status).toBe(404);
      expect(body).toEqual({ error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
    }
  });

  it('FORMATTED_VALUE (the default) gives strings; dateTimeRenderOption is ignored there', async () => {
    const expected = [['apple', '3', '$1.50', '3/5/2024', 'TRUE']];
    expect((await getJson(values('Sheet1!A2:E2', 'valueRenderOption=FORMATTED_VALUE'))).body.values).toEqual(expected);
    expect((await getJson(values('Sheet1!A2:E2', 'dateTimeRenderOption=FORMATTED_STRING'))).body.values).toEqual(expected);
  });

  it('UNFORMATTED_VALUE gives numbers and booleans; dates as serial numbers or formatted strings', async () => {
    const serial = await getJson(values('Sheet1!A2:E2', 'valueRenderOption=UNFORMATTED_VALUE'));
    expect(serial.body.values).toEqual([['apple', 3, 1.5, 45356, true]]);
    const text = await getJson(values('Sheet1!A2:E2', 'valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=FORMATTED_STRING'));
    expect(text.body.values).toEqual([['apple', 3, 1.5, '3/5/2024', true]]);
  });

  it('FORMULA gives the formula where there is one, else the unformatted value, dates as dateTimeRenderOption asks', async () => {
    const serial = await getJson(values('Sheet1!A2:E6', 'valueRenderOption=FORMULA'));
    expect(serial.body.values).toEqual([['apple', 3, 1.5, 45356, true], [], ['pear'], ['', 7], ['sum', '=SUM(B2:B5)']]);
    const text = await getJson(values('Sheet1!A2:E6', 'valueRenderOption=FORMULA&dateTimeRenderOption=FORMATTED_STRING'));
    expect(text.body.values).toEqual([['apple', 3, 1.5, '3/5/2024', true], [], ['pear'], ['', 7], ['sum', '=SUM(B2:B5)']]);
  });

  it('majorDimension COLUMNS transposes, with the same trimming per column', async () => {
    const { body } = await getJson(values('Sheet1!A1:C5', 'majorDimension=COLUMNS'));
    expect(body).toEqual({
      range: 'Sheet1!A1:C5',
      majorDimension: 'COLUMNS',
      values: [
        ['name', 'apple', '', 'pear'],
        ['qty', '3', '', '', '7'],
        ['price', '$1.50'],
      ],
    });
  });

  it('an invalid enum value or an unknown parameter is a 400 INVALID_ARGUMENT', async () => {
    const bad = await getJson(values('Sheet1!A1', 'valueRenderOption=RAW'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.status).toBe('INVALID_ARGUMENT');
    expect(bad.body.error.message).toContain('value_render_option');
    expect(bad.body.error.details[0]['@type']).toBe('type.googleapis.com/google.rpc.BadRequest');
    for (const query of ['dateTimeRenderOption=SERIAL', 'majorDimension=DIAGONAL', 'bogus=1']) {
      expect((await getJson(values('Sheet1!A1', query))).status, query).toBe(400);
    }
    // System parameters are accepted.
    expect((await getJson(values('Sheet1!A1', 'key=abc&alt=json&prettyPrint=false&quotaUser=x'))).status).toBe(200);
  });

  it('a named range is found by name in values.get', async () => {
    const prices = await getJson(values('Prices'));
    expect(prices.body).toEqual({
      range: 'Sheet1!A1:C3',
      majorDimension: 'ROWS',
      values: [
        ['name', 'qty', 'price'],
        ['apple', '3', '$1.50'],
      ],
    });
    const cols = await getJson(values('cols'));
    expect(cols.body).toEqual({ range: "'My Tab'!B1:C10", majorDimension: 'ROWS', values: [['b', 'c']] });
  });

  it('decodes ranges whatever the client encodes: quotes, !, : and spaces', async () => {
    const encoded = `${base}/values/%27My%20Tab%27%21A1%3AB2`;
    expect((await getJson(encoded)).body.range).toBe("'My Tab'!A1:B2");
    const plain = `${base}/values/Sheet1!A1:B2`;
    expect((await getJson(plain)).body.range).toBe('Sheet1!A1:B2');
    const colon = `${base}/values%3AbatchGet?ranges=A1`;
    expect((await getJson(colon)).body.valueRanges[0].range).toBe('Sheet1!A1');
  });

  it('batchGet answers each range in order; one bad range fails the whole request', async () => {
    const ok = await getJson(
      `${base}/values:batchGet?ranges=${encodeURIComponent('Sheet1!A1:B2')}&ranges=Prices&ranges=Empty&valueRenderOption=UNFORMATTED_VALUE`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      spreadsheetId: DEMO_SPREADSHEET_ID,
      valueRanges: [
        {
          range: 'Sheet1!A1:B2',
          majorDimension: 'ROWS',
          values: [
            ['name', 'qty'],
            ['apple', 3],
          ],
        },
        {
          range: 'Sheet1!A1:C3',
          majorDimension: 'ROWS',
          values: [
            ['name', 'qty', 'price'],
            ['apple', 3, 1.5],
          ],
        },
        { range: 'Empty!A1:Z1000', majorDimension: 'ROWS' },
      ],
    });
    const bad = await getJson(`${base}/values:batchGet?ranges=Sheet1!A1&ranges=Nope!A1`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('Unable to parse range: Nope!A1');
  });

  it('a values answer honours a fields mask too', async () => {
    expect((await getJson(values('Sheet1!A1:A2', 'fields=values'))).body).toEqual({ values: [['name'], ['apple']] });
    const batch = await getJson(`${base}/values:batchGet?ranges=A1&fields=${encodeURIComponent('valueRanges(range)')}`);
    expect(batch.body).toEqual({ valueRanges: [{ range: 'Sheet1!A1' }] });
  });

  it('gzips the body when Accept-Encoding allows it', async () => {
    const res = await fetch(values('Sheet1'), { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    expect(((await res.json()) as Json).values[0]).toEqual(['name', 'qty', 'price', 'when', 'ok']);

    const raw = await rawGet(values('Sheet1'), { 'accept-encoding': 'gzip, deflate' });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect([...raw.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const plain = await rawGet(values('Sheet1'));
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(raw.body).toString('utf8')).toBe(plain.body.toString('utf8'));
    const refused = await rawGet(values('Sheet1'), { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });
});

describe('emulator stats', () => {
  it('counts requests by kind and status, and lists values ranges in arrival order', async () => {
    await withEmulator(fixtureOptions(), async (emu, base) => {
      await fetch(base).then((r) => r.arrayBuffer());
      await fetch(`${base}/values/Sheet1!A1`).then((r) => r.arrayBuffer());
      await fetch(`${base}/values:batchGet?ranges=A1:B2&ranges=Prices`).then((r) => r.arrayBuffer());
      await fetch(`${base}/values/Nope!A1`).then((r) => r.arrayBuffer());
      const stats = (await (await fetch(`${emu.url}_emulator/stats`)).json()) as Json;
      expect(stats).toMatchObject({
        requests: 4,
        metadata: 1,
        values: 3,
        byStatus: { 200: 3, 400: 1 },
        rateLimited: 0,
        unavailable: 0,
        inFlight: 0,
        maxInFlight: 1,
        recentRanges: ['Sheet1!A1', 'A1:B2', 'Prices', 'Nope!A1'],
      });
      expect(stats.bytesSent).toBeGreaterThan(0);
      expect(emu.stats()).toEqual(stats);
    });
  });

  it('tracks requests in flight at once', async () => {
    await withEmulator({ ...fixtureOptions(), latencyMs: 60 }, async (emu, base) => {
      await Promise.all([1, 2, 3].map(() => fetch(`${base}/values/A1`).then((r) => r.arrayBuffer())));
      expect(emu.stats().maxInFlight).toBe(3);
      expect(emu.stats().inFlight).toBe(0);
    });
  });
});

describe('emulator quota, failures and latency', () => {
  it('beyond maxRpm answers 429 RESOURCE_EXHAUSTED like the API, without Retry-After; metadata counts too', async () => {
    await withEmulator({ ...fixtureOptions(), maxRpm: 2 }, async (emu, base) => {
      expect((await fetch(base)).status).toBe(200);
      expect((await fetch(`${base}/values/A1`)).status).toBe(200);
      const res = await fetch(`${base}/values/A1`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBeNull();
      const body = (await res.json()) as Json;
      expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
      expect(body.error.details).toHaveLength(1);
      expect(body.error.details[0]).toMatchObject({ reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' });
      expect(emu.stats().rateLimited).toBe(1);
    });
  });

  it('with quotaRetryAfter, the quota 429 carries Retry-After: the seconds until the window frees a request', async () => {
    await withEmulator({ ...fixtureOptions(), maxRpm: 2, quotaRetryAfter: true }, async (emu, base) => {
      expect((await fetch(base)).status).toBe(200);
      expect((await fetch(`${base}/values/A1`)).status).toBe(200);
      const res = await fetch(`${base}/values/A1`);
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const body = (await res.json()) as Json;
      expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
      expect(body.error.details[0]).toMatchObject({ reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' });
      expect(emu.stats().rateLimited).toBe(1);
    });
  });

  it('the quota frees up as the window slides', async () => {
    await withEmulator({ ...fixtureOptions(), maxRpm: 1, quotaWindowMs: 150 }, async (_emu, base) => {
      expect((await fetch(`${base}/values/A1`)).status).toBe(200);
      expect((await fetch(`${base}/values/A1`)).status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await fetch(`${base}/values/A1`)).status).toBe(200);
    });
  });

  it('failRate 1 answers every values request 503 UNAVAILABLE, metadata still 200', async () => {
    await withEmulator({ ...fixtureOptions(), failRate: 1 }, async (emu, base) => {
      const { status, body } = await getJson(`${base}/values/A1`);
      expect(status).toBe(503);
      expect(body).toEqual({ error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } });
      expect((await fetch(base)).status).toBe(200);
      expect(emu.stats().unavailable).toBe(1);
    });
  });

  it('adds latency to every API answer', async () => {
    await withEmulator({ ...fixtureOptions(), latencyMs: 150, jitterMs: 20 }, async (_emu, base) => {
      const started = performance.now();
      await fetch(`${base}/values/A1`).then((r) => r.arrayBuffer());
      expect(performance.now() - started).toBeGreaterThanOrEqual(125);
    });
  });

  it('stop() ends requests still waiting out their latency', async () => {
    const emu = await startEmulator({ ...fixtureOptions(), latencyMs: 60_000 });
    const pending = fetch(`${emu.url}v4/spreadsheets/${emu.spreadsheetId}/values/A1`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emu.stats().inFlight).toBe(1);
    await emu.stop();
    await expect(pending).rejects.toThrow();
  });

  it('rejects bad options with UsageError', async () => {
    const bad: EmulatorOptions[] = [
      { failRate: 2 },
      { latencyMs: -1 },
      { maxRpm: 0 },
      { port: 70_000 },
      { spreadsheetId: 'no spaces here' },
    ];
    for (const options of bad) await expect(startEmulator({ ...options, port: options.port ?? 0 })).rejects.toBeInstanceOf(UsageError);
    await expect(startEmulator({ port: 0, faults: [{ fault: 'status', status: 200 }] })).rejects.toBeInstanceOf(UsageError);
    await expect(startEmulator({ port: 0, namedRanges: [{ name: 'A1', range: 'A1:B2' }] })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('emulator faults', () => {
  const A1 = (base: string, range = 'A1'): string => `${base}/values/${encodeURIComponent(range)}`;

  it('status: the chosen requests get an API error with Retry-After', async () => {
    const options = { ...fixtureOptions(), faults: [{ match: { requests: [2] }, fault: 'status' as const, status: 500, retryAfter: 7 }] };
    await withEmulator(options, async (emu, base) => {
      expect((await fetch(A1(base))).status).toBe(200);
      const failed = await getJson(A1(base));
      expect(failed.status).toBe(500);
      expect(failed.headers.get('retry-after')).toBe('7');
      expect(failed.body).toEqual({ error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } });
      expect((await fetch(A1(base))).status).toBe(200);
      expect(emu.stats().faults).toEqual({ status: 1 });
    });
  });

  it('status 429 carries RATE_LIMIT_EXCEEDED and an HTTP-date Retry-After as given', async () => {
    const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
    await withEmulator({ ...fixtureOptions(), faults: [{ fault: 'status', status: 429, retryAfter: date }] }, async (_emu, base) => {
      const { status, headers, body } = await getJson(A1(base));
      expect(status).toBe(429);
      expect(headers.get('retry-after')).toBe(date);
      expect(body.error.details[0].reason).toBe('RATE_LIMIT_EXCEEDED');
    });
  });

  it('match.range, every, times, probability and target pick the requests', async () => {
    const options: EmulatorOptions = {
      ...fixtureOptions(),
      faults: [
        { match: { range: 'My Tab' }, fault: 'status', status: 502 },
        { match: { every: 2, times: 1 }, fault: 'status', status: 504 },
        { match: { probability: 0 }, fault: 'status', status: 500 },
        { match: { target: 'metadata', requests: [1] }, fault: 'status', status: 503 },
      ],
    };
    await withEmulator(options, async (_emu, base) => {
      expect((await fetch(A1(base, "'My Tab'!A1"))).status).toBe(502); // values #1
      expect((await fetch(A1(base))).status).toBe(504); // values #2: every 2nd, once
      expect((await fetch(A1(base))).status).toBe(200); // #3
      expect((await fetch(A1(base))).status).toBe(200); // #4: times spent
      expect((await fetch(base)).status).toBe(503); // metadata #1
      expect((await fetch(base)).status).toBe(200);
    });
  });

  it('hang: no answer until the client gives up', async () => {
    await withEmulator({ ...fixtureOptions(), faults: [{ match: { times: 1 }, fault: 'hang' }] }, async (emu, base) => {
      await expect(fetch(A1(base), { signal: AbortSignal.timeout(150) })).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(emu.stats().inFlight).toBe(0);
      expect((await fetch(A1(base))).status).toBe(200);
    });
  });

  it('hang: stop() still closes promptly', async () => {
    const emu = await startEmulator({ ...fixtureOptions(), faults: [{ fault: 'hang' }] });
    const pending = fetch(`${emu.url}v4/spreadsheets/${emu.spreadsheetId}/values/A1`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await emu.stop();
    await expect(pending).rejects.toThrow();
  });

  it('truncate: half the promised body, then the connection closes', async () => {
    await withEmulator({ ...fixtureOptions(), faults: [{ fault: 'truncate' }] }, async (_emu, base) => {
      const raw = await rawGet(A1(base, 'Sheet1'));
      expect(raw.status).toBe(200);
      expect(raw.complete).toBe(false);
      expect(raw.body.length).toBeGreaterThan(0);
      expect(raw.body.length).toBeLessThan(Number(raw.headers['content-length']));
      const res = await fetch(A1(base, 'Sheet1'));
      await expect(res.text()).rejects.toThrow();
    });
  });

  it('reset: the connection is reset mid-body', async () => {
    await withEmulator({ ...fixtureOptions(), faults: [{ fault: 'reset' }] }, async (_emu, base) => {
      const raw = await rawGet(A1(base, 'Sheet1'));
      expect(raw.complete).toBe(false);
      expect(raw.error).toBeDefined();
      expect(raw.body.length).toBeLessThan(Number(raw.headers['content-length'] ?? 1));
    });
  });

  it('html: 200 with an HTML page', async () => {
    await withEmulator({ ...fixtureOptions(), faults: [{ fault: 'html' }] }, async (_emu, base) => {
      const res = await fetch(A1(base));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
    });
  });

  it('no-values-garbage: 200 JSON without range or values', async () => {
    await withEmulator({ ...fixtureOptions(), faults: [{ fault: 'no-values-garbage' }] }, async (_emu, base) => {
      const { status, body } = await getJson(A1(base, 'Sheet1'));
      expect(status).toBe(200);
      expect(body).not.toHaveProperty('values');
      expect(body).not.toHaveProperty('range');
    });
  });

  it('bad-row: 200 JSON with a row that is not an array', async () => {
    await withEmulator({ ...fixtureOptions(), faults: [{ fault: 'bad-row' }] }, async (_emu, base) => {
      const { status, body } = await getJson(A1(base, 'Sheet1!A1:B2'));
      expect(status).toBe(200);
      expect(body.range).toBe('Sheet1!A1:B2');
      expect(body.values.some((row: unknown) => !Array.isArray(row))).toBe(true);
      const batch = await getJson(`${base}/values:batchGet?ranges=A1`);
      expect(batch.body.valueRanges[0].values.some((row: unknown) => !Array.isArray(row))).toBe(true);
    });
  });
});

describe('emulator faults that spoil the shape', () => {
  const A1 = (base: string, range = 'A1'): string => `${base}/values/${encodeURIComponent(range)}`;

  it('columns: 200 JSON in column-major order whatever was asked', async () => {
    await withEmulator({ ...fixtureOptions(), faults: [{ fault: 'columns' }] }, async (_emu, base) => {
      const rows = (await getJson(A1(base, 'Sheet1!A1:B2'))).body;
      expect(rows.majorDimension).toBe('COLUMNS');
      expect(rows.range).toBe('Sheet1!A1:B2');
      const batch = await getJson(`${base}/values:batchGet?ranges=${encodeURIComponent('Sheet1!A1:B2')}`);
      expect(batch.body.valueRanges[0]).toEqual(rows);
    });
    await withEmulator(fixtureOptions(), async (_emu, base) => {
      const columns = (await getJson(`${A1(base, 'Sheet1!A1:B2')}?majorDimension=COLUMNS`)).body;
      await withEmulator({ ...fixtureOptions(), faults: [{ fault: 'columns' }] }, async (_other, spoilt) => {
        expect((await getJson(A1(spoilt, 'Sheet1!A1:B2'))).body).toEqual(columns);
      });
    });
  });

  it('trailing-bytes: the right answer, then more JSON', async () => {
    await withEmulator({ ...fixtureOptions(), faults: [{ fault: 'trailing-bytes' }] }, async (_emu, base) => {
      const res = await fetch(`${A1(base, 'Sheet1!A1:B2')}?prettyPrint=false`);
      expect(res.status).toBe(200);
      const text = await res.text();
      await withEmulator(fixtureOptions(), async (_other, clean) => {
        const right = await (await fetch(`${A1(clean, 'Sheet1!A1:B2')}?prettyPrint=false`)).text();
        expect(text.startsWith(right)).toBe(true);
        expect(text.length).toBeGreaterThan(right.length);
      });
    });
  });
});

describe('emulator generated tabs', () => {
  it('the same seed serves the same bytes, another seed other bytes', async () => {
    const tabs = [
      generatedTab({ title: 'A', rows: 3000, cols: 12, seed: 7 }),
      generatedTab({ title: 'B', rows: 3000, cols: 12, seed: 7 }),
      generatedTab({ title: 'C', rows: 3000, cols: 12, seed: 8 }),
    ];
    await withEmulator({ tabs }, async (_emu, base) => {
      const body = async (tab: string): Promise<string> =>
        JSON.stringify((await getJson(`${base}/values/${tab}!A1:L3000?valueRenderOption=UNFORMATTED_VALUE`)).body.values);
      const [a, b, c] = await Promise.all(['A', 'B', 'C'].map(body));
      expect(a).toBe(b);
      expect(a).not.toBe(c);
    });
  });

  it('is lazy: a 1,000,000 × 10 tab starts at once and serves a range far down', async () => {
    await withEmulator({ tabs: [generatedTab({ rows: 1_000_000, cols: 10, seed: 3 })] }, async (_emu, base) => {
      const meta = await getJson(`${base}?fields=sheets.properties.gridProperties`);
      expect(meta.body.sheets[0].properties.gridProperties).toEqual({ rowCount: 1_000_000, columnCount: 10 });
      const { body } = await getJson(
        `${base}/values/${encodeURIComponent('Generated!A999996:J1000100')}?valueRenderOption=UNFORMATTED_VALUE`,
      );
      expect(body.range).toBe('Generated!A999996:J1000000');
      const ids = body.values.filter((row: unknown[]) => row.length > 0).map((row: unknown[]) => row[0]);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(id).toBeGreaterThanOrEqual(999_995);
    });
  });

  it('has a header, typed data, awkward notes, trailing empties and rare empty rows', async () => {
    await withEmulator({ tabs: [generatedTab({ rows: 5001, cols: 12, seed: 1 })] }, async (_emu, base) => {
      const formatted = (await getJson(`${base}/values/Generated`)).body.values as string[][];
      const typed = (await getJson(`${base}/values/Generated?valueRenderOption=UNFORMATTED_VALUE`)).body.values as unknown[][];
      expect(formatted[0]).toEqual([
        'id',
        'name',
        'email',
        'city',
        'amount',
        'date',
        'qty',
        'active',
        'note',
        'col_10',
        'col_11',
        'col_12',
      ]);
      const data = formatted.slice(1).filter((row) => row.length >= 9);
      expect(data.length).toBeGreaterThan(4000);
      const row = typed.slice(1).find((r) => r.length === 12 && r.every((v) => v !== '')) as unknown[];
      expect(row).toBeDefined();
      expect(typeof row[0]).toBe('number');
      expect(typeof row[4]).toBe('number');
      expect(typeof row[5]).toBe('number');
      expect(typeof row[7]).toBe('boolean');
      for (const r of data) {
        if (r[4]) expect(r[4]).toMatch(/^-?\d{1,3}(,\d{3})*\.\d\d$/);
        if (r[5]) expect(r[5]).toMatch(/^\d{4}-\d\d-\d\d$/);
      }
      const notes = formatted.map((r) => r[8] ?? '');
      expect(notes.some((n) => n.includes(','))).toBe(true);
      expect(notes.some((n) => n.includes('"'))).toBe(true);
      expect(notes.some((n) => n.includes('\n'))).toBe(true);
      expect(notes.some((n) => [...n].some((ch) => ch.charCodeAt(0) > 127))).toBe(true);
      expect(formatted.slice(1).some((r) => r.length === 0)).toBe(true);
      expect(formatted.slice(1).some((r) => r.length > 0 && r.length < 12)).toBe(true);
    });
  });
});

describe('emulator file tabs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sheetpipe-emulator-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a CSV file as a tab named after it, typed like Sheets', async () => {
    const path = join(dir, 'orders.csv');
    writeFileSync(
      path,
      'id,item,price,paid,when\r\n1,"Widget, large",1.50,TRUE,2024-03-05\r\n2,"say ""hi""\nthere",,false,\r\n\r\n3,,"1,234.5"\r\n',
    );
    const tab = await fileTab(path);
    expect(tab.title).toBe('orders');
    await withEmulator({ tabs: [tab] }, async (_emu, base) => {
      const formatted = await getJson(`${base}/values/orders`);
      expect(formatted.body).toEqual({
        range: 'orders!A1:Z1000',
        majorDimension: 'ROWS',
        values: [
          ['id', 'item', 'price', 'paid', 'when'],
          ['1', 'Widget, large', '1.50', 'TRUE', '2024-03-05'],
          ['2', 'say "hi"\nthere', '', 'FALSE'],
          [],
          ['3', '', '1,234.5'],
        ],
      });
      const typed = await getJson(`${base}/values/orders?valueRenderOption=UNFORMATTED_VALUE`);
      expect(typed.body.values[1]).toEqual([1, 'Widget, large', 1.5, true, 45356]);
      expect(typed.body.values[4]).toEqual([3, '', 1234.5]);
    });
  });

  it('serves a TSV file with its escapes', async () => {
    const path = join(dir, 'notes.tsv');
    writeFileSync(path, 'key\tvalue\nk1\tline\\nbreak\tx\nk2\ttab\\there\\\\\n');
    const tab = await fileTab(path);
    expect(tab.title).toBe('notes');
    await withEmulator({ tabs: [tab] }, async (_emu, base) => {
      const { body } = await getJson(`${base}/values/notes`);
      expect(body.values).toEqual([
        ['key', 'value'],
        ['k1', 'line\nbreak', 'x'],
        ['k2', 'tab\there\\'],
      ]);
    });
  });

  it('a bad CSV or a file that is not CSV/TSV is a UsageError naming the file', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,"open\n2,3\n');
    await expect(fileTab(bad)).rejects.toThrow(UsageError);
    await expect(fileTab(bad)).rejects.toThrow(`${bad}:2: a quoted field is not closed`);
    await expect(fileTab(join(dir, 'x.txt'))).rejects.toThrow(/x\.txt: expected a \.csv or \.tsv file/);
    await expect(fileTab(join(dir, 'missing.csv'))).rejects.toThrow(/missing\.csv: cannot read the file \(ENOENT\)/);
  });
});

describe('serveEmulator (the emulator command)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sheetpipe-emulator-cmd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function collect(): { stdout: PassThrough; text: () => string } {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    return { stdout, text: () => text };
  }

  async function waitFor(check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('prints the endpoint and spreadsheet lines, serves the demo spreadsheet, and stops on abort', async () => {
    const out = collect();
    const controller = new AbortController();
    const serving = serveEmulator({ port: 0 }, { stdout: out.stdout, signal: controller.signal });
    await waitFor(() => out.text().split('\n').length >= 3);
    const lines = out.text().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const endpoint = /^endpoint (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(lines[0] ?? '')?.[1];
    expect(endpoint).toBeDefined();
    expect(lines[1]).toBe(`spreadsheet ${DEMO_SPREADSHEET_ID}`);

    const meta = await getJson(`${endpoint}v4/spreadsheets/${DEMO_SPREADSHEET_ID}?fields=properties.title,sheets.properties.title`);
    expect(meta.body).toEqual({
      properties: { title: 'sheetpipe demo' },
      sheets: [
        { properties: { title: 'Orders' } },
        { properties: { title: 'Customers' } },
        { properties: { title: 'Summary' } },
        { properties: { title: 'Deliveries' } },
      ],
    });

    controller.abort();
    await serving;
    await expect(fetch(`${endpoint}v4/spreadsheets/${DEMO_SPREADSHEET_ID}`)).rejects.toThrow();
  });

  it('serves --data files and a --rows generated tab together', async () => {
    const file = join(dir, 'people.csv');
    writeFileSync(file, 'name\nAda\n');
    const out = collect();
    const controller = new AbortController();
    const serving = serveEmulator(
      { port: 0, data: [file], rows: 50, cols: 3, spreadsheetId: 'my-test-sheet-1' },
      { stdout: out.stdout, signal: controller.signal },
    );
    await waitFor(() => out.text().includes('spreadsheet'));
    const endpoint = /^endpoint (\S+)$/m.exec(out.text())?.[1];
    expect(out.text()).toContain('spreadsheet my-test-sheet-1\n');
    const meta = await getJson(`${endpoint}v4/spreadsheets/my-test-sheet-1?fields=sheets.properties.title`);
    expect(meta.body.sheets.map((s: Json) => s.properties.title)).toEqual(['people', 'Generated']);
    controller.abort();
    await serving;
  });

  it('rejects bad values with a one-line UsageError naming the option, before any I/O', async () => {
    const signal = new AbortController().signal;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ port: -1 }, /--port expects a whole number from 0 to 65,535, got `-1`/],
      [{ port: Number.NaN }, /--port .* got `NaN`/],
      [{ failRate: 1.5 }, /--fail-rate expects a fraction from 0 to 1, got `1.5`/],
      [{ latency: -5 }, /--latency/],
      [{ jitter: Number.POSITIVE_INFINITY }, /--jitter/],
      [{ rows: 0 }, /--rows/],
      [{ cols: 2.5 }, /--cols/],
      [{ maxRpm: 0 }, /--max-rpm/],
      [{ spreadsheetId: 'bad id' }, /--spreadsheet-id/],
      [{ rows: 10_000_000, cols: 2 }, /at most 10,000,000/],
      [{ data: ['people.xlsx'] }, /--data expects a \.csv or \.tsv file, got `people\.xlsx`/],
      [{ data: [join(tmpdir(), 'sheetpipe-no-such-file.csv')] }, /cannot read the file/],
    ];
    for (const [args, message] of cases) {
      const stdout = new PassThrough();
      const attempt = serveEmulator(args, { stdout, signal });
      await expect(attempt, JSON.stringify(args)).rejects.toBeInstanceOf(UsageError);
      await expect(attempt).rejects.toThrow(message);
      expect(stdout.read()).toBeNull();
    }
  });

  it('a bad CSV file is a UsageError naming the file and line', async () => {
    const file = join(dir, 'broken.csv');
    writeFileSync(file, 'a\n"b\n');
    await expect(
      serveEmulator({ port: 0, data: [file] }, { stdout: new PassThrough(), signal: new AbortController().signal }),
    ).rejects.toThrow(`${file}:2: a quoted field is not closed`);
  });

  it('a port in use is a UsageError that names the port and suggests --port 0', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const attempt = serveEmulator({ port }, { stdout: new PassThrough(), signal: new AbortController().signal });
      await expect(attempt).rejects.toBeInstanceOf(UsageError);
      await expect(attempt).rejects.toThrow(`port ${port} on 127.0.0.1 is in use; pick another with --port, or --port 0 for any free port`);
    } finally {
      blocker.close();
    }
  });
});
