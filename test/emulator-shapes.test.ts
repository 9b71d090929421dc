/**
 * The emulator's answers have the recorded API's shapes, byte for byte where the bytes matter:
 * pretty-printed JSON by default and compact on prettyPrint=false, the quota 429 without
 * Retry-After, the 401/403/404 bodies and headers, and the metadata's left-out fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, memoryTab, startEmulator } from '../src/emulator/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers: the assertions check their shape.
type Json = any;

function fixture(extra: EmulatorOptions = {}): EmulatorOptions {
  return {
    port: 0,
    tabs: [
      // A header whose trailing blanks the API trims, over two data rows.
      memoryTab({
        title: 'Sheet1',
        rows: [
          ['A1', 'faff', null, ''],
          [1, 'b2', 'naïve ☕'],
        ],
      }),
      memoryTab({ title: 'D3', rows: [['cell-shaped title']] }),
      memoryTab({ title: 'My Tab', rows: [] }),
    ],
    ...extra,
  };
}

async function withEmulator(options: EmulatorOptions, run: (base: string, emu: Emulator) => Promise<void>): Promise<void> {
  const emu = await startEmulator(options);
  try {
    await run(`${emu.url}v4/spreadsheets/${emu.spreadsheetId}`, emu);
  } finally {
    await emu.stop();
  }
}

describe('emulator JSON bodies', () => {
  let emu: Emulator;
  let base: string;
  const text = async (url: string): Promise<{ status: number; body: string; bytes: Buffer }> => {
    const res = await fetch(url);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: bytes.toString('utf8'), bytes };
  };

  beforeAll(async () => {
    emu = await startEmulator(fixture());
    base = `${emu.url}v4/spreadsheets/${emu.spreadsheetId}`;
  });
  afterAll(() => emu.stop());

  it('are pretty-printed by default: 2-space indent, range/majorDimension/values, raw UTF-8, a final newline', async () => {
    const { status, body, bytes } = await text(`${base}/values/Sheet1`);
    expect(status).toBe(200);
    expect(body).toBe(
      [
        '{',
        '  "range": "Sheet1!A1:Z1000",',
        '  "majorDimension": "ROWS",',
        '  "values": [',
        '    [',
        '      "A1",',
        '      "faff"',
        '    ],',
        '    [',
        '      "1",',
        '      "b2",',
        '      "naïve ☕"',
        '    ]',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
    expect(bytes.includes(Buffer.from('naïve ☕', 'utf8'))).toBe(true);
    expect(body).not.toContain('\\u');
  });

  it('are compact on prettyPrint=false (what sheetpipe asks for), with no final newline', async () => {
    const { body } = await text(`${base}/values/Sheet1?prettyPrint=false`);
    expect(body).toBe('{"range":"Sheet1!A1:Z1000","majorDimension":"ROWS","values":[["A1","faff"],["1","b2","naïve ☕"]]}');
    const batch = await text(`${base}/values:batchGet?ranges=Sheet1!A1&ranges=${encodeURIComponent("'My Tab'")}&prettyPrint=false`);
    expect(batch.body).toBe(
      `{"spreadsheetId":"${emu.spreadsheetId}","valueRanges":[{"range":"Sheet1!A1","majorDimension":"ROWS","values":[["A1"]]},{"range":"'My Tab'!A1:Z1000","majorDimension":"ROWS"}]}`,
    );
  });

  it("errors are pretty too unless prettyPrint=false: 404 is the API's NOT_FOUND", async () => {
    const pretty = await text(`${emu.url}v4/spreadsheets/someOtherSpreadsheet1/values/A1`);
    expect(pretty.status).toBe(404);
    expect(pretty.body).toBe(
      '{\n  "error": {\n    "code": 404,\n    "message": "Requested entity was not found.",\n    "status": "NOT_FOUND"\n  }\n}\n',
    );
    const compact = await text(`${emu.url}v4/spreadsheets/someOtherSpreadsheet1?prettyPrint=false`);
    expect(compact.body).toBe('{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}');
  });

  it('an empty read has no values key; a whole-tab read echoes the whole grid', async () => {
    expect(JSON.parse((await text(`${base}/values/${encodeURIComponent("'My Tab'")}`)).body)).toEqual({
      range: "'My Tab'!A1:Z1000",
      majorDimension: 'ROWS',
    });
    expect(JSON.parse((await text(`${base}/values/Sheet1!C5:D9`)).body)).toEqual({ range: 'Sheet1!C5:D9', majorDimension: 'ROWS' });
  });

  it('a tab whose name looks like a cell is quoted in the echo, a plain one is not', async () => {
    const d3 = JSON.parse((await text(`${base}/values/${encodeURIComponent("'D3'")}`)).body) as Json;
    expect(d3).toEqual({ range: "'D3'!A1:Z1000", majorDimension: 'ROWS', values: [['cell-shaped title']] });
    expect(JSON.parse((await text(`${base}/values/${encodeURIComponent("'Sheet1'!A1:B2")}`)).body).range).toBe('Sheet1!A1:B2');
  });

  it('metadata has no namedRanges key when there are none, and keeps sheetId 0 and index 0 on sheet properties', async () => {
    const meta = JSON.parse((await text(base)).body) as Json;
    expect(meta).not.toHaveProperty('namedRanges');
    expect(meta.sheets[0].properties).toEqual({
      sheetId: 0,
      title: 'Sheet1',
      index: 0,
      sheetType: 'GRID',
      gridProperties: { rowCount: 1000, columnCount: 26 },
    });
  });

  it("a named range on the first tab leaves out the GridRange's sheetId 0", async () => {
    await withEmulator(
      fixture({
        namedRanges: [
          { name: 'Head', range: 'Sheet1!A1:B1' },
          { name: 'Cell', range: "'D3'!A1" },
        ],
      }),
      async (b) => {
        const meta = (await (await fetch(`${b}?fields=namedRanges(name,range)`)).json()) as Json;
        expect(meta.namedRanges[0]).toEqual({
          name: 'Head',
          range: { startRowIndex: 0, endRowIndex: 1, startColumnIndex: 0, endColumnIndex: 2 },
        });
        expect(meta.namedRanges[1].range.sheetId).toBeGreaterThan(0);
      },
    );
  });
});

describe('emulator quota 429', () => {
  const MESSAGE =
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:123456789012'.";

  it('has no Retry-After, status RESOURCE_EXHAUSTED, the API message and one ErrorInfo, as recorded', async () => {
    await withEmulator(fixture({ maxRpm: 1 }), async (base) => {
      expect((await fetch(`${base}/values/A1`)).status).toBe(200);
      const res = await fetch(`${base}/values/A1`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBeNull();
      const body = (await res.json()) as Json;
      expect(Object.keys(body.error)).toEqual(['code', 'message', 'status', 'details']);
      expect(body).toEqual({
        error: {
          code: 429,
          message: MESSAGE,
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'RATE_LIMIT_EXCEEDED',
              domain: 'googleapis.com',
              metadata: {
                service: 'sheets.googleapis.com',
                consumer: 'projects/123456789012',
                quota_metric: 'sheets.googleapis.com/read_requests',
                quota_limit: 'ReadRequestsPerMinutePerUser',
              },
            },
          ],
        },
      });
    });
  });

  it('quotaRetryAfter adds Retry-After to the same body', async () => {
    await withEmulator(fixture({ maxRpm: 1, quotaRetryAfter: true }), async (base) => {
      await fetch(base).then((r) => r.arrayBuffer());
      const res = await fetch(base);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await res.json()) as Json).error.message).toBe(MESSAGE);
    });
  });

  it("a 'status' fault with status 429 keeps its explicit retryAfter, and sends none without one", async () => {
    const faults = [
      { match: { requests: [1] }, fault: 'status' as const, status: 429, retryAfter: 5 },
      { match: { requests: [2] }, fault: 'status' as const, status: 429 },
    ];
    await withEmulator(fixture({ faults }), async (base) => {
      const first = await fetch(`${base}/values/A1`);
      expect(first.headers.get('retry-after')).toBe('5');
      expect(((await first.json()) as Json).error.details).toHaveLength(1);
      const second = await fetch(`${base}/values/A1`);
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBeNull();
    });
  });
});

describe('emulator credentials (requireCredentials)', () => {
  const options = fixture({ requireCredentials: { tokens: ['good-token'], keys: ['good-key'] } });

  it('a bearer token it does not accept: 401 with legacy errors[] and WWW-Authenticate, as the API answers', async () => {
    await withEmulator(options, async (base) => {
      const res = await fetch(`${base}/values/A1?prettyPrint=false`, { headers: { authorization: 'Bearer expired-token' } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="https://accounts.google.com/", error="invalid_token"');
      const body = (await res.json()) as Json;
      expect(Object.keys(body.error)).toEqual(['code', 'message', 'errors', 'status']);
      expect(body.error).toEqual({
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        errors: [
          { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
        ],
        status: 'UNAUTHENTICATED',
      });
    });
  });

  it('no credentials: 403 "missing a valid API key"; a bad key: 400 API_KEY_INVALID; accepted ones: 200', async () => {
    await withEmulator(options, async (base, emu) => {
      const none = await fetch(`${base}/values/A1`);
      expect(none.status).toBe(403);
      expect(await none.json()).toEqual({
        error: { code: 403, message: 'The request is missing a valid API key.', status: 'PERMISSION_DENIED' },
      });

      const badKey = await fetch(`${base}/values/A1?key=wrong`);
      expect(badKey.status).toBe(400);
      expect(((await badKey.json()) as Json).error).toMatchObject({
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
      });

      expect((await fetch(`${base}/values/A1`, { headers: { authorization: 'Bearer good-token' } })).status).toBe(200);
      expect((await fetch(`${base}/values/A1?access_token=good-token`)).status).toBe(200);
      expect((await fetch(`${base}/values/A1?key=good-key`)).status).toBe(200);
      expect((await fetch(`${base}/values/A1`, { headers: { 'x-goog-api-key': 'good-key' } })).status).toBe(200);
      expect(emu.stats().byStatus).toEqual({ 200: 4, 400: 1, 403: 1 });
    });
  });

  it('rejects a credentials option that is not lists of strings', async () => {
    await expect(startEmulator(fixture({ requireCredentials: { tokens: [''] } }))).rejects.toThrow(
      /requireCredentials\.tokens must be a list of non-empty strings/,
    );
  });
});

describe('emulator 403', () => {
  it("a 'status' fault with 403 answers the API's PERMISSION_DENIED", async () => {
    await withEmulator(fixture({ faults: [{ match: { target: 'metadata' }, fault: 'status', status: 403 }] }), async (base) => {
      const res = await fetch(`${base}?prettyPrint=false`);
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}');
    });
  });
});
