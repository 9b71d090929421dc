/**
 * HTTP behaviour of the export through the library and the real API client (node:http transport,
 * streamed bodies), with nock answering on a loopback root and the network disabled. The fake
 * (http-fake.ts) answers as the API does, the early read of the first rows included.
 *
 * Where a figure depends on the scheduler (how many requests a loaded machine makes before a
 * reader stops, whether a short timeout fires once or twice), the tests assert the invariant: no
 * row lost or repeated, bounds respected, retries ≥ 1. Counts are exact only where the engine's
 * rules alone decide them.
 */
import nock from 'nock';
import { createHook } from 'node:async_hooks';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthError,
  BrokenPipe,
  ExportEvents,
  NotFoundError,
  UnavailableError,
  exportToStream,
  readRows,
  type Row,
  type StreamExportOptions,
} from '../src/index.js';
import { type SheetsApi, type ValueRender, type ValuesBody, createSheetsApi } from '../src/google/api.js';
import {
  ENDPOINT,
  FakeSheets,
  ROOT,
  SPREADSHEET_ID,
  UNAVAILABLE,
  apiError,
  collector,
  grid,
  legacyApiError,
  plainCsv,
  readRowsOf,
  sleep,
  type Reply,
  type Seen,
} from './http-fake.js';

const base = {
  spreadsheet: SPREADSHEET_ID,
  endpoint: ENDPOINT,
  maxRpm: 0,
  // Far above any answer's time on a loaded machine: only the tests about timeouts set a short one.
  timeout: 30,
  backoff: { baseMs: 5, capMs: 20, jitterMs: 1 },
} satisfies Partial<StreamExportOptions>;

/** Index (0-based) of the chunk a values request belongs to, for fixed `chunkRows`. */
const chunkOf = (firstRow: number | undefined, chunkRows: number) => Math.floor(((firstRow ?? 1) - 1) / chunkRows);

let fake: FakeSheets | undefined;
const apis: SheetsApi[] = [];
const unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) =>
  unmatched.push(`${req.method ?? ''} ${req.href ?? req.path ?? ''}`);

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', onNoMatch);
});

afterEach(() => {
  const unexpected = fake?.unexpected.splice(0) ?? [];
  fake?.release();
  fake = undefined;
  for (const api of apis.splice(0)) api.close();
  nock.abortPendingRequests();
  nock.cleanAll();
  // A request nock or the fake did not expect would be retried as a failure and hide a bug.
  expect(unmatched.splice(0)).toEqual([]);
  expect(unexpected).toEqual([]);
});

afterAll(() => {
  nock.emitter.removeListener('no match', onNoMatch);
  nock.enableNetConnect();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** Polls until `test()` holds (every 2 ms); false after `ms`. For hooks that hold a reply. */
async function until(test: () => boolean, ms = 5000): Promise<boolean> {
  const end = performance.now() + ms;
  while (!test()) {
    if (performance.now() > end) return false;
    await sleep(2);
  }
  return true;
}

function countByType(types: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** Timers and sockets created while tracking, and which of them are still alive. */
function trackResources(): { alive: () => string[]; stop: () => void } {
  const live = new Map<number, string>();
  const watched = /^(Timeout|TCPWRAP|TCPCONNECTWRAP|TLSWRAP|PIPEWRAP|HTTPCLIENTREQUEST)$/;
  const hook = createHook({
    init(id, type) {
      if (watched.test(type)) live.set(id, type);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  return { alive: () => [...live.values()], stop: () => hook.disable() };
}

interface Call {
  range: string;
  signal: AbortSignal;
  /** The request: until the answer began. */
  opened: 'pending' | 'resolved' | 'rejected';
  /** The body, once the answer began: read to its end, failed, and whether the engine let it go. */
  body: 'none' | 'reading' | 'ended' | 'failed';
  destroyed: boolean;
}

function recordBody(body: ValuesBody, call: Call): ValuesBody {
  call.body = 'reading';
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const chunk of body) yield chunk;
        call.body = 'ended';
      } catch (error) {
        call.body = 'failed';
        throw error;
      }
    },
    destroy() {
      call.destroyed = true;
      body.destroy();
    },
  };
}

/** The real client, wrapped to see each attempt's signal, whether it settled, and that its body was let go. */
async function recordingApi(options: { render?: ValueRender } = {}): Promise<{ api: SheetsApi; calls: Call[] }> {
  const real = await createSheetsApi({ spreadsheetId: SPREADSHEET_ID, endpoint: ENDPOINT, valueRender: options.render });
  apis.push(real);
  const calls: Call[] = [];
  const record = (range: string, signal: AbortSignal, opening: Promise<ValuesBody>): Promise<ValuesBody> => {
    const call: Call = { range, signal, opened: 'pending', body: 'none', destroyed: false };
    calls.push(call);
    return opening.then(
      (body) => {
        call.opened = 'resolved';
        return recordBody(body, call);
      },
      (error: unknown) => {
        call.opened = 'rejected';
        throw error;
      },
    );
  };
  const api: SheetsApi = {
    host: real.host,
    principal: real.principal,
    getMetadata: (signal) => real.getMetadata(signal),
    getFormats: (ranges, signal) => real.getFormats(ranges, signal),
    openValues: (range, signal) => record(range, signal, real.openValues(range, signal)),
    openBatch: (ranges, signal) => record(ranges.join(' '), signal, real.openBatch(ranges, signal)),
    close: () => real.close(),
  };
  return { api, calls };
}

/** Every request the engine started has ended: none pending, every answer's body let go. */
function expectAllSettled(calls: Call[]): void {
  for (const c of calls) {
    expect(c.opened, c.range).not.toBe('pending');
    if (c.opened === 'resolved') expect(c.destroyed, `${c.range}: body let go`).toBe(true);
    if (c.opened === 'rejected' || c.body === 'failed') expect(c.signal.aborted, `${c.range}: aborted`).toBe(true);
  }
}

describe('the early read', () => {
  it('a whole first tab: the first rows are asked for without a tab name, beside the metadata; the rest under the quoted name', async () => {
    const rows = grid(7, 3);
    fake = new FakeSheets({ rowCount: 7, columnCount: 3, rows });
    const out = collector();
    await exportToStream({ ...base, chunkRows: 3 }, out.stream);
    expect(out.text()).toBe(plainCsv(rows));
    expect(fake.values().map((s) => s.range?.a1)).toEqual(['A1:ZZZ3', "'Sheet1'!A3:C6", "'Sheet1'!A6:C"]);
    // Sent before the metadata answered: it arrived before the metadata request was replied to.
    const early = fake.values()[0] as Seen;
    expect(early.t).toBeLessThan(fake.meta()[0]?.repliedAt ?? 0);
  });

  it('a named tab that is not the first: read early under its quoted name, its rows only', async () => {
    const first = grid(3, 2);
    const data: Row[] = [['id', 'name'], ['1', 'a'], [], ['3', 'c', 'wide']];
    fake = new FakeSheets([
      { title: 'First', rowCount: 3, columnCount: 2, rows: first },
      { title: 'My data', rowCount: 50, columnCount: 4, rows: data },
    ]);
    const out = collector();
    const summary = await exportToStream({ ...base, range: 'My data', format: 'ndjson' }, out.stream);
    // The first 1,000 rows (the width rule's sample); the API clips the end to the grid.
    expect(fake.values().map((s) => s.range?.a1)).toEqual(["'My data'!A1:ZZZ1000"]);
    // Width: the widest of the first 1,000 rows (3); a missing header cell is named by its letter.
    expect(out.text()).toBe('{"id":"1","name":"a","C":null}\n{"id":null,"name":null,"C":null}\n{"id":"3","name":"c","C":"wide"}\n');
    expect(summary.rows).toBe(3);
  });

  it.each([
    ['answers first', 0],
    ['answers after the other chunks', 60],
  ])(
    'the first tab read without a name is checked by its echo once the read %s: a hidden first tab is not exported in its place',
    async (_, delay) => {
      // The API reads the first visible tab for a range without a tab name; the metadata's first tab is hidden.
      const hidden = grid(6, 3);
      fake = new FakeSheets(
        [
          { title: 'Hidden', hidden: true, rowCount: 6, columnCount: 3, rows: hidden },
          {
            title: 'Shown',
            rowCount: 3,
            columnCount: 2,
            rows: [
              ['x', 'y'],
              ['1', '2'],
            ],
          },
        ],
        {
          values: async (req, answer) => {
            if (req.range?.named === undefined) await sleep(delay);
            return answer();
          },
        },
      );
      const out = collector();
      const summary = await exportToStream({ ...base, chunkRows: 2 }, out.stream);
      expect(out.text()).toBe(plainCsv(hidden));
      expect(summary.range).toBe("'Hidden'!A1:C6");
      expect(summary.rows).toBe(5);
      // The early read of the wrong tab was dropped; every row of 'Hidden' was read by name.
      const named = fake.values().filter((s) => s.range?.named === 'Hidden');
      expect(named.map((s) => s.range?.chunkFirst).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(expect.arrayContaining([1, 3, 5]));
      // The range is read again on the metadata already in hand: one metadata request.
      expect(fake.meta()).toHaveLength(1);
    },
  );

  it('a chart sheet first: the first grid tab is exported, not refused because the early read hit the chart', async () => {
    const orders = grid(5, 2);
    fake = new FakeSheets([
      { title: 'Chart', sheetType: 'OBJECT', rowCount: 0, columnCount: 0 },
      { title: 'Orders', rowCount: 5, columnCount: 2, rows: orders },
    ]);
    const out = collector();
    const summary = await exportToStream({ ...base }, out.stream);
    expect(out.text()).toBe(plainCsv(orders));
    expect(summary.range).toBe("'Orders'!A1:B5");
  });
});

describe('ordering', () => {
  it('writes rows in sheet order when the chunks answer in reverse', async () => {
    // Interior empty rows (4, 7) and ragged rows, so chunk edges carry empties too.
    const rows = grid(16, 3);
    rows[3] = ['', '', ''];
    rows[6] = [];
    rows[9] = ['r10c1'];
    rows[14] = [];
    rows[15] = [];
    const chunkRows = 2;
    const chunks = 8;
    const held = new Map<number, () => void>();
    let allArrived = false;
    fake = new FakeSheets(
      { rowCount: 16, columnCount: 3, rows },
      {
        // Every reply waits until all eight requests are in, then they go back last chunk first.
        values: async (req, answer) => {
          await new Promise<void>((resolve) => {
            held.set(chunkOf(req.range?.chunkFirst, chunkRows), resolve);
            if (held.size < chunks) return;
            allArrived = true;
            void (async () => {
              for (let c = chunks - 1; c >= 0; c--) {
                held.get(c)?.();
                await sleep(10);
              }
            })();
          });
          return answer();
        },
      },
    );
    const out = collector();
    const summary = await exportToStream({ ...base, chunkRows, concurrency: chunks }, out.stream);

    expect(allArrived, 'all eight requests were in flight at once').toBe(true);
    const replyOrder = fake
      .values()
      .slice()
      .sort((a, b) => (a.repliedAt ?? 0) - (b.repliedAt ?? 0))
      .map((s) => chunkOf(s.range?.chunkFirst, chunkRows));
    expect(replyOrder).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    // Trailing empty rows 15-16 dropped; rows padded to the widest of the first rows (3).
    expect(out.text()).toBe(plainCsv(rows));
    expect(out.text().split('\n')[3]).toBe(',,');
    expect(summary.requests).toBe(1 + chunks);
    expect(summary.retries).toBe(0);
  });
});

describe('429 and Retry-After', () => {
  const rateLimited = (retryAfter: string): Reply => [
    429,
    apiError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Read requests'", 'RATE_LIMIT_EXCEEDED'),
    { 'Retry-After': retryAfter },
  ];

  /**
   * With -c 3 the first wave is rows 1-2 (the early read), 3-4 and 5-6. Rows 3-4 get a 429 once all
   * three are in; 1-2 and 5-6 answer 30 ms after it, which frees two slots well inside the pause.
   */
  async function run(retryAfter: () => string) {
    const rows = grid(12, 3);
    let sentAt: { t: number; wall: number; header: string } | undefined;
    fake = new FakeSheets(
      { rowCount: 12, columnCount: 3, rows },
      {
        values: async (req, answer) => {
          const f = fake as FakeSheets;
          if (req.range?.chunkFirst === 3 && req.attempt === 1) {
            await until(() => f.values().length >= 3);
            const header = retryAfter();
            sentAt = { t: performance.now(), wall: Date.now(), header };
            return rateLimited(header);
          }
          if (!sentAt) await until(() => sentAt !== undefined);
          await sleep(30);
          return answer();
        },
      },
    );
    const out = collector();
    const summary = await exportToStream({ ...base, chunkRows: 2, concurrency: 3 }, out.stream);
    expect(out.text()).toBe(plainCsv(rows));
    expect(sentAt).toBeDefined();
    const at = sentAt as NonNullable<typeof sentAt>;
    const f = fake as FakeSheets;
    // The premise: slots were free during the pause (the first wave answered inside it).
    const freed = f.values().filter((s) => s.t < at.t && s.range?.chunkFirst !== 3);
    expect(freed.map((s) => s.range?.chunkFirst).sort()).toEqual([1, 5]);
    // The requests that came after the 429: the retry, and rows 7-8 onwards.
    const later = f.values().filter((s) => s.t > at.t);
    expect(later.map((s) => s.range?.chunkFirst)).toEqual(expect.arrayContaining([3, 7]));
    return { summary, sentAt: at, freed, later };
  }

  it('waits Retry-After seconds, and pauses the whole pool meanwhile', async () => {
    const { summary, sentAt, freed, later } = await run(() => '1');
    for (const s of freed) expect((s.repliedAt ?? Infinity) - sentAt.t, 'a slot freed inside the pause').toBeLessThan(950);
    // Nothing started during the pause, although two slots were free long before it ended.
    for (const s of later) expect(s.t - sentAt.t, `request for ${s.range?.a1}`).toBeGreaterThanOrEqual(950);
    expect(summary.retries).toBe(1);
  });

  it('honours Retry-After as an HTTP date', async () => {
    // Whole seconds: the date format has no finer resolution; 1-2 s from now.
    let target = 0;
    const { sentAt, later } = await run(() => {
      target = Math.ceil((Date.now() + 1000) / 1000) * 1000;
      return new Date(target).toUTCString();
    });
    expect(sentAt.header).toMatch(/GMT$/);
    for (const s of later) expect(s.wall, `request for ${s.range?.a1}`).toBeGreaterThanOrEqual(target - 25);
  });
});

describe('transient failures', () => {
  it('retries a 503 and writes the same bytes; summary.retries counts it', async () => {
    const rows = grid(6, 3);
    fake = new FakeSheets(
      { rowCount: 6, columnCount: 3, rows },
      {
        values: (req, answer) => (req.range?.chunkFirst === 3 && req.attempt === 1 ? UNAVAILABLE : answer()),
      },
    );
    const out = collector();
    const summary = await exportToStream({ ...base, chunkRows: 2, concurrency: 2 }, out.stream);
    expect(out.text()).toBe(plainCsv(rows));
    expect(fake.attemptsAt(3).map((s) => s.range?.a1)).toEqual(["'Sheet1'!A2:C4", "'Sheet1'!A2:C4"]);
    expect(summary.retries).toBe(1);
    // The metadata, the early read (rows 1-2), rows 3-4 twice, rows 5-6.
    expect(summary.requests).toBe(5);
    expect(summary.rows).toBe(5);
  });

  it('aborts a hung request at its timeout, retries it at the same size, and leaves no timer or handle behind', async () => {
    const rows = grid(6, 3);
    fake = new FakeSheets(
      { rowCount: 6, columnCount: 3, rows },
      {
        values: (req, answer) => (req.range?.chunkFirst === 3 && req.attempt === 1 ? (fake as FakeSheets).hang() : answer()),
      },
    );
    const { api, calls } = await recordingApi();
    const out = collector();
    const activeBefore = countByType(process.getActiveResourcesInfo());
    const created = trackResources();
    let summary;
    try {
      summary = await exportToStream({ ...base, api, chunkRows: 2, concurrency: 2, timeout: 0.5 }, out.stream);
      api.close();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      created.stop();
    }

    expect(out.text()).toBe(plainCsv(rows));
    // A stall is retried first at the same size (halved only when it stalls again).
    const attempts = fake.attemptsAt(3);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[1]?.range?.a1).toBe("'Sheet1'!A2:C4");
    expect(summary.retries).toBeGreaterThanOrEqual(1);
    // The server never answered the first attempt: only the abort can have settled it.
    const hung = calls.find((c) => c.range === "'Sheet1'!A2:C4");
    expect(hung?.signal.aborted).toBe(true);
    expect(String((hung?.signal.reason as Error | undefined)?.message)).toMatch(/timed out after 500 ms/);
    expect(hung?.opened).toBe('rejected');
    expectAllSettled(calls);

    // Nothing created during the export outlives it (the attempt timers, the backoff sleep,
    // sockets), and the process holds no more resources of any type than before.
    expect(created.alive()).toEqual([]);
    const activeAfter = countByType(process.getActiveResourcesInfo());
    for (const [type, n] of activeAfter) expect(n, type).toBeLessThanOrEqual(activeBefore.get(type) ?? 0);
  });

  it('gives up after retries+1 attempts with UnavailableError (exit 5) naming the chunk, its range and the last error', async () => {
    const rows = grid(6, 3);
    fake = new FakeSheets(
      { rowCount: 6, columnCount: 3, rows },
      {
        values: (req, answer) => (req.range?.chunkFirst === 3 ? UNAVAILABLE : answer()),
      },
    );
    const error = await rejection(exportToStream({ ...base, chunkRows: 2, concurrency: 1, retries: 2 }, collector().stream));
    expect(error).toBeInstanceOf(UnavailableError);
    const e = error as UnavailableError;
    expect(e.exitCode).toBe(5);
    expect(e.code).toBe('SHEETPIPE_UNAVAILABLE');
    expect(e.message).toBe(
      "chunk 2/3 ('Sheet1'!A3:C4) failed 3 times (last: 503 UNAVAILABLE The service is currently unavailable.); the API stayed unavailable, rerun later",
    );
    expect(fake.attemptsAt(3)).toHaveLength(3);
  });

  const exhausted: { name: string; reply?: () => Reply | Promise<Reply>; reset?: true; timeout?: number; message: RegExp }[] = [
    {
      name: 'quota 429s',
      reply: () => [429, apiError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Read requests'", 'RATE_LIMIT_EXCEEDED')],
      message:
        /^chunk 2\/3 \('Sheet1'!A3:C4\) was refused for quota 3 times \(last: 429 RESOURCE_EXHAUSTED .*\); lower --max-rpm .* or rerun later$/,
    },
    {
      name: 'a connection reset',
      reset: true,
      message:
        /^chunk 2\/3 \('Sheet1'!A3:C4\): the connection to 127\.0\.0\.1:1 broke 3 times \(last: ECONNRESET\); check the network and the proxy settings, or rerun later$/,
    },
    {
      name: 'an HTML page instead of JSON',
      reply: () => [200, '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>', { 'Content-Type': 'text/html' }],
      message:
        /^chunk 2\/3 \('Sheet1'!A3:C4\): 127\.0\.0\.1:1 answered 3 times with something that is not a Sheets API answer \(last: malformed answer \(the answer is text\/html, not JSON\)\); check --endpoint and the proxy settings$/,
    },
    {
      name: 'a server that never answers',
      reply: () => (fake as FakeSheets).hang(),
      timeout: 1,
      message: /^chunk 2\/3 \('Sheet1'!A3:C4\) timed out 3 times \(last: timed out after 1 s\); raise --timeout or lower --chunk-rows$/,
    },
  ];

  it.each(exhausted)(
    'exhausted retries on $name: UnavailableError (exit 5) with the fix that matches',
    async ({ reply, reset, timeout, message }) => {
      const rows = grid(6, 3);
      // Registered before the fake: nock tries interceptors in the order they were registered.
      if (reset) {
        nock(ROOT)
          .persist()
          .get((path) => decodeURIComponent(path).includes("/values/'Sheet1'!A2:C4"))
          .query(true)
          .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      }
      fake = new FakeSheets(
        { rowCount: 6, columnCount: 3, rows },
        {
          values: (req, answer) => (req.range?.chunkFirst === 3 && reply ? reply() : answer()),
        },
      );
      // Two retries: a timed-out range of 2 rows is retried once at its size, then halved; the
      // halving is not a failure of its own, so the third attempt reads one row and stalls too.
      const error = await rejection(
        exportToStream({ ...base, chunkRows: 2, concurrency: 1, retries: 2, ...(timeout ? { timeout } : {}) }, collector().stream),
      );
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as UnavailableError).exitCode).toBe(5);
      expect((error as Error).message).toMatch(message);
    },
  );

  it('with retries: 0 a single 503 makes exactly one request (the client does not retry on its own)', async () => {
    fake = new FakeSheets({ rowCount: 4, columnCount: 2, rows: grid(4, 2) }, { values: () => UNAVAILABLE });
    await expect(exportToStream({ ...base, chunkRows: 10, retries: 0 }, collector().stream)).rejects.toBeInstanceOf(UnavailableError);
    // The early read holds the whole 4-row tab: it is the only values request.
    expect(fake.values().map((s) => s.range?.a1)).toEqual(['A1:ZZZ10']);
  });

  it('with retries: 0 a 503 on the metadata request makes exactly one metadata request', async () => {
    fake = new FakeSheets({ rowCount: 4, columnCount: 2, rows: grid(4, 2) }, { meta: () => UNAVAILABLE });
    await expect(exportToStream({ ...base, retries: 0 }, collector().stream)).rejects.toBeInstanceOf(UnavailableError);
    expect(fake.meta()).toHaveLength(1);
    // At most the early read, started beside it.
    expect(fake.values().length).toBeLessThanOrEqual(1);
  });
});

describe('final errors are typed and not retried', () => {
  const cases: {
    name: string;
    where: 'meta' | 'values';
    reply: Reply;
    type: new (...args: never[]) => Error;
    exit: number;
    message?: RegExp;
  }[] = [
    {
      name: '401 on metadata',
      where: 'meta',
      reply: [
        401,
        legacyApiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'authError'),
        { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      ],
      type: AuthError,
      exit: 3,
      message: /the credentials were refused/,
    },
    {
      name: '403 on metadata',
      where: 'meta',
      reply: [403, apiError(403, 'PERMISSION_DENIED', 'The caller does not have permission')],
      type: AuthError,
      exit: 3,
      message: /share the spreadsheet/,
    },
    {
      name: '404 on metadata',
      where: 'meta',
      reply: [404, apiError(404, 'NOT_FOUND', 'Requested entity was not found.')],
      type: NotFoundError,
      exit: 4,
      message: new RegExp(`spreadsheet ${SPREADSHEET_ID} was not found`),
    },
    {
      name: '403 scope (ErrorInfo) on metadata',
      where: 'meta',
      reply: [
        403,
        apiError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'),
      ],
      type: AuthError,
      exit: 3,
      message: /lack the spreadsheets\.readonly scope.*--scopes=/,
    },
    {
      name: '403 scope (legacy errors[]) on metadata',
      where: 'meta',
      reply: [403, legacyApiError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'insufficientPermissions')],
      type: AuthError,
      exit: 3,
      message: /lack the spreadsheets\.readonly scope/,
    },
    {
      name: '403 SERVICE_DISABLED on metadata',
      where: 'meta',
      reply: [
        403,
        apiError(
          403,
          'PERMISSION_DENIED',
          'Google Sheets API has not been used in project 1 before or it is disabled.',
          'SERVICE_DISABLED',
        ),
      ],
      type: AuthError,
      exit: 3,
      message: /enable the Google Sheets API/,
    },
    {
      name: '400 API_KEY_INVALID on metadata',
      where: 'meta',
      reply: [400, apiError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', 'API_KEY_INVALID')],
      type: AuthError,
      exit: 3,
      message: /the API key was refused/,
    },
    {
      name: '400 FAILED_PRECONDITION (an Office file) on metadata',
      where: 'meta',
      reply: [400, apiError(400, 'FAILED_PRECONDITION', 'This operation is not supported for this document')],
      type: ApiError,
      exit: 1,
      message: /is an Excel \(Office\) file, not a Google Sheet/,
    },
    {
      name: '401 on values',
      where: 'values',
      reply: [401, apiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.')],
      type: AuthError,
      exit: 3,
    },
    {
      name: '403 on values',
      where: 'values',
      reply: [403, apiError(403, 'PERMISSION_DENIED', 'The caller does not have permission')],
      type: AuthError,
      exit: 3,
      message: /share the spreadsheet/,
    },
    {
      name: '400 on values',
      where: 'values',
      reply: [400, apiError(400, 'INVALID_ARGUMENT', 'Unable to parse range: Sheet1!A1:C2')],
      type: ApiError,
      exit: 1,
      message: /Unable to parse range/,
    },
  ];

  it.each(cases)('$name → $type.name, exit $exit, one request', async ({ where, reply, type, exit, message }) => {
    fake = new FakeSheets(
      { rowCount: 4, columnCount: 3, rows: grid(4, 3) },
      where === 'meta' ? { meta: () => reply } : { values: () => reply },
    );
    const error = await rejection(exportToStream({ ...base, chunkRows: 10, retries: 3 }, collector().stream));
    expect(error).toBeInstanceOf(type);
    expect((error as { exitCode?: number }).exitCode).toBe(exit);
    if (message) expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/[\r\n]/);
    expect(fake.meta()).toHaveLength(1);
    // One values request at most: the early read (it holds the whole tab), never retried.
    if (where === 'values') expect(fake.values()).toHaveLength(1);
    else expect(fake.values().length).toBeLessThanOrEqual(1);
  });
});

describe('concurrency', () => {
  it('never has more than `concurrency` requests in flight, and reaches it', async () => {
    const rows = grid(40, 4);
    fake = new FakeSheets(
      { rowCount: 40, columnCount: 4, rows },
      {
        values: async (_req, answer) => {
          // No reply until three are in flight (or 5 s passed): reaching the cap does not depend on speed.
          await until(() => (fake as FakeSheets).maxValuesInFlight >= 3);
          await sleep(1 + Math.floor(Math.random() * 25));
          return answer();
        },
      },
    );
    const out = collector();
    await exportToStream({ ...base, chunkRows: 2, concurrency: 3 }, out.stream);
    expect(fake.values()).toHaveLength(20);
    expect(fake.maxValuesInFlight).toBe(3);
    // The metadata is never in flight beside three data requests either.
    expect(fake.maxInFlight).toBeLessThanOrEqual(3);
    expect(out.text()).toBe(plainCsv(rows));
  });
});

describe('malformed answers are retried', () => {
  const rows = grid(6, 3);
  const JSON_TYPE = { 'Content-Type': 'application/json; charset=UTF-8' };
  const bad: { name: string; reply: (answer: Reply) => Reply; resumesAt?: number }[] = [
    {
      name: 'a 200 with an HTML body',
      reply: () => [200, '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>', { 'Content-Type': 'text/html' }],
    },
    {
      name: 'a 200 JSON body cut inside the first row',
      reply: () => [200, '{"range":"Sheet1!A2:C4","majorDimension":"ROWS","values":[["r2c1","r2c2","r2c3"],["r3c1","r3', JSON_TYPE],
    },
    {
      name: 'a 200 JSON body cut after the first row (resumed from the row after it)',
      reply: () => [
        200,
        '{"range":"Sheet1!A2:C4","majorDimension":"ROWS","values":[["r2c1","r2c2","r2c3"],["r3c1","r3c2","r3c3"],["r4c',
        JSON_TYPE,
      ],
      resumesAt: 4,
    },
    {
      name: 'a row that is not an array',
      reply: (answer) => [200, { ...(answer[1] as object), values: [['r2c1', 'r2c2', 'r2c3'], 'r3c1', ['r4c1', 'r4c2', 'r4c3']] }],
    },
    { name: 'a 200 JSON that is not a ValueRange', reply: () => [200, { kind: 'something else', items: [1, 2] }] },
  ];

  it.each(bad)('$name', async ({ reply, resumesAt }) => {
    fake = new FakeSheets(
      { rowCount: 6, columnCount: 3, rows },
      {
        values: (req, answer) => (req.range?.chunkFirst === 3 && req.attempt === 1 ? reply(answer()) : answer()),
      },
    );
    const out = collector();
    const summary = await exportToStream({ ...base, chunkRows: 2, concurrency: 2 }, out.stream);
    expect(out.text()).toBe(plainCsv(rows));
    if (resumesAt === undefined) {
      expect(fake.attemptsAt(3).map((s) => s.range?.a1)).toEqual(["'Sheet1'!A2:C4", "'Sheet1'!A2:C4"]);
    } else {
      expect(fake.attemptsAt(3)).toHaveLength(1);
      // Continued from the first row not yet written, with the row before it to check that nothing moved.
      expect(fake.attemptsAt(resumesAt).map((s) => s.range?.a1)).toEqual([`'Sheet1'!A${resumesAt - 1}:C4`]);
    }
    expect(summary.retries).toBe(1);
  });

  // An answer is written only once it is known good: one refused after every row asked for came
  // whole counts for nothing, and its rows are read again, and written once.
  it.each([
    [
      'a row more than asked',
      (values: Row[]) => ({ range: 'Sheet1!A3:C4', majorDimension: 'ROWS', values: [...values, ['extra', 'row', 'x']] }),
    ],
    ['no range', (values: Row[]) => ({ majorDimension: 'ROWS', values })],
    [
      'values twice',
      (values: Row[]) => `{"range":"Sheet1!A3:C4","majorDimension":"ROWS","values":${JSON.stringify(values)},"values":[["x","y","z"]]}`,
    ],
    ['bytes after its end', (values: Row[]) => `${JSON.stringify({ range: 'Sheet1!A3:C4', majorDimension: 'ROWS', values })}{"values":[]}`],
    [
      'column-major',
      (values: Row[]) => ({ range: 'Sheet1!A3:C4', majorDimension: 'COLUMNS', values: [values.map((r) => r[0]), values.map((r) => r[1])] }),
    ],
  ] as const)(
    'an answer spoilt after the rows asked (%s): refused whole, its rows read again and written once, one retry',
    async (_, spoil) => {
      const events = new ExportEvents();
      const retries: string[] = [];
      events.on('retry', (info) => retries.push(info.kind));
      fake = new FakeSheets(
        { rowCount: 6, columnCount: 3, rows },
        {
          values: (req, answer) => {
            if (req.range?.chunkFirst !== 3 || req.attempt !== 1) return answer();
            return [200, spoil((answer()[1] as { values: Row[] }).values), JSON_TYPE];
          },
        },
      );
      const out = collector();
      const summary = await exportToStream({ ...base, chunkRows: 2, concurrency: 2, events }, out.stream);
      expect(out.text()).toBe(plainCsv(rows));
      expect(out.text()).not.toMatch(/extra|x,y,z/);
      expect(fake.attemptsAt(3).map((s) => s.range?.a1)).toEqual(["'Sheet1'!A2:C4", "'Sheet1'!A2:C4"]);
      expect(retries).toEqual(['malformed']);
      expect(summary.rows).toBe(5);
    },
  );

  it('a connection reset is retried', async () => {
    // Registered before the fake, so nock uses it first for the one matching request.
    const reset = nock(ROOT)
      .get((path) => decodeURIComponent(path).includes("/values/'Sheet1'!A2:C4"))
      .query(true)
      // An Error instance: nock turns a plain object into no error at all on http.ClientRequest.
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    fake = new FakeSheets({ rowCount: 6, columnCount: 3, rows });
    const events = new ExportEvents();
    const kinds: string[] = [];
    events.on('retry', (info) => kinds.push(info.kind));
    const out = collector();
    const summary = await exportToStream({ ...base, chunkRows: 2, concurrency: 2, events }, out.stream);
    reset.done();
    expect(out.text()).toBe(plainCsv(rows));
    expect(fake.attemptsAt(3)).toHaveLength(1);
    expect(kinds).toEqual(['reset']);
    expect(summary.retries).toBe(1);
  });
});

describe('stopping early', () => {
  it('a destination that fails with EPIPE stops the export: BrokenPipe (exit 0), no further requests', async () => {
    const rows = grid(40, 3);
    fake = new FakeSheets(
      { rowCount: 40, columnCount: 3, rows },
      {
        values: async (_req, answer) => {
          await sleep(10);
          return answer();
        },
      },
    );
    const { api, calls } = await recordingApi();
    let writes = 0;
    let callsAtEpipe = -1;
    const destination = new Writable({
      write(_chunk, _encoding, callback) {
        writes += 1;
        if (writes === 1) return callback();
        callsAtEpipe = calls.length;
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }));
      },
    });
    const concurrency = 2;
    const error = await rejection(exportToStream({ ...base, api, chunkRows: 2, concurrency }, destination));
    expect(error).toBeInstanceOf(BrokenPipe);
    expect((error as BrokenPipe).exitCode).toBe(0);
    expect(writes).toBe(2);
    // Counted where requests start (the client), not where nock sees them: nock still replays a
    // request that was aborted on the way, a few ms later.
    const atReject = calls.length;
    expect(atReject).toBe(callsAtEpipe);
    // The window's bound: the parts written, plus at most 2 × concurrency + 1 started ahead.
    expect(atReject).toBeLessThanOrEqual(2 + 2 * concurrency + 1);
    expect(atReject).toBeLessThan(20);
    await sleep(100);
    expect(calls).toHaveLength(atReject);
    expectAllSettled(calls);
    // Every request nock saw was one the client started before the pipe broke.
    expect(fake.values().length).toBeLessThanOrEqual(atReject);
  });

  it('aborting the signal mid-export rejects with its reason and aborts the requests in flight', async () => {
    const rows = grid(20, 3);
    fake = new FakeSheets(
      { rowCount: 20, columnCount: 3, rows },
      {
        // Rows 1-2 answer; the rest hang for good (the timeout is far away): only an abort ends them.
        values: (req, answer) => (req.range?.chunkFirst === 1 ? answer() : (fake as FakeSheets).hang()),
      },
    );
    const { api, calls } = await recordingApi();
    const controller = new AbortController();
    const reason = new Error('the caller cancelled');
    let wrote = false;
    const destination = new Writable({
      write(_chunk, _encoding, callback) {
        if (!wrote) {
          wrote = true;
          // Abort once rows are flowing and the next requests are under way.
          void until(() => calls.length >= 3).then(() => controller.abort(reason));
        }
        callback();
      },
    });
    const error = await rejection(
      exportToStream({ ...base, api, chunkRows: 2, concurrency: 3, timeout: 60, signal: controller.signal }, destination),
    );
    expect(error, "the rejection is the signal's reason").toBe(reason);
    const inFlight = calls.filter((c) => c.range !== 'A1:ZZZ2');
    expect(inFlight.length).toBeGreaterThan(0);
    await new Promise((resolve) => setImmediate(resolve));
    for (const call of inFlight) {
      expect(call.signal.aborted, call.range).toBe(true);
      expect(call.opened, call.range).toBe('rejected');
    }
    expectAllSettled(calls);
    const count = fake.values().length;
    await sleep(50);
    expect(fake.values()).toHaveLength(count);
  });

  it('limit: 5 with a header on a 100,000-row sheet fetches only rows 1..6', async () => {
    fake = new FakeSheets({
      rowCount: 100_000,
      columnCount: 3,
      row: (r) => (r === 1 ? ['id', 'name', 'qty'] : [String(r - 1), `n${r - 1}`, String(r * 3)]),
    });
    const out = collector();
    const summary = await exportToStream({ ...base, limit: 5 }, out.stream);
    // One request for the rows, read early beside the metadata; the API clips ZZZ to the grid.
    expect(fake.values().map((s) => s.range?.a1)).toEqual(['A1:ZZZ6']);
    expect(out.text()).toBe('id,name,qty\n1,n1,6\n2,n2,9\n3,n3,12\n4,n4,15\n5,n5,18\n');
    expect(summary.rows).toBe(5);
    expect(summary.requests).toBe(2);
  });
});

describe('readRows', () => {
  it('yields rows in sheet order, as the export writes them: padded to the width, empty cells null', async () => {
    const rows: Row[] = grid(10, 3);
    rows[0] = ['id', 'name'];
    rows[2] = ['r3c1', '', 'r3c3'];
    rows[4] = [];
    rows[6] = ['r7c1'];
    fake = new FakeSheets(
      { rowCount: 12, columnCount: 3, rows },
      {
        values: async (_req, answer) => {
          await sleep(Math.floor(Math.random() * 20));
          return answer();
        },
      },
    );
    const got: Row[] = [];
    for await (const row of readRows({ ...base, chunkRows: 2, concurrency: 6 })) got.push(row);
    expect(got).toEqual(readRowsOf(rows));
    expect(got[0]).toEqual(['id', 'name', null]);
    expect(got[2]).toEqual(['r3c1', null, 'r3c3']);
    expect(got[4]).toEqual([null, null, null]);
    expect(got).toHaveLength(10);
  });

  it('breaking out early stops fetching and aborts what is in flight', async () => {
    fake = new FakeSheets(
      { rowCount: 200, columnCount: 2, rows: grid(200, 2) },
      {
        // Rows 1-4 answer; later ones hang, so the requests the reader can cause are bounded.
        values: (req, answer) => ((req.range?.chunkFirst ?? 1) <= 4 ? answer() : (fake as FakeSheets).hang()),
      },
    );
    const { api, calls } = await recordingApi();
    const got: Row[] = [];
    for await (const row of readRows({ ...base, api, chunkRows: 2, concurrency: 2 })) {
      got.push(row);
      if (got.length === 3) break;
    }
    const callsAtBreak = calls.length;
    expect(got).toEqual(grid(3, 2));
    // Rows 1-2 and 3-4, then at most `concurrency` requests that hang.
    expect(callsAtBreak).toBeLessThanOrEqual(4);
    await sleep(100);
    expect(calls).toHaveLength(callsAtBreak);
    expectAllSettled(calls);
    expect(fake.values().length).toBeLessThanOrEqual(callsAtBreak);
  });

  it("rejects with the signal's reason when aborted", async () => {
    fake = new FakeSheets(
      { rowCount: 20, columnCount: 2, rows: grid(20, 2) },
      {
        values: (req, answer) => (req.range?.chunkFirst === 1 ? answer() : (fake as FakeSheets).hang()),
      },
    );
    const controller = new AbortController();
    const reason = new Error('the caller cancelled');
    const got: Row[] = [];
    const error = await rejection(
      (async () => {
        for await (const row of readRows({ ...base, chunkRows: 2, concurrency: 2, timeout: 60, signal: controller.signal })) {
          got.push(row);
          if (got.length === 2) setTimeout(() => controller.abort(reason), 20);
        }
      })(),
    );
    expect(got).toEqual(grid(2, 2));
    expect(error).toBe(reason);
  });
});

describe('render options', () => {
  const rows: Row[] = [
    ['name', 'qty', 'ok', 'when'],
    ['apple', 3, true, 45292],
    ['pear', 1.5, false, 45293.5],
    ['fig', '', null, 45294],
  ];

  it("NDJSON with render: 'unformatted' keeps numbers and booleans typed (UNFORMATTED_VALUE on the wire), empty cells null", async () => {
    fake = new FakeSheets({ rowCount: 4, columnCount: 4, rows });
    const out = collector();
    await exportToStream({ ...base, format: 'ndjson', render: 'unformatted' }, out.stream);
    expect(out.text()).toBe(
      '{"name":"apple","qty":3,"ok":true,"when":45292}\n{"name":"pear","qty":1.5,"ok":false,"when":45293.5}\n{"name":"fig","qty":null,"ok":null,"when":45294}\n',
    );
    for (const seen of fake.values()) {
      expect(seen.query.get('valueRenderOption')).toBe('UNFORMATTED_VALUE');
      expect(seen.query.get('dateTimeRenderOption')).toBe('SERIAL_NUMBER');
      expect(seen.query.get('majorDimension')).toBe('ROWS');
    }
  });

  it('sends dateTimeRenderOption when dates are set', async () => {
    fake = new FakeSheets({ rowCount: 4, columnCount: 4, rows });
    await exportToStream({ ...base, format: 'ndjson', render: 'unformatted', dates: 'string' }, collector().stream);
    const query = fake.values()[0]?.query;
    expect(query?.get('valueRenderOption')).toBe('UNFORMATTED_VALUE');
    expect(query?.get('dateTimeRenderOption')).toBe('FORMATTED_STRING');
  });

  it('the default is FORMATTED_VALUE without dateTimeRenderOption, and metadata asks for a fields mask', async () => {
    fake = new FakeSheets({ rowCount: 4, columnCount: 4, rows });
    await exportToStream({ ...base }, collector().stream);
    const query = fake.values()[0]?.query;
    expect(query?.get('valueRenderOption')).toBe('FORMATTED_VALUE');
    expect(query?.has('dateTimeRenderOption')).toBe(false);
    const fields = fake.meta()[0]?.query.get('fields') ?? '';
    expect(fields).toContain('gridProperties(rowCount,columnCount)');
    expect(fields).not.toMatch(/\s/);
  });

  it('asks for compact JSON (the API pretty-prints by default)', async () => {
    fake = new FakeSheets({ rowCount: 4, columnCount: 4, rows });
    await exportToStream({ ...base, chunkRows: 2 }, collector().stream);
    expect(fake.values().length).toBeGreaterThan(1);
    for (const seen of fake.seen) expect(seen.query.get('prettyPrint'), seen.path).toBe('false');
  });
});
