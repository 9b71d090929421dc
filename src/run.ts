/**
 * One export, wired end to end: metadata → range → chunk plan → ordered fetch → rows → formatter
 * → destination, under one AbortSignal. Progress and the summary observe it through events.
 */
import { EventEmitter } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type A1, parseA1, quoteSheetName } from './a1.js';
import { ApiError, AuthError, NotFoundError, OutputError, UnavailableError, BrokenPipe } from './errors.js';
import { AttemptsFailed, type AttemptContext, type RetryInfo, withRetries } from './fetch/attempts.js';
import { RequestGate } from './fetch/gate.js';
import { linkedController } from './fetch/signals.js';
import type { BackoffOptions } from './fetch/retry.js';
import { orderedMap } from './fetch/scheduler.js';
import { type Format, createFormatter, formatTransform } from './format/formatter.js';
import { type DateRender, type SheetsApi, type ValueRender, createSheetsApi, DEFAULT_ENDPOINT } from './google/client.js';
import { type Chunk, chunkA1, planChunks, planTotals, prefetchWindow, steadyRows } from './plan.js';
import { type SpreadsheetRef, parseSpreadsheetRef } from './ref.js';
import { type GridRange, type SpreadsheetMeta, describeRange, resolveRange } from './resolve.js';
import { type ChunkRows, type Row, joinRows, rowBatches, rowsOfAnswer } from './rows.js';
import { DEFAULTS } from './options/library.js';
import { plural, times } from './plural.js';

export interface ExportOptions {
  /** Spreadsheet ID or docs.google.com URL (a `gid` in it picks the tab when `range` names none). */
  spreadsheet: string | SpreadsheetRef;
  /** A1 range, tab name or named range. Default: the whole first tab (or the URL's gid tab). */
  range?: string | A1;
  /** Requests in flight at most. Default 4. */
  concurrency?: number;
  /** Rows per request. Default: sized from a cell budget. */
  chunkRows?: number;
  /** Per-request timeout in ms. Default 30000. */
  timeoutMs?: number;
  /** Retries per request after its first attempt. Default 5. */
  retries?: number;
  /** Requests per minute ceiling, spread evenly; 0 = none. Default 60. */
  maxRpm?: number;
  /** valueRenderOption. Default FORMATTED_VALUE. */
  render?: ValueRender;
  /** dateTimeRenderOption, used with UNFORMATTED_VALUE. Default SERIAL_NUMBER. */
  dates?: DateRender;
  /** Stop after this many data rows (rows after the header row when `header` is on). */
  limit?: number;
  /** The first row is a header: NDJSON keys come from it and `limit` does not count it. Default true. */
  header?: boolean;
  /** API root. Default https://sheets.googleapis.com/ */
  endpoint?: string;
  /** Service-account or authorized-user JSON key file. */
  credentials?: string;
  /** Environment for credentials lookup (GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_API_KEY). Default process.env. */
  env?: Record<string, string | undefined>;
  /** Cancels the export. */
  signal?: AbortSignal;
  /** Receives progress events. */
  events?: ExportEvents;
  /** Backoff tuning (tests shorten it). */
  backoff?: BackoffOptions;
  /** An already-built API client (tests, embedding). */
  api?: SheetsApi;
}

export interface PlanInfo {
  range: string;
  /** The file the range goes to, when an export writes several. */
  file?: string;
  chunks: number;
  /** Grid rows the plan covers: an upper bound on rows out. */
  rows: number;
  columns: number;
  /** The range names its last column. */
  colsNamed: boolean;
}

export interface ExportEventMap {
  plan: [PlanInfo];
  request: [{ label: string; attempt: number }];
  retry: [RetryInfo];
  /**
   * Cumulative, as rows are written: output rows (the header row included) and the sheet rows
   * passed, trailing empty rows that are never written included. The last one covers the plan.
   */
  progress: [{ rowsWritten: number; rowsCovered: number }];
  warning: [string];
}

/** Typed events from a running export; progress.ts listens. */
export class ExportEvents extends EventEmitter<ExportEventMap> {}

export interface ExportSummary {
  range: string;
  rows: number;
  columns: number;
  requests: number;
  retries: number;
  seconds: number;
}


/** Why a request failed for good, as the error family the CLI maps to an exit code. */
function finalError(error: unknown, what: string, api: SheetsApi | undefined, spreadsheetId: string): unknown {
  if (!(error instanceof AttemptsFailed)) return error;
  const { classification: c, failure: f, reason, attempts } = error;
  const options = { cause: error };
  if (error.exhausted) {
    return new UnavailableError(`${what} failed ${times(attempts)}, last: ${reason}; the API stayed unavailable, rerun later (or lower -c / --max-rpm)`, options);
  }
  switch (c.kind) {
    case 'auth': {
      if (f.status === 401) {
        return new AuthError(`${what}: ${reason}; the credentials were refused: refresh them or check GOOGLE_APPLICATION_CREDENTIALS`, options);
      }
      if (f.reason === 'SERVICE_DISABLED' || f.reason === 'accessNotConfigured') {
        return new AuthError(`${what}: ${reason}; enable the Google Sheets API for the credentials' project, or set a quota project (gcloud auth application-default set-quota-project PROJECT)`, options);
      }
      const who = api?.principal ? `share the spreadsheet with ${api.principal} (Viewer)` : 'share the spreadsheet with the account you use, or use other credentials';
      return new AuthError(`${what}: ${reason}; ${who}`, options);
    }
    case 'not-found':
      return new NotFoundError(`spreadsheet ${spreadsheetId} was not found (404); check the ID or URL`, options);
    default:
      return new ApiError(`${what}: ${reason}`, options);
  }
}

function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' || error instanceof BrokenPipe;
}

interface OpenedExport {
  range: GridRange;
  plan: PlanInfo;
  batches: AsyncGenerator<Row[]>;
  counters: { requests: number; retries: number };
  /** Sheet rows passed by the chunks read so far. */
  covered: { rows: number };
}

interface Connection {
  ref: SpreadsheetRef;
  api: SheetsApi;
  ctx: AttemptContext;
  counters: { requests: number; retries: number };
  meta: SpreadsheetMeta;
}

/** Credentials, the client, and the one metadata request (which counts against the rate too). */
async function connect(options: ExportOptions, signal: AbortSignal, events: ExportEvents): Promise<Connection> {
  const ref = typeof options.spreadsheet === 'string' ? parseSpreadsheetRef(options.spreadsheet) : options.spreadsheet;
  const api =
    options.api ??
    (await createSheetsApi({
      spreadsheetId: ref.id,
      endpoint: options.endpoint ?? DEFAULT_ENDPOINT,
      credentials: options.credentials,
      env: options.env ?? process.env,
      valueRender: options.render ?? DEFAULTS.render,
      dateRender: options.dates,
      signal,
    }));

  const counters = { requests: 0, retries: 0 };
  const ctx: AttemptContext = {
    gate: new RequestGate(options.maxRpm ?? DEFAULTS.maxRpm),
    signal,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    retries: options.retries ?? DEFAULTS.retries,
    backoff: options.backoff,
    onRequest: (label, attempt) => {
      counters.requests += 1;
      events.emit('request', { label, attempt });
    },
    onRetry: (info) => {
      counters.retries += 1;
      events.emit('retry', info);
    },
  };

  try {
    const meta = await withRetries('spreadsheet metadata', ctx, (s) => api.getMetadata(s));
    return { ref, api, ctx, counters, meta };
  } catch (error) {
    throw finalError(error, `reading spreadsheet ${ref.id}`, api, ref.id);
  }
}

/** The spreadsheet's tabs and named ranges, from one metadata request. */
export async function readSpreadsheetMeta(options: ExportOptions): Promise<SpreadsheetMeta> {
  const { controller, dispose } = linkedController(options.signal);
  try {
    return (await connect(options, controller.signal, options.events ?? new ExportEvents())).meta;
  } finally {
    controller.abort(new Error('done'));
    dispose();
  }
}

async function openExport(options: ExportOptions, signal: AbortSignal, events: ExportEvents): Promise<OpenedExport> {
  const a1 = typeof options.range === 'string' ? parseA1(options.range) : options.range;
  const { ref, api, ctx, counters, meta } = await connect(options, signal, events);
  const range = resolveRange(a1, meta, ref.gid);
  const header = options.header ?? DEFAULTS.header;
  const planOptions = {
    chunkRows: options.chunkRows,
    maxRows: options.limit !== undefined ? options.limit + (header ? 1 : 0) : undefined,
  };
  const totals = planTotals(range, planOptions);
  const total = totals.chunks;
  const plan: PlanInfo = {
    range: describeRange(range),
    chunks: total,
    rows: totals.rows,
    columns: range.lastCol - range.firstCol + 1,
    colsNamed: range.colsNamed,
  };
  events.emit('plan', plan);
  if (range.lastRow < range.firstRow || range.lastCol < range.firstCol) {
    events.emit('warning', `warning: the range starts past the end of tab ${quoteSheetName(range.sheet.title)} (${plural(range.sheet.rowCount, 'row')} × ${plural(range.sheet.columnCount, 'column')}), so it holds no cells`);
  }

  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  // A request that times out is split rather than repeated: the chunk is then read in pieces of
  // half the size (and halved again on the next timeout), so a range too large to answer in time
  // still exports with a few extra requests. The chunk's retries are one budget: every retry and
  // every halving spends from it, so a chunk that never answers fails after `retries` + 1 attempts.
  const fetchRows = async (chunk: Chunk, what: string, signal: AbortSignal): Promise<Row[]> => {
    const budget = { left: ctx.retries, attempts: 0 };
    const lastRow = chunk.firstRow + chunk.rows - 1;
    let size = chunk.rows;
    let rows: Row[] = [];
    let covered = 0;
    for (let first = chunk.firstRow; first <= lastRow; ) {
      const pieceRows = Math.min(size, lastRow - first + 1);
      const piece: Chunk = { index: chunk.index, firstRow: first, rows: pieceRows, a1: pieceRows === chunk.rows ? chunk.a1 : chunkA1(range, first, first + pieceRows - 1) };
      let failed: AttemptsFailed;
      try {
        const answer = await withRetries(
          what,
          {
            ...ctx,
            signal,
            retries: budget.left,
            handBack: (c) => c.kind === 'timeout' && piece.rows > 1,
            onRequest: (label, attempt) => {
              budget.attempts += 1;
              ctx.onRequest?.(label, attempt);
            },
            onRetry: (info) => {
              budget.left -= 1;
              ctx.onRetry?.(info);
            },
          },
          async (s) => rowsOfAnswer(await api.getValues(piece.a1, s), piece),
        );
        rows = joinRows(rows, covered, answer);
        covered += piece.rows;
        first += piece.rows;
        continue;
      } catch (error) {
        if (!(error instanceof AttemptsFailed)) throw error;
        failed = error;
      }
      if (failed.exhausted || (failed.classification.kind === 'timeout' && budget.left <= 0)) {
        throw new AttemptsFailed(failed.classification, failed.failure, budget.attempts, true, failed.reason, { cause: failed });
      }
      if (failed.classification.kind !== 'timeout') throw failed;
      budget.left -= 1;
      size = Math.ceil(piece.rows / 2);
      ctx.onRetry?.({ label: what, attempt: budget.attempts, delayMs: 0, kind: 'timeout', reason: `${failed.reason}; reading it ${size} rows at a time` });
    }
    return rows;
  };
  const fetchChunk = async (chunk: Chunk, chunkSignal: AbortSignal): Promise<ChunkRows> => {
    const what = `chunk ${chunk.index + 1}/${total} (${chunk.a1})`;
    try {
      const rows = await fetchRows(chunk, what, chunkSignal);
      return { chunk, rows };
    } catch (error) {
      throw finalError(error, what, api, ref.id);
    }
  };
  const window = prefetchWindow(concurrency, steadyRows(range, planOptions) * plan.columns);
  const chunks = orderedMap(planChunks(range, planOptions), fetchChunk, { concurrency, window, signal });
  // Rows leave in chunk order: when a batch is yielded, the last chunk read is the one it ends in.
  const covered = { rows: 0 };
  const passing = async function* () {
    for await (const answer of chunks) {
      covered.rows = answer.chunk.firstRow + answer.chunk.rows - range.firstRow;
      yield answer;
    }
  };
  return { range, plan, batches: rowBatches(passing()), counters, covered };
}


/**
 * The rows of a range, in sheet order, as one unchunked values.get would give them (the header
 * row included). Breaking out of the loop cancels the requests in flight.
 */
export async function* readRows(options: ExportOptions): AsyncGenerator<Row> {
  const { controller, dispose } = linkedController(options.signal);
  try {
    const opened = await openExport(options, controller.signal, options.events ?? new ExportEvents());
    for await (const batch of opened.batches) yield* batch;
  } finally {
    controller.abort(new Error('the reader stopped'));
    dispose();
  }
}

export interface StreamExportOptions extends ExportOptions {
  /** csv (default), tsv or ndjson. */
  format?: Format;
}

/**
 * Runs a whole export into `destination` and resolves with the summary. A destination that closes
 * early (EPIPE) stops the export and rejects with BrokenPipe, whose exit code is 0. Does not end
 * process.stdout.
 */
export async function exportToStream(options: StreamExportOptions, destination: Writable): Promise<ExportSummary> {
  if (destination.writableEnded || destination.destroyed) throw new OutputError('the destination stream is already closed');
  const started = performance.now();
  const events = options.events ?? new ExportEvents();
  const { controller, dispose } = linkedController(options.signal);
  const header = options.header ?? DEFAULTS.header;
  let rows = 0;
  let widest = 0;
  let opened: OpenedExport | undefined;
  try {
    opened = await openExport(options, controller.signal, events);
    const { range, plan } = opened;
    const formatter = createFormatter(options.format ?? 'csv', {
      header,
      columns: range.colsNamed ? plan.columns : undefined,
      firstCol: range.firstCol,
      firstRow: range.firstRow,
      onWarning: (message) => events.emit('warning', message),
    });
    const { batches, covered } = opened;
    const counted = async function* () {
      for await (const batch of batches) {
        // The summary's column count: the range's when it names its columns, else the widest row.
        if (!range.colsNamed) for (const row of batch) if (row.length > widest) widest = row.length;
        rows += batch.length;
        events.emit('progress', { rowsWritten: rows, rowsCovered: covered.rows });
        yield batch;
      }
    };
    const source = Readable.from(counted(), { objectMode: true, highWaterMark: 1 });
    await pipeline(source, formatTransform(formatter), destination, { signal: controller.signal, end: destination !== process.stdout });
    // Trailing empty rows are never written, but they were read: the plan is covered.
    events.emit('progress', { rowsWritten: rows, rowsCovered: plan.rows });
  } catch (error) {
    controller.abort(error);
    // pipeline() rejects with its own AbortError; the caller wants the reason it aborted with.
    if (options.signal?.aborted) throw isBrokenPipe(options.signal.reason) ? new BrokenPipe() : options.signal.reason;
    if (isBrokenPipe(error)) throw new BrokenPipe();
    throw error;
  } finally {
    controller.abort(new Error('export finished'));
    dispose();
  }
  const plan = opened.plan;
  return {
    range: plan.range,
    rows: header ? Math.max(0, rows - 1) : rows,
    columns: plan.colsNamed ? plan.columns : widest,
    requests: opened.counters.requests,
    retries: opened.counters.retries,
    seconds: (performance.now() - started) / 1000,
  };
}
