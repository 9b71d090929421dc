/**
 * What the emulator does not serve is refused in plain words — 400 FAILED_PRECONDITION, never a
 * 200 that looks like an empty answer — and one line goes to its log per refusal. Tried through
 * its HTTP interface, with google-spreadsheet (npm) itself, and with gspread's requests replayed
 * as raw HTTP. An exception inside the emulator is answered as an emulator bug, not the API's 500.
 */
import { GoogleSpreadsheet } from 'google-spreadsheet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, type TabSource, memoryTab, startEmulator } from '../src/emulator/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers: the assertions check their shape.
type Json = any;

const SERVES_ONLY = 'it serves only spreadsheets.get, spreadsheets.values.get and spreadsheets.values.batchGet (GET)';
const SERVES_GRID =
  "it serves metadata, values (read cells with spreadsheets.values.get or values:batchGet) and cells' number formats (fields=sheets.data.rowData.values.effectiveFormat.numberFormat)";
const SERVES_PARTS = 'it serves metadata (spreadsheet and sheet properties, named ranges) and values';

function options(log: string[]): EmulatorOptions {
  return {
    port: 0,
    tabs: [
      memoryTab({
        title: 'Sheet1',
        rows: [
          ['name', 'qty'],
          ['apple', 3],
          ['pear', 5],
        ],
      }),
      memoryTab({ title: 'My Tab', rows: [['a']], sheetId: 77 }),
      memoryTab({ title: 'Third', rows: [['x']], sheetId: 78 }),
    ],
    namedRanges: [{ name: 'Fruit', range: "'My Tab'!A1:A5" }],
    log: (line) => log.push(line),
  };
}

/** The body of every refusal: Google's error shape, a plain message, a reason code can match on. */
function expectRefusal(status: number, body: Json, message: string): void {
  expect(status, message).toBe(400);
  expect(body).toEqual({
    error: {
      code: 400,
      message,
      status: 'FAILED_PRECONDITION',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'NOT_SERVED_BY_EMULATOR', domain: 'sheetpipe-emulator' }],
    },
  });
}

describe('requests the emulator does not serve', () => {
  const log: string[] = [];
  let emu: Emulator;
  let root: string;

  beforeAll(async () => {
    emu = await startEmulator(options(log));
    root = emu.url.slice(0, -1);
  });
  afterAll(() => emu.stop());

  async function call(method: string, path: string, body?: string): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${root}${path}`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
    return { status: res.status, body: await res.json() };
  }

  const id = (): string => emu.spreadsheetId;
  const cases: [string, () => [method: string, path: string, message: string]][] = [
    [
      'includeGridData=true',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?includeGridData=true&ranges=${encodeURIComponent('Sheet1!A1:C3')}`,
        `sheetpipe emulator does not serve grid data (includeGridData=true); ${SERVES_GRID}`,
      ],
    ],
    [
      'fields=sheets.data...',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?fields=sheets.data.rowData.values.note`,
        `sheetpipe emulator does not serve grid data (fields=sheets.data.rowData.values.note); ${SERVES_GRID}`,
      ],
    ],
    [
      'fields=sheets(data(...))',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?fields=${encodeURIComponent('sheets(properties(title),data(rowData(values(formattedValue))))')}`,
        `sheetpipe emulator does not serve grid data (fields=sheets(properties(title),data(rowData(values(formattedValue))))); ${SERVES_GRID}`,
      ],
    ],
    [
      'fields=* (a mask makes the API send the grid)',
      () => ['GET', `/v4/spreadsheets/${id()}?fields=*`, `sheetpipe emulator does not serve grid data (fields=*); ${SERVES_GRID}`],
    ],
    [
      'fields=sheets',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?fields=sheets`,
        `sheetpipe emulator does not serve grid data (fields=sheets); ${SERVES_GRID}`,
      ],
    ],
    [
      'fields=sheets.merges',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?fields=sheets.merges`,
        `sheetpipe emulator does not serve merges (fields=sheets.merges); ${SERVES_PARTS}`,
      ],
    ],
    [
      'fields=sheets.protectedRanges',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?fields=sheets.properties.sheetId,sheets.protectedRanges`,
        `sheetpipe emulator does not serve protected ranges (fields=sheets.properties.sheetId,sheets.protectedRanges); ${SERVES_PARTS}`,
      ],
    ],
    [
      'fields=properties.defaultFormat',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?fields=properties.defaultFormat`,
        `sheetpipe emulator does not serve cell formats (fields=properties.defaultFormat); ${SERVES_PARTS}`,
      ],
    ],
    [
      'fields=developerMetadata',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?fields=developerMetadata`,
        `sheetpipe emulator does not serve developer metadata (fields=developerMetadata); ${SERVES_PARTS}`,
      ],
    ],
    [
      'commentsViewMode=COMMENTS_VIEW_MODE_INCLUDED',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?commentsViewMode=COMMENTS_VIEW_MODE_INCLUDED`,
        `sheetpipe emulator does not serve comments (commentsViewMode=COMMENTS_VIEW_MODE_INCLUDED); ${SERVES_PARTS}`,
      ],
    ],
    [
      'commentsViewMode=COMMENTS_VIEW_MODE_DEFAULT_FOR_CURRENT_ACCESS',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?commentsViewMode=COMMENTS_VIEW_MODE_DEFAULT_FOR_CURRENT_ACCESS&fields=properties.title`,
        `sheetpipe emulator does not serve comments (commentsViewMode=COMMENTS_VIEW_MODE_DEFAULT_FOR_CURRENT_ACCESS); ${SERVES_PARTS}`,
      ],
    ],
    [
      'fields=comments',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?fields=spreadsheetId,comments`,
        `sheetpipe emulator does not serve comments (fields=spreadsheetId,comments); ${SERVES_PARTS}`,
      ],
    ],
    [
      "fields=sheets(properties(sheetId,title),commentAnchors) (the API guide's request)",
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?fields=${encodeURIComponent('sheets(properties(sheetId,title),commentAnchors)')}`,
        `sheetpipe emulator does not serve comments (fields=sheets(properties(sheetId,title),commentAnchors)); ${SERVES_PARTS}`,
      ],
    ],
    [
      'alt=media',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}/values/A1?alt=media`,
        'sheetpipe emulator does not serve media downloads (alt=media); it answers JSON (alt=json)',
      ],
    ],
    [
      'alt=proto',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}?alt=proto`,
        'sheetpipe emulator does not serve protobuf answers (alt=proto); it answers JSON (alt=json)',
      ],
    ],
    [
      'values.update',
      () => [
        'PUT',
        `/v4/spreadsheets/${id()}/values/Sheet1!A1?valueInputOption=RAW`,
        `sheetpipe emulator does not serve spreadsheets.values.update (PUT /v4/spreadsheets/${id()}/values/Sheet1!A1); ${SERVES_ONLY}`,
      ],
    ],
    [
      'values.append',
      () => [
        'POST',
        `/v4/spreadsheets/${id()}/values/Sheet1!A1:append?valueInputOption=RAW`,
        `sheetpipe emulator does not serve spreadsheets.values.append (POST /v4/spreadsheets/${id()}/values/Sheet1!A1:append); ${SERVES_ONLY}`,
      ],
    ],
    [
      'values.clear',
      () => [
        'POST',
        `/v4/spreadsheets/${id()}/values/Sheet1:clear`,
        `sheetpipe emulator does not serve spreadsheets.values.clear (POST /v4/spreadsheets/${id()}/values/Sheet1:clear); ${SERVES_ONLY}`,
      ],
    ],
    [
      'values:batchUpdate',
      () => [
        'POST',
        `/v4/spreadsheets/${id()}/values:batchUpdate`,
        `sheetpipe emulator does not serve spreadsheets.values.batchUpdate (POST /v4/spreadsheets/${id()}/values:batchUpdate); ${SERVES_ONLY}`,
      ],
    ],
    [
      'batchUpdate',
      () => [
        'POST',
        `/v4/spreadsheets/${id()}:batchUpdate`,
        `sheetpipe emulator does not serve spreadsheets.batchUpdate (POST /v4/spreadsheets/${id()}:batchUpdate); ${SERVES_ONLY}`,
      ],
    ],
    [
      'getByDataFilter',
      () => [
        'POST',
        `/v4/spreadsheets/${id()}:getByDataFilter`,
        `sheetpipe emulator does not serve spreadsheets.getByDataFilter (POST /v4/spreadsheets/${id()}:getByDataFilter); ${SERVES_ONLY}`,
      ],
    ],
    [
      'create',
      () => ['POST', '/v4/spreadsheets', `sheetpipe emulator does not serve spreadsheets.create (POST /v4/spreadsheets); ${SERVES_ONLY}`],
    ],
    [
      'developerMetadata.get',
      () => [
        'GET',
        `/v4/spreadsheets/${id()}/developerMetadata/12`,
        `sheetpipe emulator does not serve spreadsheets.developerMetadata.get (GET /v4/spreadsheets/${id()}/developerMetadata/12); ${SERVES_ONLY}`,
      ],
    ],
    [
      'DELETE on a served path',
      () => [
        'DELETE',
        `/v4/spreadsheets/${id()}/values/A1`,
        `sheetpipe emulator does not serve DELETE /v4/spreadsheets/${id()}/values/A1; ${SERVES_ONLY}`,
      ],
    ],
    ['an unknown route', () => ['GET', '/v3/whatever', `sheetpipe emulator does not serve GET /v3/whatever; ${SERVES_ONLY}`]],
    [
      'the Drive API',
      () => [
        'GET',
        `/drive/v3/files/${id()}?fields=modifiedTime`,
        `sheetpipe emulator does not serve GET /drive/v3/files/${id()}; ${SERVES_ONLY}`,
      ],
    ],
    ['the root', () => ['GET', '/', `sheetpipe emulator does not serve GET /; ${SERVES_ONLY}`]],
  ];

  it.each(cases)('%s: 400 FAILED_PRECONDITION in plain words, one log line', async (_name, request) => {
    const [method, path, message] = request();
    const before = log.length;
    const body = method === 'GET' || method === 'DELETE' ? undefined : '{"requests":[]}';
    const answer = await call(method, path, body);
    expectRefusal(answer.status, answer.body, message);
    expect(log.slice(before)).toEqual([`refused ${method} ${decodeURIComponent(path).replaceAll('+', ' ')}: ${message}`]);
  });

  it('counts refusals in its stats', () => {
    expect(emu.stats().refused).toBe(cases.length);
  });

  it('keeps secrets out of its log', async () => {
    const before = log.length;
    await call('GET', `/v3/x?key=AIzaSecret&access_token=ya29.secret`);
    expect(log.slice(before)).toEqual([
      `refused GET /v3/x?key=REDACTED&access_token=REDACTED: sheetpipe emulator does not serve GET /v3/x; ${SERVES_ONLY}`,
    ]);
  });

  it('serves what it holds: a mask of held fields, includeGridData=false, includeGridData=true under a mask', async () => {
    const before = log.length;
    const masked = await call(
      'GET',
      `/v4/spreadsheets/${id()}?fields=${encodeURIComponent('sheets.properties(title,gridProperties(frozenRowCount)),properties(*)')}`,
    );
    expect(masked.status).toBe(200);
    expect(masked.body.sheets[0]).toEqual({ properties: { title: 'Sheet1', gridProperties: {} } });
    expect((await call('GET', `/v4/spreadsheets/${id()}?includeGridData=false`)).status).toBe(200);
    // As the API: with a mask, includeGridData is ignored and the mask says what comes back.
    const ignored = await call('GET', `/v4/spreadsheets/${id()}?includeGridData=true&fields=properties.title`);
    expect(ignored).toEqual({ status: 200, body: { properties: { title: 'sheetpipe emulator' } } });
    expect(log.length).toBe(before);
  });

  it("a mask naming no field of the resource, or a bad boolean, is the API's own 400 INVALID_ARGUMENT", async () => {
    const typo = await call('GET', `/v4/spreadsheets/${id()}?fields=sheets.propertes.title`);
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: "Error expanding 'fields' parameter. Cannot find matching fields for path 'sheets.propertes'.",
    });
    const values = await call('GET', `/v4/spreadsheets/${id()}/values/A1?fields=values,userEnteredFormat`);
    expect(values.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', message: expect.stringContaining("path 'userEnteredFormat'") });
    const below = await call('GET', `/v4/spreadsheets/${id()}/values/A1?fields=range.start`);
    expect(below.body.error.status).toBe('INVALID_ARGUMENT');
    const bool = await call('GET', `/v4/spreadsheets/${id()}?includeGridData=yes`);
    expect(bool.status).toBe(400);
    expect(bool.body.error.message).toBe(`Invalid value at 'include_grid_data' (TYPE_BOOL), "yes"`);
    const mode = await call('GET', `/v4/spreadsheets/${id()}?commentsViewMode=ALL`);
    expect(mode.body.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: `Invalid value at 'comments_view_mode' (type.googleapis.com/google.apps.sheets.v4.CommentsViewMode), "ALL"`,
    });
  });

  it('an alt that is no response format is a 400 naming those that exist, json first', async () => {
    const alt = await call('GET', `/v4/spreadsheets/${id()}/values/A1?alt=csv`);
    expect(alt.status).toBe(400);
    expect(alt.body.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: `Invalid value at 'alt', "csv": alt is json (the default), media, proto or sse`,
    });
  });

  it('comments left out (commentsViewMode omitted, the default) is what it holds: served, as without the parameter', async () => {
    const before = log.length;
    const plain = await call('GET', `/v4/spreadsheets/${id()}?fields=sheets.properties.title`);
    for (const mode of ['COMMENTS_VIEW_MODE_OMITTED', 'COMMENTS_VIEW_MODE_UNSPECIFIED']) {
      expect(await call('GET', `/v4/spreadsheets/${id()}?fields=sheets.properties.title&commentsViewMode=${mode}`)).toEqual(plain);
    }
    expect(plain.status).toBe(200);
    expect(log.length).toBe(before);
  });
});

describe('spreadsheets.get honours ranges', () => {
  it("lists only the tabs the ranges touch, in the spreadsheet's order; named ranges count; a bad range is a 400", async () => {
    const emu = await startEmulator(options([]));
    const base = `${emu.url}v4/spreadsheets/${emu.spreadsheetId}`;
    const titles = async (query: string): Promise<string[]> => {
      const body = (await (await fetch(`${base}?fields=sheets.properties.title&${query}`)).json()) as Json;
      return body.sheets.map((s: Json) => s.properties.title);
    };
    try {
      expect(await titles('')).toEqual(['Sheet1', 'My Tab', 'Third']);
      expect(await titles(`ranges=${encodeURIComponent("'Third'!A1")}&ranges=${encodeURIComponent('Sheet1!A1:B2')}`)).toEqual([
        'Sheet1',
        'Third',
      ]);
      expect(await titles('ranges=Fruit')).toEqual(['My Tab']);
      expect(await titles('ranges=A1:B2')).toEqual(['Sheet1']);
      expect(await titles(`ranges=Third&ranges=Third!A1`)).toEqual(['Third']);
      const whole = (await (await fetch(`${base}?ranges=Third`)).json()) as Json;
      expect(whole.namedRanges).toHaveLength(1);
      const bad = await fetch(`${base}?ranges=Nope!A1`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as Json).error.message).toBe('Unable to parse range: Nope!A1');
    } finally {
      await emu.stop();
    }
  });
});

describe('an exception inside the emulator', () => {
  it('is logged and answered 500 "emulator internal error: …", never as the API\'s transient 500', async () => {
    const log: string[] = [];
    const broken: TabSource = {
      title: 'Broken',
      rowCount: 10,
      columnCount: 3,
      row(row) {
        if (row === 2) throw new TypeError('row 2 is unreadable');
        return ['ok'];
      },
    };
    const emu = await startEmulator({
      port: 0,
      tabs: [memoryTab({ title: 'Fine', rows: [['a']] }), broken],
      log: (line) => log.push(line),
    });
    const base = `${emu.url}v4/spreadsheets/${emu.spreadsheetId}`;
    try {
      const res = await fetch(`${base}/values/Broken!A1:C5`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        error: {
          code: 500,
          message: 'emulator internal error: TypeError: row 2 is unreadable',
          status: 'INTERNAL',
          details: [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'EMULATOR_INTERNAL_ERROR', domain: 'sheetpipe-emulator' },
          ],
        },
      });
      expect(log).toHaveLength(1);
      expect(log[0]).toMatch(
        /^internal error on GET \/v4\/spreadsheets\/.+\/values\/Broken!A1:C5: TypeError: row 2 is unreadable \(at .+\)$/,
      );
      expect(emu.stats()).toMatchObject({ internalErrors: 1, byStatus: { 500: 1 } });
      // The emulator keeps serving.
      expect((await fetch(`${base}/values/Broken!A1`)).status).toBe(200);
      expect((await fetch(`${base}/values/Fine`)).status).toBe(200);
    } finally {
      await emu.stop();
    }
  });
});

describe('google-spreadsheet (npm) against the emulator', () => {
  // google-spreadsheet has no base-URL option; ky calls globalThis.fetch at request time, so a
  // fetch that swaps Google's origin for the emulator's sends it every request, library unchanged.
  const GOOGLE = 'https://sheets.googleapis.com/';
  const realFetch = globalThis.fetch;
  const log: string[] = [];
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator(options(log));
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (!request.url.startsWith(GOOGLE)) return Promise.reject(new Error(`refusing a request to ${request.url}`));
      return realFetch(new Request(emu.url + request.url.slice(GOOGLE.length), request));
    };
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await emu.stop();
  });

  it('reads rows, and loadCells fails with the emulator\'s message, not "This cell has not been loaded yet"', async () => {
    const doc = new GoogleSpreadsheet(emu.spreadsheetId, { apiKey: 'any-key' });
    await doc.loadInfo();
    expect(doc.sheetsByIndex.map((s) => s.title)).toEqual(['Sheet1', 'My Tab', 'Third']);
    const sheet = doc.sheetsByIndex[0]!;
    const rows = await sheet.getRows();
    expect(rows.map((r) => r.toObject())).toEqual([
      { name: 'apple', qty: '3' },
      { name: 'pear', qty: '5' },
    ]);

    const before = log.length;
    await expect(doc.loadCells('A1:C3')).rejects.toThrow(
      `Google API error - [400] sheetpipe emulator does not serve grid data (includeGridData=true); ${SERVES_GRID}`,
    );
    expect(log.length).toBe(before + 1);
  });

  it('with OAuth-style auth, loadCells posts getByDataFilter and is refused by name', async () => {
    const doc = new GoogleSpreadsheet(emu.spreadsheetId, { getRequestHeaders: async () => ({ authorization: 'Bearer test-token' }) });
    await doc.loadInfo();
    await expect(doc.sheetsByIndex[0]!.loadCells('A1:C3')).rejects.toThrow(
      `Google API error - [400] sheetpipe emulator does not serve spreadsheets.getByDataFilter (POST /v4/spreadsheets/${emu.spreadsheetId}/:getByDataFilter); ${SERVES_ONLY}`,
    );
  });
});

describe("gspread's requests, replayed as raw HTTP", () => {
  // What gspread 6 sends for each call (its Worksheet/Spreadsheet methods), quoted tab names and all.
  let emu: Emulator;
  let base: string;
  const get = async (path: string): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: 'Bearer gspread-token' } });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    emu = await startEmulator(options([]));
    base = `${emu.url}v4/spreadsheets/${emu.spreadsheetId}`;
  });
  afterAll(() => emu.stop());

  it('open_by_key / worksheets: spreadsheets.get?includeGridData=false lists the tabs', async () => {
    const { status, body } = await get('?includeGridData=false');
    expect(status).toBe(200);
    expect(body.sheets.map((s: Json) => s.properties.title)).toEqual(['Sheet1', 'My Tab', 'Third']);
  });

  it("get_all_values / get_values('A1:B2') / batch_get: values answers", async () => {
    expect((await get(`/values/${encodeURIComponent("'Sheet1'")}`)).body.values).toEqual([
      ['name', 'qty'],
      ['apple', '3'],
      ['pear', '5'],
    ]);
    const ranged = await get(`/values/${encodeURIComponent("'Sheet1'!A1:B2")}?valueRenderOption=UNFORMATTED_VALUE&majorDimension=ROWS`);
    expect(ranged.body.values).toEqual([
      ['name', 'qty'],
      ['apple', 3],
    ]);
    const batch = await get(`/values:batchGet?ranges=${encodeURIComponent("'Sheet1'!A1")}&ranges=${encodeURIComponent("'My Tab'!A1")}`);
    expect(batch.body.valueRanges.map((v: Json) => v.values)).toEqual([[['name']], [['a']]]);
  });

  it('get_notes: fields=sheets.data.rowData.values.note is refused, not answered {"sheets":[{},…]}', async () => {
    const { status, body } = await get(`?fields=sheets.data.rowData.values.note&ranges=${encodeURIComponent("'Sheet1'")}`);
    expectRefusal(status, body, `sheetpipe emulator does not serve grid data (fields=sheets.data.rowData.values.note); ${SERVES_GRID}`);
  });

  it('get_note: fields=sheets/data/rowData/values/note is refused too', async () => {
    const { status, body } = await get(
      `?ranges=${encodeURIComponent("'Sheet1'!A1")}&fields=${encodeURIComponent('sheets/data/rowData/values/note')}`,
    );
    expectRefusal(status, body, `sheetpipe emulator does not serve grid data (fields=sheets/data/rowData/values/note); ${SERVES_GRID}`);
  });

  it('list_protected_ranges: fields=sheets.properties.sheetId,sheets.protectedRanges is refused', async () => {
    const { status, body } = await get(`?fields=${encodeURIComponent('sheets.properties.sheetId,sheets.protectedRanges')}`);
    expectRefusal(
      status,
      body,
      `sheetpipe emulator does not serve protected ranges (fields=sheets.properties.sheetId,sheets.protectedRanges); ${SERVES_PARTS}`,
    );
  });

  it('update / append_row / clear are refused as writes', async () => {
    const send = (method: string, path: string) =>
      fetch(`${base}${path}`, { method, body: '{"values":[["x"]]}', headers: { 'content-type': 'application/json' } }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as Json,
      }));
    const update = await send('PUT', `/values/${encodeURIComponent("'Sheet1'!A1")}?valueInputOption=RAW`);
    expect(update.status).toBe(400);
    expect(update.body.error.message).toMatch(/^sheetpipe emulator does not serve spreadsheets\.values\.update \(PUT /);
    const append = await send('POST', `/values/${encodeURIComponent("'Sheet1'!A1")}:append?valueInputOption=RAW`);
    expect(append.body.error.message).toMatch(/^sheetpipe emulator does not serve spreadsheets\.values\.append \(POST /);
    const clear = await send('POST', `/values/${encodeURIComponent("'Sheet1'")}:clear`);
    expect(clear.body.error.message).toMatch(/^sheetpipe emulator does not serve spreadsheets\.values\.clear \(POST /);
  });
});
