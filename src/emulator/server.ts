/**
 * The emulator's HTTP server: wires routing (routes.ts), credentials (auth.ts), the quota,
 * latency, parameter checks (params.ts), answers (answers.ts), random failures and aimed faults
 * (faults.ts), sending (respond.ts) and counting (stats.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiFailure, NotServed, internalError, rateLimited } from './api-error.js';
import { checkCredentials, redactedTarget } from './auth.js';
import { prepareAnswer, type AnswerBuilder } from './answers.js';
import { DEMO_SPREADSHEET_ID, demoSpreadsheet } from './demo.js';
import type { RowEdit } from './edits.js';
import { FaultPicker, GARBAGE_BODY, HTML_PAGE, TRAILING_BYTES, asColumns, statusFailure, withBadRow } from './faults.js';
import { type EmulatorOptions, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SEED, checkOptions } from './options.js';
import { readParams } from './params.js';
import { SlidingWindowQuota } from './quota.js';
import { seededRandom } from './random.js';
import { type Answer, type SendOptions, failureAnswer, jsonAnswer, jsonText, send, wantsPretty } from './respond.js';
import { type Route, route } from './routes.js';
import { Spreadsheet } from './spreadsheet.js';
import { type EmulatorStats, StatsCounter } from './stats.js';

export interface Emulator {
  /** The API root, e.g. `http://127.0.0.1:8089/`: requests go to `${url}v4/spreadsheets/...`. */
  url: string;
  port: number;
  spreadsheetId: string;
  stats(): EmulatorStats;
  /** Closes every connection, drops hanging requests and clears all timers. */
  stop(): Promise<void>;
}

class EmulatorServer {
  readonly server: Server;
  private readonly spreadsheet: Spreadsheet;
  private readonly random: () => number;
  private readonly quota: SlidingWindowQuota | undefined;
  private readonly faults: FaultPicker;
  private readonly counters = new StatsCounter();
  private readonly log: (line: string) => void;
  private readonly sendOptions: SendOptions;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: EmulatorOptions) {
    checkOptions(options);
    const demo = options.tabs === undefined ? demoSpreadsheet() : undefined;
    this.spreadsheet = new Spreadsheet(
      options.spreadsheetId ?? DEMO_SPREADSHEET_ID,
      options.title ?? demo?.title ?? 'sheetpipe emulator',
      options.tabs ?? demo?.tabs ?? [],
      options.namedRanges ?? demo?.namedRanges,
    );
    this.random = seededRandom(options.seed ?? DEFAULT_SEED);
    this.quota = options.maxRpm !== undefined ? new SlidingWindowQuota(options.maxRpm, options.quotaWindowMs ?? 60_000) : undefined;
    this.faults = new FaultPicker(options.faults ?? [], this.random);
    const log = options.log;
    // A log sink that throws must not take the server down with it.
    this.log = (line) => {
      try {
        log?.(line);
      } catch {
        // Nowhere left to report it.
      }
    };
    this.sendOptions = { gzipNeedsUserAgent: options.gzipNeedsUserAgent ?? false };
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.internalError(req, res, error));
    });
  }

  get spreadsheetId(): string {
    return this.spreadsheet.id;
  }

  stats(): EmulatorStats {
    return this.counters.snapshot();
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

  private async answer(req: IncomingMessage, res: ServerResponse, answer: Answer, cut?: SendOptions['cut']): Promise<void> {
    const bytes = await send(req, res, answer, cut ? { ...this.sendOptions, cut } : this.sendOptions);
    if (bytes !== undefined) this.counters.answered(answer.status, bytes);
  }

  private fail(req: IncomingMessage, res: ServerResponse, failure: ApiFailure, pretty: boolean): Promise<void> {
    if (failure instanceof NotServed) {
      this.counters.refused();
      this.log(`refused ${req.method ?? ''} ${redactedTarget(req.url ?? '/')}: ${failure.message}`);
    }
    return this.answer(req, res, failureAnswer(failure, pretty));
  }

  /** A bug in the emulator: logged, and answered as one, never as the API's transient 500. */
  private internalError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    this.counters.internalError();
    const where = error instanceof Error ? (error.stack?.split('\n')[1]?.trim() ?? '') : '';
    this.log(`internal error on ${req.method ?? ''} ${redactedTarget(req.url ?? '/')}: ${String(error)}${where ? ` (${where})` : ''}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const target = req.url ?? '';
    const pretty = wantsPretty(new URLSearchParams(target.includes('?') ? target.slice(target.indexOf('?') + 1) : ''));
    this.answer(req, res, failureAnswer(internalError(error), pretty)).catch(() => res.destroy());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));

    if (path.startsWith('/_emulator/')) {
      const ok = path === '/_emulator/stats' && req.method === 'GET';
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(ok ? jsonText(this.stats(), false) : jsonText(new ApiFailure(404, { message: `No emulator endpoint ${path}.` }), false));
      return;
    }

    res.on('close', this.counters.arrived());
    const pretty = wantsPretty(query);
    let served: Route;
    try {
      served = route(req.method ?? 'GET', path);
    } catch (error) {
      if (error instanceof ApiFailure) return this.fail(req, res, error, pretty);
      throw error;
    }
    return this.serveApi(req, res, served, query, pretty);
  }

  /** Credentials, quota, latency, checks, random failures and faults, in that order, then the answer. */
  /** Rows a requested range spans in its tab as it is now; an unresolvable range counts as unbounded. */
  private rowSpan(range: string): number {
    try {
      const rect = this.spreadsheet.resolve(range);
      return rect.lastRow - rect.firstRow + 1;
    } catch {
      return Infinity;
    }
  }

  private async serveApi(req: IncomingMessage, res: ServerResponse, served: Route, query: URLSearchParams, pretty: boolean): Promise<void> {
    const target = served.kind === 'metadata' ? 'metadata' : 'values';
    const ranges = served.kind === 'values' ? [served.range] : served.kind === 'batchGet' ? query.getAll('ranges') : [];
    const ordinal = target === 'values' ? this.counters.valuesRequest(ranges) : this.counters.metadataRequest();
    const required = this.options.requireCredentials;
    const refused = required ? checkCredentials(required, req, query) : undefined;
    // The quota counts a request when it arrives, as Google's does; only an identified caller has one.
    const retryAfter = refused ? 0 : (this.quota?.take() ?? 0);
    const delay = this.latency();
    if (delay > 0) await this.sleep(delay);
    if (res.destroyed) return;

    let build: AnswerBuilder;
    try {
      if (refused) throw refused;
      if (retryAfter > 0) throw rateLimited(this.options.quotaRetryAfter ? retryAfter : undefined);
      if (served.id !== this.spreadsheet.id) throw new ApiFailure(404);
      build = prepareAnswer(this.spreadsheet, readParams(served, query));
      const failRate = this.options.failRate ?? 0;
      if (target === 'values' && failRate > 0 && this.random() < failRate) throw new ApiFailure(503);
    } catch (error) {
      if (error instanceof ApiFailure) return this.fail(req, res, error, pretty);
      throw error;
    }

    const rule = this.faults.pick(target, ordinal, ranges, (range) => this.rowSpan(range));
    if (!rule) return this.answer(req, res, jsonAnswer(build(), pretty));
    this.counters.fault(rule.fault);
    switch (rule.fault) {
      case 'status':
        return this.fail(req, res, statusFailure(rule), pretty);
      case 'hang':
        return; // The socket stays open until the client aborts or stop() closes it.
      case 'truncate':
      case 'reset':
        return this.answer(req, res, jsonAnswer(build(), pretty), rule.fault);
      case 'html':
        return this.answer(req, res, { status: 200, body: HTML_PAGE, contentType: 'text/html; charset=UTF-8' });
      case 'no-values-garbage':
        return this.answer(req, res, { status: 200, body: GARBAGE_BODY });
      case 'bad-row':
        return this.answer(req, res, jsonAnswer(withBadRow(build()), pretty));
      case 'columns':
        return this.answer(req, res, jsonAnswer(asColumns(build()), pretty));
      case 'trailing-bytes':
        return this.answer(req, res, { status: 200, body: `${jsonAnswer(build(), pretty).body}${TRAILING_BYTES}` });
      case 'edit': {
        // This request reads the sheet as it was; every answer built after it reads it edited.
        const answer = jsonAnswer(build(), pretty);
        this.spreadsheet.edit(rule.edit as RowEdit);
        return this.answer(req, res, answer);
      }
    }
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
