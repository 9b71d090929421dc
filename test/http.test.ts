/**
 * HTTP behaviour of the export through the real client (@googleapis/sheets → gaxios → node-fetch),
 * with nock answering on a loopback root and the network disabled.
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
import { createSheetsApi, type SheetsApi, type ValueRender } from '../src/google/client.js';
import {
  ENDPOINT,
  FakeSheets,
  ROOT,
  SPREADSHEET_ID,
  UNAVAILABLE,
  apiError,
  collector,
  grid,
  plainCsv,
  sleep,
  type Reply,
} from './http-fake.js';

const base = {
  spreadsheet: SPREADSHEET_ID,
  endpoint: ENDPOINT,
  maxRpm: 0,
  timeout: 5,
  backoff: { baseMs: 5, capMs: 20, jitterMs: 1 },
} satisfies Partial<StreamExportOptions>;

/** Index (0-based) of the chunk a values request belongs to, for fixed `chunkRows`. */
const chunkOf = (firstRow: number | undefined, chunkRows: number) => Math.floor(((firstRow ?? 1) - 1) / chunkRows);

let fake: FakeSheets | undefined;
const unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) => unmatched.push(`${req.method ?? ''} ${req.href ?? req.path ?? ''}`);

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', onNoMatch);
});

afterEach(() => {
  fake?.release();
  fake = undefined;
  nock.abortPendingRequests();
  nock.cleanAll();
  // A request nock did not expect would be retried as a network error and hide a bug.
  expect(unmatched.splice(0)).toEqual([]);
});

afterAll(() => {
  nock.emitter.removeListener('no match', onNoMatch);
  nock.enableNetConnect();
});

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
  settled: 'pending' | 'resolved' | 'rejected';
}
/** Wraps the real client to see each attempt's signal and whether its promise settled. */
async function recordingApi(options: { render?: ValueRender } = {}): Promise<{ api: SheetsApi; calls: Call[] }> {
  const real = await createSheetsApi({ spreadsheetId: SPREADSHEET_ID, endpoint: ENDPOINT, valueRender: options.render });
  const calls: Call[] = [];
  const api: SheetsApi = {
    principal: real.principal,
    getMetadata: (signal) => real.getMetadata(signal),
    getValues: (range, signal) => {
      const call: Call = { range, signal, settled: 'pending' };
      calls.push(call);
      return real.getValues(range, signal).then(
        (value) => {
          call.settled = 'resolved';
          return value;
        },
        (error: unknown) => {
          call.settled = 'rejected';
          throw error;
        },
      );
    },
  };
  return { api, calls };
}

describe('ordering', () => {
  it('writes rows in sheet order when later chunks answer first', async () => {
    // Interior empty rows (4, 7) and ragged rows, so chunk edges carry empties too.
    const rows = grid(16, 3);
    rows[3] = ['', '', ''];
    rows[6] = [];
    rows[9] = ['r10c1'];
    rows[14] = [];
    rows[15] = [];
    const chunkRows = 2;
    fake = new FakeSheets({ rowCount: 16, columnCount: 3, rows }, {
      values: async (req, answer) => {
        await sleep((8 - chunkOf(req.range?.firstRow, chunkRows)) * 20);
        return answer();
      },
    });
    const out = collector();
    const summary = await exportToStream({ ...base, chunkRows, concurrency: 8 }, out.stream);

    const replyOrder = fake
      .values()
      .slice()
      .sort((a, b) => (a.repliedAt ?? 0) - (b.repliedAt ?? 0))
      .map((s) => chunkOf(s.range?.firstRow, chunkRows));
    expect(replyOrder).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    expect(out.text()).toBe(plainCsv(rows, 3));
    expect(summary.requests).toBe(9);
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
   * Chunk 1 gets a 429 at once; chunks 2 and 3 answer 30 ms later, which frees two slots (and the
   * window allows chunk 4) well inside the pause. Returns when each request arrived.
   */
  async function run(retryAfter: () => string) {
    const rows = grid(12, 3);
    const chunkRows = 2;
    let sentAt: { t: number; wall: number; header: string } | undefined;
    fake = new FakeSheets({ rowCount: 12, columnCount: 3, rows }, {
      values: async (req, answer) => {
        if (req.range?.firstRow === 1 && req.attempt === 1) {
          const header = retryAfter();
          sentAt = { t: performance.now(), wall: Date.now(), header };
          return rateLimited(header);
        }
        await sleep(30);
        return answer();
      },
    });
    const out = collector();
    const summary = await exportToStream({ ...base, chunkRows, concurrency: 3 }, out.stream);
    expect(out.text()).toBe(plainCsv(rows));
    expect(sentAt).toBeDefined();
    return { summary, sentAt: sentAt as NonNullable<typeof sentAt>, chunkRows };
  }

  it('waits Retry-After seconds, and pauses the whole pool meanwhile', async () => {
    const { summary, sentAt, chunkRows } = await run(() => '1');
    const f = fake as FakeSheets;
    const retry = f.attemptsAt(1)[1];
    expect(retry, 'chunk 1 was retried').toBeDefined();
    expect((retry?.t ?? 0) - sentAt.t).toBeGreaterThanOrEqual(950);

    // Every request other than the first wave (chunks 1-3) was held until the pause ended,
    // although chunks 2 and 3 had freed their slots long before.
    const later = f.values().filter((s) => !(s.attempt === 1 && chunkOf(s.range?.firstRow, chunkRows) < 3));
    expect(later.map((s) => chunkOf(s.range?.firstRow, chunkRows))).toEqual(expect.arrayContaining([0, 3]));
    for (const s of later) expect(s.t - sentAt.t, `request for ${s.range?.a1}`).toBeGreaterThanOrEqual(950);
    expect(summary.retries).toBe(1);
  });

  it('honours Retry-After as an HTTP date', async () => {
    // Whole seconds: the date format has no finer resolution; 1-2 s from now.
    let target = 0;
    const { sentAt, chunkRows } = await run(() => {
      target = Math.ceil((Date.now() + 1000) / 1000) * 1000;
      return new Date(target).toUTCString();
    });
    expect(sentAt.header).toMatch(/GMT$/);
    const f = fake as FakeSheets;
    const retry = f.attemptsAt(1)[1];
    expect(retry).toBeDefined();
    expect(retry?.wall ?? 0).toBeGreaterThanOrEqual(target - 25);
    const chunk4 = f.values().find((s) => chunkOf(s.range?.firstRow, chunkRows) === 3);
    expect(chunk4?.wall ?? 0).toBeGreaterThanOrEqual(target - 25);
  });
});

describe('transient failures', () => {
  it('retries a 503 and writes the same bytes; summary.retries counts it', async () => {
    const rows = grid(6, 3);
    fake = new FakeSheets({ rowCount: 6, columnCount: 3, rows }, {
      values: (req, answer) => (req.range?.firstRow === 3 && req.attempt === 1 ? UNAVAILABLE : answer()),
    });
    const out = collector();
    const summary = await exportToStream({ ...base, chunkRows: 2, concurrency: 2 }, out.stream);
    expect(out.text()).toBe(plainCsv(rows));
    expect(fake.attemptsAt(3)).toHaveLength(2);
    expect(summary.retries).toBe(1);
    expect(summary.requests).toBe(1 + 3 + 1);
    expect(summary.rows).toBe(5);
  });

  it('aborts a hung request at its timeout, retries it, and leaves no timer or handle behind', async () => {
    const rows = grid(6, 3);
    fake = new FakeSheets({ rowCount: 6, columnCount: 3, rows }, {
      values: (req, answer) => (req.range?.firstRow === 3 && req.attempt === 1 ? (fake as FakeSheets).hang() : answer()),
    });
    const { api, calls } = await recordingApi();
    const out = collector();
    const activeBefore = countByType(process.getActiveResourcesInfo());
    const created = trackResources();
    let summary;
    try {
      // One-row chunks: a timed-out request of one row is retried as it is (larger ones are split).
      summary = await exportToStream({ ...base, api, chunkRows: 1, concurrency: 2, timeout: 0.2 }, out.stream);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      created.stop();
    }

    expect(out.text()).toBe(plainCsv(rows));
    expect(fake.attemptsAt(3)).toHaveLength(2);
    expect(summary.retries).toBe(1);
    // The server never answered the first attempt: only the abort can have settled it.
    const hung = calls.filter((c) => c.range.endsWith('!A3:C3'))[0];
    expect(hung?.signal.aborted).toBe(true);
    expect(String((hung?.signal.reason as Error | undefined)?.message)).toMatch(/timed out after 200 ms/);
    expect(hung?.settled).toBe('rejected');
    expect(calls.every((c) => c.settled !== 'pending')).toBe(true);

    // Nothing created during the export outlives it (the 200 ms attempt timer, the backoff sleep,
    // sockets), and the process holds no more resources of any type than before.
    expect(created.alive()).toEqual([]);
    const activeAfter = countByType(process.getActiveResourcesInfo());
    for (const [type, n] of activeAfter) expect(n, type).toBeLessThanOrEqual(activeBefore.get(type) ?? 0);
  });

  it('gives up after retries+1 attempts with UnavailableError (exit 5) naming the chunk, its range and the last error', async () => {
    const rows = grid(6, 3);
    fake = new FakeSheets({ rowCount: 6, columnCount: 3, rows }, {
      values: (req, answer) => (req.range?.firstRow === 3 ? UNAVAILABLE : answer()),
    });
    const error = await exportToStream({ ...base, chunkRows: 2, concurrency: 1, retries: 2 }, collector().stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    const e = error as UnavailableError;
    expect(e.exitCode).toBe(5);
    expect(e.code).toBe('SHEETPIPE_UNAVAILABLE');
    expect(e.message).toContain('chunk 2/3');
    expect(e.message).toContain("'Sheet1'!A3:C4");
    expect(e.message).toContain('503');
    expect(e.message).toMatch(/3 times|attempt 3\/3/);
    expect(fake.attemptsAt(3)).toHaveLength(3);
  });

  it('with retries: 0 a single 503 makes exactly one request (the client library does not retry on its own)', async () => {
    fake = new FakeSheets({ rowCount: 4, columnCount: 2, rows: grid(4, 2) }, { values: () => UNAVAILABLE });
    await expect(exportToStream({ ...base, chunkRows: 10, retries: 0 }, collector().stream)).rejects.toBeInstanceOf(UnavailableError);
    expect(fake.values()).toHaveLength(1);
  });

  it('with retries: 0 a 503 on the metadata request makes exactly one request', async () => {
    fake = new FakeSheets({ rowCount: 4, columnCount: 2, rows: grid(4, 2) }, { meta: () => UNAVAILABLE });
    await expect(exportToStream({ ...base, retries: 0 }, collector().stream)).rejects.toBeInstanceOf(UnavailableError);
    expect(fake.seen).toHaveLength(1);
  });
});

describe('final errors are typed and not retried', () => {
  const cases: { name: string; where: 'meta' | 'values'; reply: Reply; type: new (...args: never[]) => Error; exit: number; message?: RegExp }[] = [
    {
      name: '401 on metadata',
      where: 'meta',
      reply: [401, apiError(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential.')],
      type: AuthError,
      exit: 3,
      message: /credentials/,
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
      message: new RegExp(SPREADSHEET_ID),
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
    },
  ];

  it.each(cases)('$name → $type.name, exit $exit, one request', async ({ where, reply, type, exit, message }) => {
    fake = new FakeSheets({ rowCount: 4, columnCount: 3, rows: grid(4, 3) }, where === 'meta' ? { meta: () => reply } : { values: () => reply });
    const error = await exportToStream({ ...base, chunkRows: 10, retries: 3 }, collector().stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(type);
    expect((error as { exitCode?: number }).exitCode).toBe(exit);
    if (message) expect((error as Error).message).toMatch(message);
    expect(where === 'meta' ? fake.meta() : fake.values()).toHaveLength(1);
    expect(fake.seen).toHaveLength(where === 'meta' ? 1 : 2);
  });
});

describe('concurrency', () => {
  it('never has more than `concurrency` requests in flight, and reaches it', async () => {
    const rows = grid(40, 4);
    fake = new FakeSheets({ rowCount: 40, columnCount: 4, rows }, {
      values: async (_req, answer) => {
        await sleep(1 + Math.floor(Math.random() * 25));
        return answer();
      },
    });
    const out = collector();
    await exportToStream({ ...base, chunkRows: 2, concurrency: 3 }, out.stream);
    expect(fake.values()).toHaveLength(20);
    expect(fake.maxInFlight).toBeLessThanOrEqual(3);
    expect(fake.maxInFlight).toBe(3);
    expect(out.text()).toBe(plainCsv(rows));
  });
});

describe('malformed answers are retried', () => {
  const rows = grid(6, 3);
  const bad: { name: string; reply: (answer: Reply) => Reply }[] = [
    { name: 'a 200 with an HTML body', reply: () => [200, '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>', { 'Content-Type': 'text/html' }] },
    {
      name: 'a 200 with truncated JSON',
      reply: () => [200, '{"range":"Sheet1!A3:C4","majorDimension":"ROWS","values":[["r3c1","r3', { 'Content-Type': 'application/json; charset=UTF-8' }],
    },
    {
      name: 'a 200 JSON without range',
      reply: (answer) => [200, { majorDimension: 'ROWS', values: (answer[1] as { values: Row[] }).values }],
    },
    {
      name: 'a row that is not an array',
      reply: (answer) => [200, { ...(answer[1] as object), values: ['r3c1', ['r4c1', 'r4c2', 'r4c3']] }],
    },
    {
      name: 'more rows than asked',
      reply: (answer) => [200, { ...(answer[1] as object), values: [['a'], ['b'], ['c']] }],
    },
  ];

  it.each(bad)('$name', async ({ reply }) => {
    fake = new FakeSheets({ rowCount: 6, columnCount: 3, rows }, {
      values: (req, answer) => (req.range?.firstRow === 3 && req.attempt === 1 ? reply(answer()) : answer()),
    });
    const out = collector();
    const summary = await exportToStream({ ...base, chunkRows: 2, concurrency: 2 }, out.stream);
    expect(out.text()).toBe(plainCsv(rows));
    expect(fake.attemptsAt(3)).toHaveLength(2);
    expect(summary.retries).toBe(1);
  });

  it('a connection reset is retried', async () => {
    // Registered before the fake, so nock uses it first for the one matching request.
    const reset = nock(ROOT)
      .get((path) => decodeURIComponent(path).includes("/values/'Sheet1'!A3:C4"))
      .query(true)
      // An Error instance: nock 14 turns a plain object into no error at all on http.ClientRequest,
      // and the request then hangs until the timeout.
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
    expect(kinds).toEqual(['network']);
    expect(summary.retries).toBe(1);
  });
});

describe('stopping early', () => {
  it('a destination that fails with EPIPE stops the export: BrokenPipe (exit 0), no further requests', async () => {
    const rows = grid(40, 3);
    fake = new FakeSheets({ rowCount: 40, columnCount: 3, rows }, {
      values: async (_req, answer) => {
        await sleep(10);
        return answer();
      },
    });
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
    const error = await exportToStream({ ...base, api, chunkRows: 2, concurrency: 2 }, destination).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BrokenPipe);
    expect((error as BrokenPipe).exitCode).toBe(0);
    expect(writes).toBe(2);
    // Counted where requests start (the client), not where nock sees them: nock still replays a
    // request that was aborted on the way, a few ms later.
    const atReject = calls.length;
    expect(atReject).toBe(callsAtEpipe);
    expect(atReject).toBeLessThanOrEqual(5);
    await sleep(100);
    expect(calls).toHaveLength(atReject);
    expect(calls.every((c) => c.settled !== 'pending')).toBe(true);
    for (const c of calls.filter((c) => c.settled === 'rejected')) expect(c.signal.aborted).toBe(true);
    // Every request nock saw was one the client started before the pipe broke.
    expect(fake.values().length).toBeLessThanOrEqual(atReject);
  });

  it('aborting the signal mid-export rejects with its reason and aborts the requests in flight', async () => {
    const rows = grid(20, 3);
    fake = new FakeSheets({ rowCount: 20, columnCount: 3, rows }, {
      // Chunk 1 answers; the rest hang for good (the timeout is far away): only an abort ends them.
      values: (req, answer) => (req.range?.firstRow === 1 ? answer() : (fake as FakeSheets).hang()),
    });
    const { api, calls } = await recordingApi();
    const controller = new AbortController();
    const reason = new Error('the caller cancelled');
    let wrote = false;
    const destination = new Writable({
      write(_chunk, _encoding, callback) {
        if (!wrote) {
          wrote = true;
          // Abort once rows are flowing and the next requests are under way.
          setTimeout(() => controller.abort(reason), 50);
        }
        callback();
      },
    });
    const error = await exportToStream({ ...base, api, chunkRows: 2, concurrency: 3, timeout: 60, signal: controller.signal }, destination).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect.soft(error, 'the rejection is the signal\'s reason').toBe(reason);
    const inFlight = calls.filter((c) => !c.range.endsWith('!A1:C2'));
    expect(inFlight.length).toBeGreaterThan(0);
    await new Promise((resolve) => setImmediate(resolve));
    for (const call of inFlight) {
      expect(call.signal.aborted, call.range).toBe(true);
      expect(call.settled, call.range).toBe('rejected');
    }
    const count = fake.values().length;
    await sleep(50);
    expect(fake.values()).toHaveLength(count);
  });

  it('limit: 5 with a header on a 100,000-row sheet fetches only rows 1..6', async () => {
    fake = new FakeSheets({ rowCount: 100_000, columnCount: 3, row: (r) => (r === 1 ? ['id', 'name', 'qty'] : [String(r - 1), `n${r - 1}`, String(r * 3)]) });
    const out = collector();
    const summary = await exportToStream({ ...base, limit: 5 }, out.stream);
    expect(fake.values().map((s) => s.range?.a1)).toEqual(["'Sheet1'!A1:C6"]);
    expect(out.text()).toBe('id,name,qty\n1,n1,6\n2,n2,9\n3,n3,12\n4,n4,15\n5,n5,18\n');
    expect(summary.rows).toBe(5);
    expect(summary.requests).toBe(2);
  });
});

describe('readRows', () => {
  it('yields rows in sheet order', async () => {
    const rows = grid(10, 2);
    rows[4] = [];
    fake = new FakeSheets({ rowCount: 12, columnCount: 2, rows }, {
      values: async (req, answer) => {
        await sleep((6 - chunkOf(req.range?.firstRow, 2)) * 10);
        return answer();
      },
    });
    const got: Row[] = [];
    for await (const row of readRows({ ...base, chunkRows: 2, concurrency: 6 })) got.push(row);
    expect(got).toEqual(rows);
  });

  it('breaking out early stops fetching and aborts what is in flight', async () => {
    fake = new FakeSheets({ rowCount: 200, columnCount: 2, rows: grid(200, 2) }, {
      values: async (_req, answer) => {
        await sleep(5);
        return answer();
      },
    });
    const { api, calls } = await recordingApi();
    const got: Row[] = [];
    let callsAtBreak = -1;
    for await (const row of readRows({ ...base, api, chunkRows: 2, concurrency: 2 })) {
      got.push(row);
      if (got.length === 3) {
        callsAtBreak = calls.length;
        break;
      }
    }
    expect(got).toEqual(grid(3, 2));
    expect(callsAtBreak).toBeLessThanOrEqual(4);
    await sleep(100);
    expect(calls).toHaveLength(callsAtBreak);
    expect(calls.every((c) => c.settled !== 'pending')).toBe(true);
    for (const c of calls.filter((c) => c.settled === 'rejected')) expect(c.signal.aborted).toBe(true);
    expect(fake.values().length).toBeLessThanOrEqual(callsAtBreak);
  });

  it('rejects with the signal\'s reason when aborted', async () => {
    fake = new FakeSheets({ rowCount: 20, columnCount: 2, rows: grid(20, 2) }, {
      values: (req, answer) => (req.range?.firstRow === 1 ? answer() : (fake as FakeSheets).hang()),
    });
    const controller = new AbortController();
    const reason = new Error('the caller cancelled');
    const got: Row[] = [];
    const error = await (async () => {
      for await (const row of readRows({ ...base, chunkRows: 2, concurrency: 2, timeout: 60, signal: controller.signal })) {
        got.push(row);
        if (got.length === 2) setTimeout(() => controller.abort(reason), 20);
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
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
  ];

  it("NDJSON with render: 'unformatted' keeps numbers and booleans typed (UNFORMATTED_VALUE on the wire)", async () => {
    fake = new FakeSheets({ rowCount: 3, columnCount: 4, rows });
    const out = collector();
    await exportToStream({ ...base, format: 'ndjson', render: 'unformatted' }, out.stream);
    expect(out.text()).toBe('{"name":"apple","qty":3,"ok":true,"when":45292}\n{"name":"pear","qty":1.5,"ok":false,"when":45293.5}\n');
    const query = fake.values()[0]?.query;
    expect(query?.get('valueRenderOption')).toBe('UNFORMATTED_VALUE');
    expect(query?.get('dateTimeRenderOption')).toBe('SERIAL_NUMBER');
    expect(query?.get('majorDimension')).toBe('ROWS');
  });

  it('sends dateTimeRenderOption when dates are set', async () => {
    fake = new FakeSheets({ rowCount: 3, columnCount: 4, rows });
    await exportToStream({ ...base, format: 'ndjson', render: 'unformatted', dates: 'string' }, collector().stream);
    const query = fake.values()[0]?.query;
    expect(query?.get('valueRenderOption')).toBe('UNFORMATTED_VALUE');
    expect(query?.get('dateTimeRenderOption')).toBe('FORMATTED_STRING');
  });

  it('the default is FORMATTED_VALUE without dateTimeRenderOption, and metadata asks for a fields mask', async () => {
    fake = new FakeSheets({ rowCount: 3, columnCount: 4, rows });
    await exportToStream({ ...base }, collector().stream);
    const query = fake.values()[0]?.query;
    expect(query?.get('valueRenderOption')).toBe('FORMATTED_VALUE');
    expect(query?.has('dateTimeRenderOption')).toBe(false);
    const fields = fake.meta()[0]?.query.get('fields') ?? '';
    expect(fields).toContain('gridProperties(rowCount,columnCount)');
    expect(fields).not.toMatch(/\s/);
  });

  it('asks for compact JSON (the API pretty-prints by default)', async () => {
    fake = new FakeSheets({ rowCount: 3, columnCount: 4, rows });
    await exportToStream({ ...base }, collector().stream);
    expect(fake.values()[0]?.query.get('prettyPrint')).toBe('false');
    expect(fake.meta()[0]?.query.get('prettyPrint')).toBe('false');
  });
});
