/**
 * The engine's face: one range into a stream (exportToStream, readRows), the metadata
 * (readSpreadsheetMeta), and several ranges each into its own destination (exportRangesTo, for
 * the folder export). Each run has one AbortSignal; progress observes it through events.
 */
import { PassThrough, type Writable } from 'node:stream';
import { type Write, endOf, isBrokenPipe, writerFor } from '../output/destination.js';
import { BrokenPipe, OutputError } from '../shared/errors.js';
import { ExportEvents } from './events.js';
import { linkedController } from '../shared/signals.js';
import { exportRange } from './export-range.js';
import { DEFAULTS } from './settings.js';
import { type GridRange, type SpreadsheetMeta, describeRange } from '../sheet/resolve.js';
import { type ExportOptions, type Session, closeSession, openSession, readMetadata } from './session.js';
import { type OnWritten, type OutputRules, exportRanges } from './requests.js';
import type { Format } from '../transcode/encode.js';
import type { RangeOutput } from '../transcode/output.js';

export { ExportEvents } from './events.js';
export type { ExportEventMap, PlanInfo, WarningKind } from './events.js';
export type { ExportOptions } from './session.js';

export interface StreamExportOptions extends ExportOptions {
  /** csv (default), tsv or ndjson. */
  format?: Format;
}

export interface ExportSummary {
  range: string;
  /** Data rows written (the header row not counted when `header` is on). */
  rows: number;
  columns: number;
  requests: number;
  retries: number;
  seconds: number;
}

/** Data rows: the output's rows without the header line (NDJSON objects never write one). */
function dataRows(output: RangeOutput | undefined, rules: OutputRules): number {
  const committed = output?.committed ?? 0;
  return rules.header && !rules.objects ? Math.max(0, committed - 1) : committed;
}

/**
 * Runs `work` in a session under a signal linked to the caller's, and closes the session after.
 * A cancelled run rejects with the caller's reason; a reader gone (EPIPE) with BrokenPipe.
 */
async function inSession<T>(
  options: ExportOptions,
  events: ExportEvents,
  work: (session: Session, signal: AbortSignal) => Promise<T>,
  signalled?: (abort: (reason: unknown) => void) => () => void,
): Promise<T> {
  const { controller, dispose } = linkedController(options.signal);
  const unwatch = signalled?.((reason) => controller.abort(reason));
  let session: Session | undefined;
  try {
    session = await openSession(options, controller.signal, events);
    const result = await work(session, controller.signal);
    // A destination that failed after its last write (a full disk found at the flush) fails the run.
    if (controller.signal.aborted) throw controller.signal.reason;
    return result;
  } catch (error) {
    controller.abort(error);
    if (options.signal?.aborted) throw isBrokenPipe(options.signal.reason) ? new BrokenPipe() : options.signal.reason;
    const reason: unknown = controller.signal.reason;
    if (isBrokenPipe(error) || isBrokenPipe(reason)) throw new BrokenPipe();
    throw error;
  } finally {
    unwatch?.();
    closeSession(session);
    if (!controller.signal.aborted) controller.abort(new Error('the run ended'));
    dispose();
  }
}

/** The spreadsheet's tabs and named ranges, from one metadata request. */
export function readSpreadsheetMeta(options: ExportOptions): Promise<SpreadsheetMeta> {
  return inSession(options, options.events ?? new ExportEvents(), (session, signal) => readMetadata(session, signal));
}

async function exportInto(options: StreamExportOptions, destination: Writable, objects: boolean): Promise<ExportSummary> {
  if (destination.writableEnded || destination.destroyed) throw new OutputError('the destination stream is already closed');
  const started = performance.now();
  const events = options.events ?? new ExportEvents();
  const rules: OutputRules = { format: options.format ?? 'csv', objects, header: options.header ?? DEFAULTS.header };
  // A destination that fails (a full disk, a reader gone) stops everything at once.
  const watch = (abort: (reason: unknown) => void) => {
    const onError = (error: unknown) => abort(isBrokenPipe(error) ? new BrokenPipe() : error);
    destination.on('error', onError);
    return () => destination.off('error', onError);
  };
  return inSession(
    options,
    events,
    async (session, signal) => {
      const write = writerFor(destination);
      const onWritten: OnWritten = (output) => events.emit('progress', { rowsWritten: output.committed, rowsCovered: output.passed });
      const { range, output } = await exportRange(session, rules, write, signal, onWritten);
      events.emit('progress', { rowsWritten: output?.committed ?? 0, rowsCovered: output?.passed ?? 0 });
      if (destination !== process.stdout) await endOf(destination);
      return {
        range: describeRange(range),
        rows: dataRows(output, rules),
        columns: output?.columns ?? 0,
        requests: session.counters.requests,
        retries: session.counters.retries,
        seconds: (performance.now() - started) / 1000,
      };
    },
    watch,
  );
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

/** One range of a several-range export, as it was written. */
export interface WrittenRange {
  range: GridRange;
  /** Data rows (the header row not counted when `header` is on). */
  rows: number;
  columns: number;
}

export interface RangesExport {
  format: Format;
  /** The ranges to write, chosen from the metadata (every grid tab, or the ranges asked for). Throws to refuse. */
  select(meta: SpreadsheetMeta): GridRange[] | Promise<GridRange[]>;
  /** Opens the destination of the i-th range. */
  open(range: GridRange, index: number): Write | Promise<Write>;
  /** The file each range goes to, for progress. */
  file?(range: GridRange, index: number): string;
}

/**
 * Several ranges in one run — one metadata request, one quota budget, one pool of requests —
 * each into its own destination. Resolves once every row of every range is written.
 */
export async function exportRangesTo(
  options: ExportOptions,
  plan: RangesExport,
): Promise<{ meta: SpreadsheetMeta; written: WrittenRange[]; requests: number; retries: number }> {
  const events = options.events ?? new ExportEvents();
  const header = options.header ?? DEFAULTS.header;
  const rules: OutputRules = { format: plan.format, objects: plan.format === 'ndjson' && header, header };
  return inSession(options, events, async (session, signal) => {
    const meta = await readMetadata(session, signal);
    const ranges = await plan.select(meta);
    const writes: Write[] = [];
    for (const [i, range] of ranges.entries()) {
      // Hundreds of files take a moment to open: a signal meanwhile stops the run at once.
      signal.throwIfAborted();
      writes.push(await plan.open(range, i));
    }
    const files = ranges.map((range, i) => plan.file?.(range, i));
    const outputs = new Set<RangeOutput>();
    const onWritten: OnWritten = (output, i = 0) => {
      outputs.add(output);
      let rowsWritten = 0;
      let rowsCovered = 0;
      let started = 0;
      for (const o of outputs) {
        rowsWritten += o.committed;
        rowsCovered += o.passed;
        if (o.committed > 0) started += 1;
      }
      const range = ranges[i] as GridRange;
      events.emit('progress', { rowsWritten, rowsCovered, started, current: files[i] ?? describeRange(range) });
    };
    const written = await exportRanges(session, rules, ranges, writes, signal, onWritten, files);
    return {
      meta,
      written: ranges.map((range, i) => ({ range, rows: dataRows(written[i], rules), columns: written[i]?.columns ?? 0 })),
      requests: session.counters.requests,
      retries: session.counters.retries,
    };
  });
}
