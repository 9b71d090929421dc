/**
 * The emulator's HTTP server: the Sheets API v4 subset sheetpipe uses (spreadsheets.get,
 * values.get, values.batchGet) with the real API's answers and errors, plus latency, a quota,
 * random 503s and aimed faults.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { UsageError } from '../errors.js';
import { ApiFailure, invalidEnum, invalidFieldMask, rateLimited, unknownParameter } from './api-error.js';
import { type CellRenderer, cellRenderer, DATE_TIME_RENDER_OPTIONS, VALUE_RENDER_OPTIONS } from './cells.js';
import type { TabSource } from './data.js';
import { type FaultRule, FaultPicker, GARBAGE_BODY, HTML_PAGE, statusFailure, withBadRow } from './faults.js';
import { generatedTab } from './generated.js';
import { type FieldMask, MaskSyntaxError, applyFieldMask, parseFieldMask } from './mask.js';
import { SlidingWindowQuota } from './quota.js';
import { seededRandom } from './random.js';
import { type MajorDimension, type NamedRangeSpec, type Rect, Spreadsheet, readValueRange } from './spreadsheet.js';
import { SPREADSHEET_ID } from '../ref.js';

/** The spreadsheet ID the emulator answers to unless told otherwise. */
export const DEMO_SPREADSHEET_ID = 'sheetpipe-demo-00000000000000000000000000000';
export const DEFAULT_PORT = 8089;
export const DEFAULT_HOST = '127.0.0.1';

export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 8089. */
  port?: number;
  /** Interface to listen on. Default '127.0.0.1': loopback only. */
  host?: string;
  /** The ID requests must name; others get 404. Default DEMO_SPREADSHEET_ID. */
  spreadsheetId?: string;
  /** The spreadsheet's title. Default 'sheetpipe emulator'. */
  title?: string;
  /** The tabs in order; the first is the default tab. Default: a generated 'Demo' tab of 1000 × 8. */
  tabs?: readonly TabSource[];
  /** Named ranges. Default none. */
  namedRanges?: readonly NamedRangeSpec[];
  /** Delay before every API answer, in ms. Default 0. */
  latencyMs?: number;
  /** The delay varies uniformly within ± this, in ms. Default 0. */
  jitterMs?: number;
  /** Fraction (0..1) of values requests answered 503 UNAVAILABLE. Default 0. */
  failRate?: number;
  /** API requests (metadata and values alike) allowed per quota window; beyond, 429 with Retry-After. Default: no limit. */
  maxRpm?: number;
  /** The quota window in ms. Default 60 000, as the API's per-minute quota. */
  quotaWindowMs?: number;
  /** Aimed faults; the first rule that fires answers the request. Default none. */
  faults?: readonly FaultRule[];
  /** Seed of the jitter, the failRate draws and the fault probabilities. Default 1. */
  seed?: number;
  /** Gzip only when the User-Agent also contains "gzip", as Google documents. Default false: Accept-Encoding decides. */
  gzipNeedsUserAgent?: boolean;
}

export interface EmulatorStats {
  /** Every HTTP request except those to /_emulator/. */
  requests: number;
  /** spreadsheets.get requests. */
  metadata: number;
  /** values.get and values:batchGet requests. */
  values: number;
  /** Answers by HTTP status, e.g. { "200": 40, "429": 2 }. */
  byStatus: Record<string, number>;
  /** Answers with status 429 (quota or fault). */
  rateLimited: number;
  /** Answers with status 503 (failRate or fault). */
  unavailable: number;
  /** Faults fired, by kind. */
  faults: Record<string, number>;
  /** Requests received and not yet answered or dropped. */
  inFlight: number;
  /** The most requests ever in flight at once. */
  maxInFlight: number;
  /** Body bytes sent, after compression. */
  bytesSent: number;
  /** The latest values ranges requested (each range of a batchGet), oldest first, at most 1000. */
  recentRanges: string[];
}

export interface Emulator {
  /** The API root, e.g. `http://127.0.0.1:8089/`: requests go to `${url}v4/spreadsheets/...`. */
  url: string;
  port: number;
  spreadsheetId: string;
  stats(): EmulatorStats;
  /** Closes every connection, drops hanging requests and clears all timers. */
  stop(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=UTF-8';
const RECENT_RANGES = 1000;
const ASYNC_GZIP_BYTES = 64 * 1024;
const gzipAsync = promisify(gzip);

const SYSTEM_PARAMS = [
  'fields', 'key', 'alt', 'prettyPrint', 'quotaUser', 'access_token', 'oauth_token', 'callback', '$.xgafv',
  'upload_protocol', 'uploadType', 'userIp',
];
const VALUES_PARAMS = [...SYSTEM_PARAMS, 'valueRenderOption', 'dateTimeRenderOption', 'majorDimension'];
/** spreadsheets.get's own parameters are accepted and ignored: the answer never holds grid data. */
const ALLOWED_PARAMS = {
  metadata: new Set([...SYSTEM_PARAMS, 'ranges', 'includeGridData', 'excludeTablesInBandedRanges']),
  values: new Set(VALUES_PARAMS),
  batchGet: new Set([...VALUES_PARAMS, 'ranges']),
};
const MAJOR_DIMENSIONS = ['ROWS', 'COLUMNS', 'DIMENSION_UNSPECIFIED'] as const;

type Route = { kind: 'metadata' } | { kind: 'values'; range: string } | { kind: 'batchGet' };

interface Answer {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

function failureAnswer(failure: ApiFailure): Answer {
  return { status: failure.code, body: failure.body(), headers: failure.headers };
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim());
    if (coding.toLowerCase() !== 'gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function oneOf<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const value = query.get(name);
  if (value === null) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw invalidEnum(name, value);
  return value as T;
}

/** `/v4/spreadsheets/{id}[/values/{range} | /values:batchGet]`, path segments URL-encoded. */
function parseRoute(path: string): { id: string; route: Route } | undefined {
  const m = /^\/v4\/spreadsheets\/([^/]+)(\/.*)?$/.exec(path);
  if (!m) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(m[1] as string);
  } catch {
    return undefined;
  }
  const rest = m[2] ?? '';
  if (rest === '' || rest === '/') return { id, route: { kind: 'metadata' } };
  if (rest === '/values:batchGet' || rest.toLowerCase() === '/values%3abatchget') return { id, route: { kind: 'batchGet' } };
  if (rest.startsWith('/values/') && rest.length > '/values/'.length) {
    const raw = rest.slice('/values/'.length);
    let range: string;
    try {
      range = decodeURIComponent(raw);
    } catch {
      range = raw;
    }
    return { id, route: { kind: 'values', range } };
  }
  return undefined;
}

function checkOptions(options: EmulatorOptions): void {
  const fail = (name: string, rule: string, value: unknown): never => {
    throw new UsageError(`${name} must be ${rule}, got ${String(value)}`);
  };
  const { port, latencyMs, jitterMs, failRate, maxRpm, quotaWindowMs, seed, spreadsheetId } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) fail('port', 'an integer from 0 to 65535', port);
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) fail('latencyMs', 'a number ≥ 0', latencyMs);
  if (jitterMs !== undefined && !(Number.isFinite(jitterMs) && jitterMs >= 0)) fail('jitterMs', 'a number ≥ 0', jitterMs);
  if (failRate !== undefined && !(failRate >= 0 && failRate <= 1)) fail('failRate', 'a number from 0 to 1', failRate);
  if (maxRpm !== undefined && !(Number.isInteger(maxRpm) && maxRpm >= 1)) fail('maxRpm', 'a positive integer', maxRpm);
  if (quotaWindowMs !== undefined && !(Number.isFinite(quotaWindowMs) && quotaWindowMs > 0)) fail('quotaWindowMs', 'a number > 0', quotaWindowMs);
  if (seed !== undefined && !Number.isSafeInteger(seed)) fail('seed', 'an integer', seed);
  if (spreadsheetId !== undefined && !SPREADSHEET_ID.test(spreadsheetId)) {
    fail('spreadsheetId', '8 to 200 letters, digits, "-" or "_"', spreadsheetId);
  }
}

class EmulatorServer {
  readonly server: Server;
  private readonly spreadsheet: Spreadsheet;
  private readonly random: () => number;
  private readonly quota: SlidingWindowQuota | undefined;
  private readonly faults: FaultPicker;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping: Promise<void> | undefined;
  private readonly counters: Omit<EmulatorStats, 'rateLimited' | 'unavailable'> = {
    requests: 0,
    metadata: 0,
    values: 0,
    byStatus: {},
    faults: {},
    inFlight: 0,
    maxInFlight: 0,
    bytesSent: 0,
    recentRanges: [],
  };

  constructor(private readonly options: EmulatorOptions) {
    checkOptions(options);
    const tabs = options.tabs ?? [generatedTab({ title: 'Demo', rows: 1000, cols: 8 })];
    this.spreadsheet = new Spreadsheet(
      options.spreadsheetId ?? DEMO_SPREADSHEET_ID,
      options.title ?? 'sheetpipe emulator',
      tabs,
      options.namedRanges,
    );
    this.random = seededRandom(options.seed ?? 1);
    this.quota = options.maxRpm !== undefined ? new SlidingWindowQuota(options.maxRpm, options.quotaWindowMs ?? 60_000) : undefined;
    this.faults = new FaultPicker(options.faults ?? [], this.random);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (res.headersSent) res.destroy();
        else this.send(req, res, failureAnswer(new ApiFailure(500))).catch(() => res.destroy());
      });
    });
  }

  get spreadsheetId(): string {
    return this.spreadsheet.id;
  }

  stats(): EmulatorStats {
    const c = this.counters;
    return {
      ...c,
      byStatus: { ...c.byStatus },
      rateLimited: c.byStatus['429'] ?? 0,
      unavailable: c.byStatus['503'] ?? 0,
      faults: { ...c.faults },
      recentRanges: [...c.recentRanges],
    };
  }

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  private sleep(ms: number): Promise<void> {
    // Left pending by stop(): the connection is gone by then, so the handler has nothing to finish.
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private latency(): number {
    const base = this.options.latencyMs ?? 0;
    const jitter = this.options.jitterMs ?? 0;
    return Math.max(0, base + (jitter > 0 ? (this.random() * 2 - 1) * jitter : 0));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));

    if (path.startsWith('/_emulator/')) {
      const ok = path === '/_emulator/stats' && req.method === 'GET';
      res.writeHead(ok ? 200 : 404, { 'content-type': JSON_TYPE });
      res.end(ok ? JSON.stringify(this.stats()) : new ApiFailure(404, `No emulator endpoint ${path}.`).body());
      return;
    }

    const c = this.counters;
    c.requests += 1;
    c.inFlight += 1;
    c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
    res.on('close', () => {
      c.inFlight -= 1;
    });

    if (req.method !== 'GET') {
      const failure = new ApiFailure(405, `Method ${req.method ?? ''} is not allowed: the API subset served is read-only (GET).`);
      return this.send(req, res, { ...failureAnswer(failure), headers: { allow: 'GET' } });
    }
    const parsed = parseRoute(path);
    if (!parsed) return this.send(req, res, failureAnswer(new ApiFailure(404, `The requested URL ${path} was not found on this server.`)));
    return this.serveApi(req, res, parsed.id, parsed.route, query);
  }

  /** Quota, latency, checks, random failures and faults, in that order, then the answer. */
  private async serveApi(req: IncomingMessage, res: ServerResponse, id: string, route: Route, query: URLSearchParams): Promise<void> {
    const c = this.counters;
    const target = route.kind === 'metadata' ? 'metadata' : 'values';
    const ranges = route.kind === 'values' ? [route.range] : route.kind === 'batchGet' ? query.getAll('ranges') : [];
    const ordinal = target === 'values' ? ++c.values : ++c.metadata;
    if (target === 'values') {
      c.recentRanges.push(...ranges);
      if (c.recentRanges.length > RECENT_RANGES) c.recentRanges.splice(0, c.recentRanges.length - RECENT_RANGES);
    }
    // The quota counts a request when it arrives, as Google's does.
    const retryAfter = this.quota?.take() ?? 0;
    const delay = this.latency();
    if (delay > 0) await this.sleep(delay);
    if (res.destroyed) return;

    let answer: () => Record<string, unknown>;
    try {
      if (retryAfter > 0) throw rateLimited(this.options.maxRpm ?? 0, retryAfter);
      if (id !== this.spreadsheet.id) throw new ApiFailure(404);
      answer = this.prepare(route, ranges, query);
      const failRate = this.options.failRate ?? 0;
      if (target === 'values' && failRate > 0 && this.random() < failRate) throw new ApiFailure(503);
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      return this.send(req, res, failureAnswer(error));
    }

    const rule = this.faults.pick(target, ordinal, ranges);
    if (!rule) return this.send(req, res, { status: 200, body: JSON.stringify(answer()) });
    c.faults[rule.fault] = (c.faults[rule.fault] ?? 0) + 1;
    switch (rule.fault) {
      case 'status':
        return this.send(req, res, failureAnswer(statusFailure(rule)));
      case 'hang':
        return; // The socket stays open until the client aborts or stop() closes it.
      case 'truncate':
      case 'reset':
        return this.send(req, res, { status: 200, body: JSON.stringify(answer()) }, rule.fault);
      case 'html':
        return this.send(req, res, { status: 200, body: HTML_PAGE, contentType: 'text/html; charset=UTF-8' });
      case 'no-values-garbage':
        return this.send(req, res, { status: 200, body: GARBAGE_BODY });
      case 'bad-row':
        return this.send(req, res, { status: 200, body: JSON.stringify(withBadRow(answer())) });
    }
  }

  /**
   * Checks the request (parameters, mask, ranges) and returns how to build its answer, so that the
   * rendering work is only done when an answer is actually sent. Throws ApiFailure.
   */
  private prepare(route: Route, ranges: string[], query: URLSearchParams): () => Record<string, unknown> {
    const allowed = ALLOWED_PARAMS[route.kind];
    for (const name of query.keys()) if (!allowed.has(name)) throw unknownParameter(name);
    oneOf(query, 'alt', ['json'], 'json');
    const maskText = query.get('fields') ?? '';
    let mask: FieldMask | undefined;
    if (maskText !== '') {
      try {
        mask = parseFieldMask(maskText);
      } catch (error) {
        if (error instanceof MaskSyntaxError) throw invalidFieldMask(maskText, error.message);
        throw error;
      }
    }
    const masked = (answer: Record<string, unknown>): Record<string, unknown> =>
      mask ? (applyFieldMask(answer, mask) as Record<string, unknown>) : answer;

    if (route.kind === 'metadata') return () => masked(this.spreadsheet.metadata());

    const render: CellRenderer = cellRenderer(
      oneOf(query, 'valueRenderOption', VALUE_RENDER_OPTIONS, 'FORMATTED_VALUE'),
      oneOf(query, 'dateTimeRenderOption', DATE_TIME_RENDER_OPTIONS, 'SERIAL_NUMBER'),
    );
    const dimension = oneOf(query, 'majorDimension', MAJOR_DIMENSIONS, 'ROWS');
    const major: MajorDimension = dimension === 'COLUMNS' ? 'COLUMNS' : 'ROWS';
    const rects: Rect[] = ranges.map((range) => this.spreadsheet.resolve(range));
    if (route.kind === 'values') {
      const rect = rects[0] as Rect;
      return () => masked({ ...readValueRange(rect, render, major) });
    }
    return () => {
      const answer: Record<string, unknown> = { spreadsheetId: this.spreadsheet.id };
      if (rects.length > 0) answer.valueRanges = rects.map((rect) => readValueRange(rect, render, major));
      return masked(answer);
    };
  }

  private async send(req: IncomingMessage, res: ServerResponse, answer: Answer, cut?: 'truncate' | 'reset'): Promise<void> {
    if (res.destroyed) return;
    let payload = Buffer.from(answer.body, 'utf8');
    const headers: OutgoingHttpHeaders = {
      'content-type': answer.contentType ?? JSON_TYPE,
      vary: 'Origin, X-Origin, Referer',
      'cache-control': 'private',
      ...answer.headers,
    };
    const userAgentOk = !this.options.gzipNeedsUserAgent || (req.headers['user-agent'] ?? '').includes('gzip');
    if (userAgentOk && acceptsGzip(req.headers['accept-encoding'])) {
      payload = payload.length >= ASYNC_GZIP_BYTES ? await gzipAsync(payload, { level: 1 }) : gzipSync(payload, { level: 1 });
      headers['content-encoding'] = 'gzip';
      headers.vary = 'Origin, X-Origin, Referer, Accept-Encoding';
      if (res.destroyed) return;
    }
    headers['content-length'] = payload.length;
    res.writeHead(answer.status, headers);
    const key = String(answer.status);
    this.counters.byStatus[key] = (this.counters.byStatus[key] ?? 0) + 1;
    if (!cut) {
      this.counters.bytesSent += payload.length;
      res.end(payload);
      return;
    }
    const half = payload.subarray(0, Math.floor(payload.length / 2));
    this.counters.bytesSent += half.length;
    res.write(half, () => {
      // Content-Length promised the whole body: a FIN now is a truncated body, an RST a reset.
      if (cut === 'truncate') res.socket?.end();
      else res.socket?.resetAndDestroy();
    });
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts an emulator and resolves once it listens. Rejects with UsageError for a bad option, or
 * with the listen error (e.g. code EADDRINUSE).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new EmulatorServer(options);
  const host = options.host ?? DEFAULT_HOST;
  const { server } = emulator;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(host)}:${port}/`,
    port,
    spreadsheetId: emulator.spreadsheetId,
    stats: () => emulator.stats(),
    stop: () => emulator.stop(),
  };
}
