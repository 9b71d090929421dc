/**
 * The engine's face: one range into a stream (exportToStream, readRows), the metadata
 * (readSpreadsheetMeta), and several ranges each into its own destination (exportRangesTo, for
 * the folder export). Each run has one AbortSignal; progress observes it through events.
 */
import type { Writable } from 'node:stream';
import { type Write, endOf, isBrokenPipe, writerFor } from '../output/destination.js';
import { BrokenPipe, InternalError, OutputError } from '../shared/errors.js';
import { ExportEvents } from './events.js';
import { linkedController } from '../shared/signals.js';
import { exportRange } from './export-range.js';
import { DEFAULTS } from './settings.js';
import { type GridRange, type SpreadsheetMeta, describeRange, describeRead, lookUpName } from '../sheet/resolve.js';
import { parseA1 } from '../sheet/a1.js';
import { type ExportOptions, type Session, closeSession, openSession, readMetadata } from './session.js';
import { type OnWritten, type OutputRules, layoutOf, openOutput, writtenBy } from './outputs.js';
import { planOptions } from './plan.js';
import { type RangeRead, readRanges } from './read-ranges.js';
import { readColumnKinds } from './formats.js';
import type { Column } from '../transcode/column-kinds.js';
import type { Format } from '../transcode/encode.js';
import { type RangeOutput, SAMPLE_ROWS } from '../transcode/output.js';

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
  /** Typed values (`render: 'typed'`): each column's name and type, from its first rows. */
  schema?: Column[];
  requests: number;
  retries: number;
  /** Chunk boundaries checked: the rows there had not moved between the two reads. */
  boundaries: number;
  seconds: number;
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

/** A range's columns as a typed export writes them, and what a loader needs beside them. */
export interface RangeSchema {
  /** The range, as the export reads it: `'Orders'!A1:Z2001`. */
  range: string;
  /** What a CREATE TABLE calls it: the named range's name, else the tab's title. */
  table: string;
  /** The spreadsheet's locale and time zone (the zone of its date-times' wall time), when the API names them. */
  locale?: string;
  timeZone?: string;
  columns: Column[];
}

/**
 * The schema of a range: the columns (names as NDJSON keys, types) that a typed export of it writes,
 * told from its first SAMPLE_ROWS rows as that export tells them — those rows are read typed and
 * written nowhere. Costs the metadata request, one formats request, and those rows' values request.
 */
export function readSchema(options: ExportOptions): Promise<RangeSchema> {
  const header = options.header ?? DEFAULTS.header;
  const sample = { ...options, render: 'TYPED' as const, limit: SAMPLE_ROWS - (header ? 1 : 0) };
  const rules: OutputRules = { format: 'ndjson', objects: header, header };
  return inSession(sample, options.events ?? new ExportEvents(), async (session, signal) => {
    const { meta, range, output } = await exportRange(
      session,
      rules,
      () => undefined,
      signal,
      () => undefined,
    );
    const a1 = typeof options.range === 'string' ? parseA1(options.range) : options.range;
    const named = a1?.kind === 'name' ? lookUpName(meta, a1.name) : undefined;
    return {
      range: describeRange(range),
      table: named?.kind === 'named' ? named.named.name : range.sheet.title,
      locale: meta.locale,
      timeZone: meta.timeZone,
      columns: writtenBy(output, range, rules).schema ?? [],
    };
  });
}

/**
 * One range, exported through `write`, and the summary: the engine's single-range run, which
 * exportToStream and readRows both take. `settle` runs once every row is written (a stream ends).
 */
async function exportThrough(
  options: ExportOptions,
  rules: OutputRules,
  write: Write,
  settle: () => Promise<void> = async () => undefined,
  signalled?: (abort: (reason: unknown) => void) => () => void,
): Promise<ExportSummary> {
  const started = performance.now();
  const events = options.events ?? new ExportEvents();
  return inSession(
    options,
    events,
    async (session, signal) => {
      const onWritten: OnWritten = (output) => events.emit('progress', { rowsWritten: output.committed, rowsCovered: output.passed });
      const { range, output } = await exportRange(session, rules, write, signal, onWritten);
      onWritten(output);
      await settle();
      const asked = typeof options.range === 'string' ? parseA1(options.range) : options.range;
      return {
        range: describeRead(range, asked),
        ...writtenBy(output, range, rules),
        requests: session.counters.requests,
        retries: session.counters.retries,
        boundaries: session.counters.boundaries,
        seconds: (performance.now() - started) / 1000,
      };
    },
    signalled,
  );
}

/**
 * Runs a whole export into `destination` and resolves with the summary. A destination that closes
 * early (EPIPE) stops the export and rejects with BrokenPipe, whose exit code is 0. Does not end
 * process.stdout.
 */
export async function exportToStream(options: StreamExportOptions, destination: Writable): Promise<ExportSummary> {
  if (destination.writableEnded || destination.destroyed) throw new OutputError('the destination stream is already closed');
  const format = options.format ?? 'csv';
  const header = options.header ?? DEFAULTS.header;
  // A destination that fails (a full disk, a reader gone) stops everything at once.
  const watch = (abort: (reason: unknown) => void) => {
    const onError = (error: unknown) => abort(isBrokenPipe(error) ? new BrokenPipe() : error);
    destination.on('error', onError);
    return () => destination.off('error', onError);
  };
  const settle = () => (destination === process.stdout ? Promise.resolve() : endOf(destination));
  return exportThrough(options, { format, objects: format === 'ndjson' && header, header }, writerFor(destination), settle, watch);
}

export type Cell = string | number | boolean | null;
export type Row = Cell[];

/**
 * The rows of a range, in sheet order, as the export writes them: each row padded to the range's
 * width, an empty cell `null` (the header row included). Breaking out of the loop cancels the
 * requests in flight.
 *
 * The rows travel through the engine as the bytes of NDJSON arrays, as every format's rows do: the
 * window holds rows read ahead as bytes within its budget (a row of JS values takes several times
 * its JSON's bytes). Each write is whole rows; they are parsed as the reader takes them, and the
 * engine writes the next only when the reader has taken these.
 */
export async function* readRows(options: ExportOptions): AsyncGenerator<Row> {
  const { controller, dispose } = linkedController(options.signal);
  const handoff = new RowHandoff();
  const rules: OutputRules = { format: 'ndjson', objects: false, header: options.header ?? DEFAULTS.header };
  const running = exportThrough({ ...options, signal: controller.signal }, rules, handoff.write);
  running.then(
    () => handoff.end(),
    (error: unknown) => handoff.end(error),
  );
  try {
    yield* handoff.rows();
    await running;
  } finally {
    const stopped = new Error('the reader stopped');
    controller.abort(stopped);
    handoff.end(stopped);
    dispose();
  }
}

/** Rows passed from the engine's writes to readRows' reader, one write at a time. */
class RowHandoff {
  private waiting: { rows: Row[]; taken: () => void; refused: (reason: unknown) => void } | undefined;
  private ended: { error?: unknown } | undefined;
  private wake: (() => void) | undefined;

  /** The engine's write: its rows, parsed, wait until the reader has taken them. */
  readonly write: Write = (chunk) => {
    if (this.ended) throw this.ended.error ?? new InternalError('a write came after readRows ended');
    const rows: Row[] = [];
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
      rows.push(JSON.parse(chunk.toString('utf8', start, end)) as Row);
      start = end + 1;
    }
    if (start !== chunk.length) throw new InternalError('a write to readRows ended inside a row');
    return new Promise<void>((taken, refused) => {
      this.waiting = { rows, taken, refused };
      this.wake?.();
    });
  };

  /** No more rows: the run ended (with its error), or the reader stopped (a write waiting is refused). */
  end(error?: unknown): void {
    this.ended ??= { error };
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.refused(error);
    this.wake?.();
  }

  async *rows(): AsyncGenerator<Row> {
    for (;;) {
      while (!this.waiting && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
      const batch = this.waiting;
      if (!batch) break;
      // The write stays waiting while its rows are read: a reader that stops midway refuses it (end).
      yield* batch.rows;
      this.waiting = undefined;
      batch.taken();
    }
    if (this.ended?.error !== undefined) throw this.ended.error;
  }
}

/** One range of a several-range export, as it was written. */
export interface WrittenRange {
  range: GridRange;
  /** Data rows (the header row not counted when `header` is on). */
  rows: number;
  columns: number;
  /** Typed values: each column's name and type, from its first rows. */
  schema: Column[] | undefined;
}

/** A range chosen for a several-range export, with the file it goes to. */
export interface SelectedRange {
  range: GridRange;
  /** The file it goes to: named by progress. */
  file?: string;
  /** The A1 text it was asked for, as typed: named in warnings. */
  asked?: string;
}

export interface RangesExport {
  format: Format;
  /** The ranges to write, chosen from the metadata (every grid tab, or the ranges asked for). Throws to refuse. */
  select(meta: SpreadsheetMeta): SelectedRange[] | Promise<SelectedRange[]>;
  /** Opens the destination of the i-th range. */
  open(selected: SelectedRange, index: number): Write | Promise<Write>;
}

/**
 * Several ranges in one run — one metadata request, one quota budget, one pool of requests —
 * each into its own destination. Resolves once every row of every range is written.
 */
export async function exportRangesTo(
  options: ExportOptions,
  plan: RangesExport,
): Promise<{ meta: SpreadsheetMeta; written: WrittenRange[]; boundaries: number }> {
  const events = options.events ?? new ExportEvents();
  const header = options.header ?? DEFAULTS.header;
  const rules: OutputRules = { format: plan.format, objects: plan.format === 'ndjson' && header, header };
  return inSession(options, events, async (session, signal) => {
    const meta = await readMetadata(session, signal);
    const selected = await plan.select(meta);
    const writes: Write[] = [];
    for (const [i, chosen] of selected.entries()) {
      // Hundreds of files take a moment to open: a signal meanwhile stops the run at once.
      signal.throwIfAborted();
      writes.push(await plan.open(chosen, i));
    }
    const planned = planOptions(options, header);
    const ranges = selected.map((s) => s.range);
    const kinds = options.render === 'TYPED' ? await readColumnKinds(session, ranges, planned, header, signal) : undefined;
    const outputs = new Set<RangeOutput>();
    const reads: RangeRead[] = selected.map(({ range, file, asked }, i) => {
      // Progress counts every range's rows and names the one just written.
      const onWritten: OnWritten = (output) => {
        outputs.add(output);
        let rowsWritten = 0;
        let rowsCovered = 0;
        let started = 0;
        for (const o of outputs) {
          rowsWritten += o.committed;
          rowsCovered += o.passed;
          if (o.committed > 0) started += 1;
        }
        events.emit('progress', { rowsWritten, rowsCovered, started, current: file ?? describeRange(range) });
      };
      return { range, file, asked, output: openOutput(session, rules, layoutOf(range, rules, kinds?.[i]), writes[i] as Write, onWritten) };
    });
    await readRanges(session, reads, planned, signal);
    return {
      meta,
      written: reads.map(({ range, output }) => ({ range, ...writtenBy(output, range, rules) })),
      boundaries: session.counters.boundaries,
    };
  });
}
