/**
 * One export, wired end to end: the API client; the metadata (with, beside it, the range's first
 * rows when they can be named early); the range; the plan; the window that fetches and writes;
 * the summary. Everything runs under one AbortSignal; progress observes it through events.
 */
import { EventEmitter } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import { type A1, parseA1, quoteSheetName } from './a1.js';
import { type EarlySpan, earlyMatches, earlySpan, echoedSheet } from './early.js';
import { BrokenPipe, InternalError, OutputError, finalError } from './errors.js';
import { DEFAULTS } from './options/library.js';
import { plural } from './plural.js';
import { type AttemptContext, withRetries } from './fetch/attempts.js';
import { type ReadContext, type Request, readRequest } from './fetch/chunk-reader.js';
import { RequestGate } from './fetch/gate.js';
import { Part } from './fetch/part.js';
import { AttemptsFailed, type BackoffOptions, type RetryInfo } from './fetch/retry.js';
import { linkedController } from './fetch/signals.js';
import { Window, deliverPart } from './fetch/window.js';
import { type DateRender, type SheetsApi, type ValueRender, createSheetsApi } from './google/api.js';
import { DEFAULT_ENDPOINT } from './google/endpoint.js';
import { DEFAULT_CELL_BUDGET, type PlanOptions, type Span, chunkA1, lastPlannedRow, rowSpans } from './plan.js';
import { type SpreadsheetRef, parseSpreadsheetRef } from './ref.js';
import { type GridRange, type SpreadsheetMeta, describeRange, holdsNoCells, resolveRange } from './resolve.js';
import type { Format } from './transcode/encode.js';
import { RangeOutput, SAMPLE_ROWS } from './transcode/output.js';

/** Bytes the parts read ahead of the head may hold: the window's memory, whatever the sheet's size. */
export const WINDOW_BYTES = 16 * 1024 * 1024;

export interface ExportOptions {
  /** Spreadsheet ID or docs.google.com URL (a `gid` in it picks the tab when `range` names none). */
  spreadsheet: string | SpreadsheetRef;
  /** A1 range, tab name or named range. Default: the whole first tab (or the URL's gid tab). */
  range?: string | A1;
  /** Requests in flight at most. Default 4. */
  concurrency?: number;
  /** Rows per request. Default: sized from a cell budget. */
  chunkRows?: number;
  /** Milliseconds the API may stay silent (before an answer begins, or within it). Default 30000. */
  timeoutMs?: number;
  /** Failed attempts in a row, without rows delivered, before a request gives up. Default 5. */
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

export interface StreamExportOptions extends ExportOptions {
  /** csv (default), tsv or ndjson. */
  format?: Format;
}

export interface PlanInfo {
  range: string;
  /** The file it is written to, in a folder export. */
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
  /** Cumulative: rows handed to the destination, and sheet rows passed (empty rows dropped at the end included). */
  progress: [{ rowsWritten: number; rowsCovered: number }];
  warning: [string];
}

/** Typed events from a running export; progress.ts listens. */
export class ExportEvents extends EventEmitter<ExportEventMap> {}

export interface ExportSummary {
  range: string;
  /** Data rows written (the header row not counted when `header` is on). */
  rows: number;
  columns: number;
  requests: number;
  retries: number;
  seconds: number;
}

/** The API client and what every request of a run shares: the rate gate and the counters. */
interface Session {
  ref: SpreadsheetRef;
  api: SheetsApi;
  ownsApi: boolean;
  gate: RequestGate;
  counters: { requests: number; retries: number };
  options: ExportOptions;
  events: ExportEvents;
}

function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' || error instanceof BrokenPipe;
}

async function openSession(options: ExportOptions, signal: AbortSignal, events: ExportEvents): Promise<Session> {
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
      maxSockets: options.concurrency ?? DEFAULTS.concurrency,
      signal,
    }));
  return { ref, api, ownsApi: options.api === undefined, gate: new RequestGate(options.maxRpm ?? DEFAULTS.maxRpm), counters: { requests: 0, retries: 0 }, options, events };
}

function attemptContext(session: Session, signal: AbortSignal): AttemptContext {
  const { options, counters, events } = session;
  return {
    gate: session.gate,
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
}

function readContext(session: Session, signal: AbortSignal, window?: Window): ReadContext {
  return {
    ...attemptContext(session, signal),
    api: session.api,
    deliver: (part) => (window ? window.deliver(part) : deliverPart(part)),
    room: () => window?.room(),
  };
}

/** Why a request failed for good, as the error family the CLI maps to an exit code. */
function failed(error: unknown, what: string, session: Session): unknown {
  if (!(error instanceof AttemptsFailed)) return error;
  return finalError(error, { what, spreadsheetId: session.ref.id, principal: session.api.principal, host: session.api.host });
}

async function readMetadata(session: Session, signal: AbortSignal): Promise<SpreadsheetMeta> {
  try {
    return await withRetries('spreadsheet metadata', attemptContext(session, signal), (s) => session.api.getMetadata(s));
  } catch (error) {
    throw failed(error, `reading spreadsheet ${session.ref.id}`, session);
  }
}

/** The spreadsheet's tabs and named ranges, from one metadata request. */
export async function readSpreadsheetMeta(options: ExportOptions): Promise<SpreadsheetMeta> {
  const { controller, dispose } = linkedController(options.signal);
  let session: Session | undefined;
  try {
    session = await openSession(options, controller.signal, options.events ?? new ExportEvents());
    return await readMetadata(session, controller.signal);
  } finally {
    if (session?.ownsApi) session.api.close();
    controller.abort(new Error('done'));
    dispose();
  }
}

/** The early read started beside the metadata, kept only if the metadata confirms it. */
interface EarlyRead {
  span: EarlySpan;
  output: RangeOutput;
  part: Part;
  request: Request;
  done: Promise<void>;
  controller: AbortController;
}

/** Raised when the first tab the API read early is not the one sheetpipe exports: the run starts over without it. */
class EarlyMismatch extends Error {
  override name = 'EarlyMismatch';
}

interface RangeRun {
  format: Format;
  /** NDJSON objects keyed by the first row (else arrays). */
  objects: boolean;
  header: boolean;
  write(chunk: Buffer): Promise<void> | void;
  /** Read the first rows beside the metadata when possible. */
  early: boolean;
}

interface RangeResult {
  range: GridRange;
  output: RangeOutput | undefined;
}

type OnWritten = (output: RangeOutput) => void;

function outputFor(run: RangeRun, session: Session, spec: { firstCol: number; firstRow: number; width?: number; maxWidth?: number; confirmed?: boolean }, onWritten: OnWritten): RangeOutput {
  const output: RangeOutput = new RangeOutput({
    format: run.format,
    header: run.objects,
    ...spec,
    write: (chunk) => {
      const wait = run.write(chunk);
      onWritten(output);
      return wait;
    },
    onWarning: (message) => session.events.emit('warning', message),
  });
  return output;
}

function startEarly(session: Session, run: RangeRun, a1: A1 | undefined, plan: PlanOptions, signal: AbortSignal, onWritten: OnWritten): EarlyRead | undefined {
  const span = run.early ? earlySpan(a1, session.ref.gid, SAMPLE_ROWS, plan) : undefined;
  if (!span) return undefined;
  const output = outputFor(
    run,
    session,
    { firstCol: span.firstCol, firstRow: span.firstRow, width: span.lastCol !== undefined ? span.lastCol - span.firstCol + 1 : undefined, confirmed: false },
    onWritten,
  );
  const part = new Part({ output, sheet: span.sheet, firstCol: span.firstCol, lastCol: span.lastCol, firstRow: span.firstRow, lastRow: span.lastRow });
  // The first part of its range: its rows go to the output (held until the metadata confirms them).
  part.becomeHead();
  const request: Request = { label: `chunk 1 (${part.a1(span.firstRow, span.lastRow)})`, parts: [part], batch: false };
  const { controller } = linkedController(signal);
  const done = readRequest(request, readContext(session, controller.signal));
  done.catch(() => undefined);
  return { span, output, part, request, done, controller };
}

async function dropEarly(early: EarlyRead | undefined): Promise<void> {
  if (!early) return;
  early.controller.abort(new Error('the early read was not needed'));
  await early.done.catch(() => undefined);
}

/** Exports one range through `run.write`; resolves when every row is written. */
async function exportRange(session: Session, run: RangeRun, signal: AbortSignal, onWritten: OnWritten): Promise<RangeResult> {
  const { options, events } = session;
  const a1 = typeof options.range === 'string' ? parseA1(options.range) : options.range;
  const plan: PlanOptions = {
    chunkRows: options.chunkRows,
    maxRows: options.limit !== undefined ? options.limit + (run.header ? 1 : 0) : undefined,
    firstRows: SAMPLE_ROWS,
  };
  let early = startEarly(session, run, a1, plan, signal, onWritten);
  let range: GridRange;
  let firstSheet: string | undefined;
  try {
    const meta = await readMetadata(session, signal);
    range = resolveRange(a1, meta, session.ref.gid);
    firstSheet = [...meta.sheets].sort((a, b) => a.index - b.index)[0]?.title;
  } catch (error) {
    await dropEarly(early);
    throw error;
  }
  // A range without a tab name reads the spreadsheet's first sheet: when that is not the tab
  // exported (a chart sheet comes first), the early read asked for something else.
  const unnamedElsewhere = early?.span.sheet === undefined && firstSheet !== range.sheet.title;
  if (early && (unnamedElsewhere || !earlyMatches(early.span, range, DEFAULT_CELL_BUDGET))) {
    await dropEarly(early);
    early = undefined;
  }

  const columns = Math.max(0, range.lastCol - range.firstCol + 1);
  const last = lastPlannedRow(range, plan);
  if (holdsNoCells(range)) {
    events.emit('plan', { range: describeRange(range), chunks: 0, rows: 0, columns: 0, colsNamed: range.colsNamed });
    events.emit(
      'warning',
      `warning: the range starts past the end of tab ${quoteSheetName(range.sheet.title)} (${plural(range.sheet.rowCount, 'row')} × ${plural(range.sheet.columnCount, 'column')}), so it holds no cells`,
    );
    return { range, output: undefined };
  }

  let output: RangeOutput;
  let spans: Span[];
  if (early) {
    output = early.output;
    early.part.lastRow = Math.min(early.part.lastRow, last);
    spans = [...rowSpans(range, 0, plan, early.part.lastRow + 1)];
    // A tab named in the request is confirmed now; the first tab read without a name, by the echo
    // once the read has ended. The check is part of the read the window waits for, so that a
    // mismatch fails the window (and the run starts over without the early read).
    if (early.span.sheet !== undefined) output.confirm(columns);
    else {
      const read = early;
      early.done = read.done.then(() => {
        if (echoedSheet(read.part.echo) !== range.sheet.title) throw new EarlyMismatch(`the API read tab ${read.part.echo ?? '?'} for the first tab`);
        read.output.confirm(columns);
      });
    }
  } else {
    output = outputFor(run, session, { firstCol: range.firstCol, firstRow: range.firstRow, width: range.colsNamed ? columns : undefined, maxWidth: columns }, onWritten);
    spans = [...rowSpans(range, 0, plan)];
  }
  const total = spans.length + (early ? 1 : 0);
  events.emit('plan', { range: describeRange(range), chunks: total, rows: Math.max(0, last - range.firstRow + 1), columns, colsNamed: range.colsNamed });

  const requests: Request[] = [];
  const parts: Part[] = early ? [early.part] : [];
  if (early) early.request.label = `chunk 1/${total} (${chunkA1(range, early.span.firstRow, early.part.lastRow)})`;
  for (const span of spans) {
    const part = new Part({ output, sheet: range.sheet.title, firstCol: range.firstCol, lastCol: range.lastCol, firstRow: span.first, lastRow: span.last });
    parts.push(part);
    requests.push({ label: `chunk ${parts.length}/${total} (${chunkA1(range, span.first, span.last)})`, parts: [part], batch: false });
  }

  // The read callback refers to the window it belongs to; it runs only once the window runs.
  const window: Window = new Window(
    [{ output, parts }],
    requests,
    (request, s) => readRequest(request, readContext(session, s, window)),
    { concurrency: options.concurrency ?? DEFAULTS.concurrency, budgetBytes: WINDOW_BYTES, signal },
    early ? [{ request: early.request, done: early.done }] : [],
  );
  try {
    await window.run();
  } catch (error) {
    if (error instanceof EarlyMismatch) throw error;
    const request = requests.find((r) => r.parts.some((p) => !p.done)) ?? early?.request;
    throw failed(error, request?.label ?? describeRange(range), session);
  }
  return { range, output };
}

/** A Writable as a destination: a write resolves once it drains, and rejects with the stream's error. */
function writerFor(destination: Writable): (chunk: Buffer) => Promise<void> | void {
  return (chunk) => {
    if (destination.errored) throw destination.errored;
    if (destination.destroyed || destination.writableEnded) throw new BrokenPipe();
    if (destination.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        destination.off('drain', drained);
        destination.off('error', failed);
        destination.off('close', closed);
        if (error === undefined) resolve();
        else reject(error);
      };
      const drained = () => settle();
      const failed = (error: unknown) => settle(error);
      const closed = () => settle(destination.errored ?? new BrokenPipe());
      destination.on('drain', drained);
      destination.on('error', failed);
      destination.on('close', closed);
    });
  };
}

function endOf(destination: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    destination.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

/** Runs a whole export into `destination`: see exportToStream. */
async function exportInto(options: StreamExportOptions, destination: Writable, objects: boolean): Promise<ExportSummary> {
  if (destination.writableEnded || destination.destroyed) throw new OutputError('the destination stream is already closed');
  const started = performance.now();
  const events = options.events ?? new ExportEvents();
  const { controller, dispose } = linkedController(options.signal);
  // A destination that fails (a full disk, a reader gone) stops everything at once.
  const onError = (error: unknown) => controller.abort(isBrokenPipe(error) ? new BrokenPipe() : error);
  destination.on('error', onError);
  const format = options.format ?? 'csv';
  const header = options.header ?? DEFAULTS.header;
  let session: Session | undefined;
  try {
    session = await openSession(options, controller.signal, events);
    const write = writerFor(destination);
    let result: RangeResult;
    const onWritten: OnWritten = (output) => events.emit('progress', { rowsWritten: output.committed, rowsCovered: output.passed });
    for (let early = true; ; early = false) {
      try {
        result = await exportRange(session, { format, objects, header, write, early }, controller.signal, onWritten);
        break;
      } catch (error) {
        // Nothing of an early read of the wrong tab was written: start over without it.
        if (!(error instanceof EarlyMismatch) || !early) throw error;
      }
    }
    const { range, output } = result;
    events.emit('progress', { rowsWritten: output?.committed ?? 0, rowsCovered: output?.passed ?? 0 });
    if (destination !== process.stdout) await endOf(destination);
    // A destination that failed after its last write (a full disk found at the flush) fails the export.
    if (controller.signal.aborted) throw controller.signal.reason;
    const committed = output?.committed ?? 0;
    return {
      range: describeRange(range),
      rows: header && !objects ? Math.max(0, committed - 1) : committed,
      columns: output?.width ?? 0,
      requests: session.counters.requests,
      retries: session.counters.retries,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    controller.abort(error);
    if (options.signal?.aborted) throw isBrokenPipe(options.signal.reason) ? new BrokenPipe() : options.signal.reason;
    const reason: unknown = controller.signal.reason;
    if (isBrokenPipe(error) || isBrokenPipe(reason)) throw new BrokenPipe();
    if (error instanceof EarlyMismatch) throw new InternalError(error.message, { cause: error });
    throw error;
  } finally {
    destination.off('error', onError);
    if (session?.ownsApi) session.api.close();
    if (!controller.signal.aborted) controller.abort(new Error('export finished'));
    dispose();
  }
}

/**
 * Runs a whole export into `destination` and resolves with the summary. A destination that closes
 * early (EPIPE) stops the export and rejects with BrokenPipe, whose exit code is 0. Does not end
 * process.stdout.
 */
export function exportToStream(options: StreamExportOptions, destination: Writable): Promise<ExportSummary> {
  const format = options.format ?? 'csv';
  return exportInto(options, destination, format === 'ndjson' && (options.header ?? DEFAULTS.header));
}

export type Cell = string | number | boolean | null;
export type Row = Cell[];

/**
 * The rows of a range, in sheet order, as the export writes them: each row padded to the range's
 * width, an empty cell `null` (the header row included). Breaking out of the loop cancels the
 * requests in flight.
 */
export async function* readRows(options: ExportOptions): AsyncGenerator<Row> {
  const { controller, dispose } = linkedController(options.signal);
  const lines = new PassThrough({ highWaterMark: 1 << 20 });
  const running = exportInto({ ...options, format: 'ndjson', signal: controller.signal }, lines, false);
  running.then(
    () => lines.end(),
    (error: unknown) => lines.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  try {
    let rest = '';
    for await (const chunk of lines as AsyncIterable<Buffer>) {
      const text = rest + chunk.toString('utf8');
      const end = text.lastIndexOf('\n');
      rest = text.slice(end + 1);
      if (end < 0) continue;
      for (const line of text.slice(0, end).split('\n')) yield JSON.parse(line) as Row;
    }
    await running;
  } finally {
    controller.abort(new Error('the reader stopped'));
    dispose();
  }
}
