/**
 * The Sheets API client against nock (network disabled): URLs and queries, gzip, and every failure
 * as facts — Google's real error bodies in both shapes (google.rpc.ErrorInfo details and the
 * legacy errors[]), headers, foreign pages. No classification here: that is fetch/retry.ts's.
 */
import nock from 'nock';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SheetsApi, type SheetsApiOptions, createSheetsApi } from '../src/google/api.js';
import { HttpFailure } from '../src/google/failure.js';
import type { AttemptFailure } from '../src/google/failure.js';

const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';
const GOOGLE = 'https://sheets.googleapis.com';
const KEY = 'AIzaSyTEST-not-a-real-key-0123456789abc';
const apis: SheetsApi[] = [];
const unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) =>
  unmatched.push(`${req.method ?? ''} ${req.href ?? req.path ?? ''}`);

async function api(options: Partial<SheetsApiOptions> = {}): Promise<SheetsApi> {
  const a = await createSheetsApi({ spreadsheetId: ID, env: { GOOGLE_API_KEY: KEY }, ...options });
  apis.push(a);
  return a;
}

async function readAll(body: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

async function failureOf(promise: Promise<unknown>): Promise<AttemptFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpFailure);
  return (error as HttpFailure).failure;
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', onNoMatch);
});

afterEach(() => {
  for (const a of apis.splice(0)) a.close();
  nock.cleanAll();
  expect(unmatched.splice(0)).toEqual([]);
});

afterAll(() => {
  nock.emitter.removeListener('no match', onNoMatch);
  nock.enableNetConnect();
});

describe('requests', () => {
  it('values.get: the range URL-encoded in the path, the query the API needs, the key in a header, gzip asked for', async () => {
    let path = '';
    let headers: Record<string, unknown> = {};
    const body = JSON.stringify({ range: "'My Sheet'!A1:B2", majorDimension: 'ROWS', values: [['a', 'b']] });
    nock(GOOGLE)
      .get(/.*/)
      .reply(function (uri) {
        path = uri;
        headers = this.req.headers;
        return [200, gzipSync(body), { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Encoding': 'gzip' }];
      });
    const a = await api({ valueRender: 'UNFORMATTED_VALUE', dateRender: 'FORMATTED_STRING' });
    expect(await readAll(await a.openValues("'My Sheet'!A1:B2", new AbortController().signal))).toBe(body);

    const url = new URL(path, GOOGLE);
    expect(url.pathname).toBe(`/v4/spreadsheets/${ID}/values/'My%20Sheet'!A1%3AB2`);
    expect(decodeURIComponent(url.pathname.split('/values/')[1] as string)).toBe("'My Sheet'!A1:B2");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      majorDimension: 'ROWS',
      valueRenderOption: 'UNFORMATTED_VALUE',
      dateTimeRenderOption: 'FORMATTED_STRING',
      prettyPrint: 'false',
    });
    expect(headers['x-goog-api-key']).toBe(KEY);
    expect(path).not.toContain(KEY);
    expect(headers['accept-encoding']).toBe('gzip');
    expect(String(headers['user-agent'])).toMatch(/^sheetpipe\/\d+\.\d+\.\d+ \(gzip\)$/);
  });

  it('dateTimeRenderOption with UNFORMATTED_VALUE and FORMULA, never with FORMATTED_VALUE (the API ignores it only there)', async () => {
    const queries: URLSearchParams[] = [];
    nock(GOOGLE)
      .get(/values/)
      .times(3)
      .reply((uri) => {
        queries.push(new URL(uri, GOOGLE).searchParams);
        return [200, { range: 'S!A1:A1' }];
      });
    for (const valueRender of ['FORMATTED_VALUE', 'FORMULA', 'UNFORMATTED_VALUE'] as const) {
      await readAll(await (await api({ valueRender, dateRender: 'FORMATTED_STRING' })).openValues('S!A1', new AbortController().signal));
    }
    expect(queries.map((q) => [q.get('valueRenderOption'), q.get('dateTimeRenderOption')])).toEqual([
      ['FORMATTED_VALUE', null],
      ['FORMULA', 'FORMATTED_STRING'],
      ['UNFORMATTED_VALUE', 'FORMATTED_STRING'],
    ]);
  });

  it('values:batchGet: every range in order', async () => {
    let query = new URLSearchParams();
    nock(GOOGLE)
      .get(`/v4/spreadsheets/${ID}/values:batchGet`)
      .query(true)
      .reply((uri) => {
        query = new URL(uri, GOOGLE).searchParams;
        return [200, { spreadsheetId: ID, valueRanges: [] }];
      });
    const ranges = ["'B & C'!A1:C10", "'Q1'!A1:Z", 'Named_range'];
    await readAll(await (await api()).openBatch(ranges, new AbortController().signal));
    expect(query.getAll('ranges')).toEqual(ranges);
    expect(query.get('majorDimension')).toBe('ROWS');
    expect(query.get('prettyPrint')).toBe('false');
  });

  it('metadata: the fields mask, compact JSON, parsed into tabs and named ranges', async () => {
    let query = new URLSearchParams();
    nock(GOOGLE)
      .get(`/v4/spreadsheets/${ID}`)
      .query(true)
      .reply((uri) => {
        query = new URL(uri, GOOGLE).searchParams;
        return [
          200,
          {
            properties: { title: 'Budget' },
            sheets: [
              {
                properties: { sheetId: 7, title: 'Data', index: 0, sheetType: 'GRID', gridProperties: { rowCount: 1000, columnCount: 26 } },
              },
            ],
            namedRanges: [{ name: 'Totals', range: { sheetId: 7, startRowIndex: 0, endRowIndex: 5 } }],
          },
        ];
      });
    const meta = await (await api()).getMetadata(new AbortController().signal);
    expect(query.get('fields')).toContain('gridProperties(rowCount,columnCount)');
    expect(query.get('prettyPrint')).toBe('false');
    expect(meta.title).toBe('Budget');
    expect(meta.sheets).toEqual([{ sheetId: 7, title: 'Data', index: 0, sheetType: 'GRID', rowCount: 1000, columnCount: 26 }]);
    expect(meta.namedRanges).toEqual([
      { name: 'Totals', sheetId: 7, startRowIndex: 0, endRowIndex: 5, startColumnIndex: undefined, endColumnIndex: undefined },
    ]);
  });

  it('an endpoint with a path prefix keeps it', async () => {
    const scope = nock('https://proxy.corp.example')
      .get(`/sheets/v4/spreadsheets/${ID}/values/S!A1`)
      .query(true)
      .reply(200, { range: 'S!A1:A1' });
    const a = await api({ endpoint: 'https://proxy.corp.example/sheets' });
    expect(a.host).toBe('proxy.corp.example');
    await readAll(await a.openValues('S!A1', new AbortController().signal));
    scope.done();
  });

  it("a 200 that is not JSON (a proxy's page) is a malformed answer", async () => {
    nock(GOOGLE)
      .get(/values/)
      .reply(200, '<!DOCTYPE html><html><body>Sign in to the corporate network</body></html>', {
        'Content-Type': 'text/html; charset=utf-8',
      });
    const f = await failureOf((await api()).openValues('S!A1', new AbortController().signal));
    expect(f).toMatchObject({ status: 200, malformed: true, phase: 'answer', host: 'sheets.googleapis.com' });
    expect(f.message).toContain('text/html');
  });

  it('a metadata answer without tabs is malformed', async () => {
    nock(GOOGLE)
      .get(/.*/)
      .reply(200, { properties: { title: 'x' } });
    expect(await failureOf((await api()).getMetadata(new AbortController().signal))).toMatchObject({ status: 200, malformed: true });
  });
});

/** Google's error answers as the API sends them (both shapes; Help and other details around ErrorInfo). */
const GOOGLE_ERRORS: { name: string; status: number; headers?: Record<string, string>; body: unknown; facts: AttemptFailure }[] = [
  {
    name: '403 PERMISSION_DENIED, scope insufficient (ErrorInfo and legacy insufficientPermissions)',
    status: 403,
    headers: {
      'WWW-Authenticate':
        'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/spreadsheets.readonly"',
    },
    body: {
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
            domain: 'googleapis.com',
            metadata: { method: 'google.apps.sheets.v4.SpreadsheetsService.GetValues', service: 'sheets.googleapis.com' },
          },
        ],
      },
    },
    facts: {
      status: 403,
      apiStatus: 'PERMISSION_DENIED',
      reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
      reasons: ['ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'insufficientPermissions'],
      errorInfo: [
        {
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
          metadata: { method: 'google.apps.sheets.v4.SpreadsheetsService.GetValues', service: 'sheets.googleapis.com' },
        },
      ],
      message: 'Request had insufficient authentication scopes.',
      wwwAuthenticate: 'insufficient_scope',
    },
  },
  {
    name: '400 INVALID_ARGUMENT, API_KEY_INVALID (ErrorInfo beside a LocalizedMessage)',
    status: 400,
    body: {
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'sheets.googleapis.com' },
          },
          {
            '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
            locale: 'en-US',
            message: 'API key not valid. Please pass a valid API key.',
          },
        ],
      },
    },
    facts: {
      status: 400,
      apiStatus: 'INVALID_ARGUMENT',
      reason: 'API_KEY_INVALID',
      reasons: ['API_KEY_INVALID'],
      message: 'API key not valid. Please pass a valid API key.',
    },
  },
  {
    name: '403 SERVICE_DISABLED (a Help entry first) and legacy accessNotConfigured',
    status: 403,
    body: {
      error: {
        code: 403,
        message:
          'Google Sheets API has not been used in project 123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456789012 then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.',
        errors: [
          {
            message: 'Google Sheets API has not been used in project 123456789012 before or it is disabled.',
            domain: 'usageLimits',
            reason: 'accessNotConfigured',
            extendedHelp: 'https://console.developers.google.com',
          },
        ],
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [
              {
                description: 'Google developers console API activation',
                url: 'https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456789012',
              },
            ],
          },
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'SERVICE_DISABLED',
            domain: 'googleapis.com',
            metadata: {
              consumer: 'projects/123456789012',
              service: 'sheets.googleapis.com',
              activationUrl: 'https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456789012',
              serviceTitle: 'Google Sheets API',
              containerInfo: '123456789012',
            },
          },
        ],
      },
    },
    facts: {
      status: 403,
      apiStatus: 'PERMISSION_DENIED',
      reason: 'SERVICE_DISABLED',
      reasons: ['SERVICE_DISABLED', 'accessNotConfigured'],
    },
  },
  {
    name: '429 in the legacy shape only (usageLimits rateLimitExceeded, no status)',
    status: 429,
    body: {
      error: {
        errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }],
        code: 429,
        message: 'Rate Limit Exceeded',
      },
    },
    facts: {
      status: 429,
      apiStatus: undefined,
      reason: 'rateLimitExceeded',
      reasons: ['rateLimitExceeded'],
      errorInfo: undefined,
      message: 'Rate Limit Exceeded',
      retryAfter: undefined,
    },
  },
  {
    name: '429 RESOURCE_EXHAUSTED, RATE_LIMIT_EXCEEDED with quota metadata and no Retry-After',
    status: 429,
    body: {
      error: {
        code: 429,
        message:
          "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:123456789012'.",
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'RATE_LIMIT_EXCEEDED',
            domain: 'googleapis.com',
            metadata: {
              quota_location: 'global',
              quota_metric: 'sheets.googleapis.com/read_requests',
              quota_limit: 'ReadRequestsPerMinutePerUser',
              quota_limit_value: '60',
              consumer: 'projects/123456789012',
              service: 'sheets.googleapis.com',
            },
          },
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [{ description: 'Request a higher quota limit.', url: 'https://cloud.google.com/docs/quotas/help/request_increase' }],
          },
        ],
      },
    },
    facts: {
      status: 429,
      apiStatus: 'RESOURCE_EXHAUSTED',
      reason: 'RATE_LIMIT_EXCEEDED',
      reasons: ['RATE_LIMIT_EXCEEDED'],
      retryAfter: undefined,
    },
  },
  {
    name: '401 UNAUTHENTICATED, WWW-Authenticate invalid_token and legacy authError',
    status: 401,
    headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    body: {
      error: {
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        errors: [
          { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
        ],
        status: 'UNAUTHENTICATED',
      },
    },
    facts: { status: 401, apiStatus: 'UNAUTHENTICATED', reason: 'authError', reasons: ['authError'], wwwAuthenticate: 'invalid_token' },
  },
  {
    name: '400 FAILED_PRECONDITION on an Office file',
    status: 400,
    body: { error: { code: 400, message: 'This operation is not supported for this document', status: 'FAILED_PRECONDITION' } },
    facts: {
      status: 400,
      apiStatus: 'FAILED_PRECONDITION',
      reason: undefined,
      reasons: [],
      message: 'This operation is not supported for this document',
    },
  },
  {
    name: '503 with Retry-After, a multi-line message kept to its first line',
    status: 503,
    headers: { 'Retry-After': '7' },
    body: { error: { code: 503, message: 'The service is currently unavailable.\nTry again later.', status: 'UNAVAILABLE' } },
    facts: { status: 503, apiStatus: 'UNAVAILABLE', message: 'The service is currently unavailable.', retryAfter: '7' },
  },
];

describe('Google error answers → facts', () => {
  it.each(GOOGLE_ERRORS)('$name', async ({ status, headers, body, facts }) => {
    nock(GOOGLE)
      .get(/values/)
      .reply(status, body as nock.Body, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
    const f = await failureOf((await api()).openValues("'Data'!A1:C10", new AbortController().signal));
    expect(f).toMatchObject({ ...facts, phase: 'answer', host: 'sheets.googleapis.com' });
    expect(f.notFromApi).toBeUndefined();
  });

  it('the same facts from a metadata request, and from a gzipped error body', async () => {
    const { status, body, facts } = GOOGLE_ERRORS[0]!;
    nock(GOOGLE)
      .get(`/v4/spreadsheets/${ID}`)
      .query(true)
      .reply(status, gzipSync(JSON.stringify(body)), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    const f = await failureOf((await api()).getMetadata(new AbortController().signal));
    expect(f).toMatchObject({ status: facts.status, apiStatus: facts.apiStatus, reasons: facts.reasons });
  });

  it('an HTML page from a gateway: the status, no API fields, marked as not from the API', async () => {
    nock(GOOGLE)
      .get(/values/)
      .reply(502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', { 'Content-Type': 'text/html' });
    const f = await failureOf((await api()).openValues('S!A1', new AbortController().signal));
    expect(f).toMatchObject({ status: 502, notFromApi: true, phase: 'answer' });
    expect(f.apiStatus).toBeUndefined();
    expect(f.reasons).toBeUndefined();
  });

  it('a huge non-JSON error body is read only in part and never crashes', async () => {
    nock(GOOGLE)
      .get(/values/)
      .reply(500, 'x'.repeat(5 * 1024 * 1024), { 'Content-Type': 'text/plain' });
    const f = await failureOf((await api()).openValues('S!A1', new AbortController().signal));
    expect(f).toMatchObject({ status: 500, notFromApi: true });
  });

  it("JSON that is not Google's error shape (an OAuth-style error) is not taken for one", async () => {
    nock(GOOGLE)
      .get(/values/)
      .reply(400, { error: 'invalid_request', error_description: 'Bad Request' });
    const f = await failureOf((await api()).openValues('S!A1', new AbortController().signal));
    expect(f).toMatchObject({ status: 400, notFromApi: true });
  });

  it('an echoed key in an error message is redacted', async () => {
    nock(GOOGLE)
      .get(/values/)
      .reply(400, { error: { code: 400, message: `API key not valid: ${KEY}`, status: 'INVALID_ARGUMENT' } });
    const error = await (await api()).openValues('S!A1', new AbortController().signal).then(
      () => undefined,
      (e: unknown) => e as HttpFailure,
    );
    expect(error?.failure.message).not.toContain(KEY);
    expect(error?.message).not.toContain(KEY);
  });
});
