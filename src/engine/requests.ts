/**
 * Ranges → outputs → parts and requests → one window. Every range of a run shares one pool of
 * requests and one quota budget; each writes, in sheet order, to its own destination.
 */
import { quoteSheetName } from '../sheet/a1.js';
import type { Write } from '../output/destination.js';
import { type Request, readRequest } from '../fetch/chunk-reader.js';
import { Part } from '../fetch/part.js';
import { type Running, type Target, Window } from '../fetch/window.js';
import { DEFAULTS } from './settings.js';
import { type PlanOptions, type Span, chunkA1, columnsOf, lastPlannedRow, planRequests } from './plan.js';
import { plural } from '../shared/plural.js';
import { type GridRange, describeRange, holdsNoCells } from '../sheet/resolve.js';
import { type Session, failed, readContext } from './session.js';
import type { Format } from '../transcode/encode.js';
import { RangeOutput, SAMPLE_ROWS } from '../transcode/output.js';

/** Bytes the parts read ahead of the head may hold: the window's memory, whatever the sheet's size. */
export const WINDOW_BYTES = 16 * 1024 * 1024;

export interface OutputRules {
  format: Format;
  /** NDJSON objects keyed by the first row (else arrays). */
  objects: boolean;
  /** The first row is a header: --limit does not count it. */
  header: boolean;
}

/** Called after every write to a range's destination, with the range's position when a run has several: progress. */
export type OnWritten = (output: RangeOutput, index?: number) => void;

export interface OutputSpec {
  firstCol: number;
  firstRow: number;
  width?: number;
  maxWidth?: number;
  confirmed?: boolean;
  onHoldFull?(): void;
}

export function outputFor(session: Session, rules: OutputRules, spec: OutputSpec, write: Write, onWritten: OnWritten): RangeOutput {
  const output: RangeOutput = new RangeOutput({
    format: rules.format,
    header: rules.objects,
    ...spec,
    write: (chunk) => {
      const wait = write(chunk);
      onWritten(output);
      return wait;
    },
    onWarning: (message) => session.events.emit('warning', message, 'output'),
  });
  return output;
}

/** The output of a resolved range: its named width, or the width rule's sample. */
export function rangeOutput(session: Session, rules: OutputRules, range: GridRange, write: Write, onWritten: OnWritten): RangeOutput {
  const columns = columnsOf(range);
  return outputFor(
    session,
    rules,
    { firstCol: range.firstCol, firstRow: range.firstRow, width: range.colsNamed ? columns : undefined, maxWidth: columns },
    write,
    onWritten,
  );
}

export function planOptions(session: Session, rules: OutputRules): PlanOptions {
  const { chunkRows, limit } = session.options;
  return { chunkRows, maxRows: limit !== undefined ? limit + (rules.header ? 1 : 0) : undefined, firstRows: SAMPLE_ROWS };
}

export function warnPastGrid(session: Session, range: GridRange): void {
  const { sheet } = range;
  session.events.emit(
    'warning',
    `warning: ${describeRange(range)} starts past the end of tab ${quoteSheetName(sheet.title)} (${plural(sheet.rowCount, 'row')} × ${plural(sheet.columnCount, 'column')}), so it holds no cells`,
    'notice',
  );
}

export function partOf(output: RangeOutput, range: GridRange, span: Span): Part {
  return new Part({
    output,
    sheet: range.sheet.title,
    firstCol: range.firstCol,
    lastCol: range.lastCol,
    firstRow: span.first,
    lastRow: span.last,
  });
}

/** Runs the window over `targets`; rejects with the first failure as its error family. */
export async function runWindow(
  session: Session,
  targets: Target[],
  requests: Request[],
  signal: AbortSignal,
  running: Running[] = [],
): Promise<void> {
  // The read callback refers to the window it belongs to; it runs only once the window runs.
  const window: Window = new Window(
    targets,
    requests,
    (request, s) => readRequest(request, readContext(session, s, window)),
    { concurrency: session.options.concurrency ?? DEFAULTS.concurrency, budgetBytes: WINDOW_BYTES, signal },
    running,
  );
  try {
    await window.run();
  } catch (error) {
    throw failed(error, session);
  }
}

/**
 * Several ranges, each to its own writer, through one window: ranges that fit the cell budget are
 * packed into values:batchGet requests, larger ones chunked. Resolves with each range's output.
 */
export async function exportRanges(
  session: Session,
  rules: OutputRules,
  ranges: readonly GridRange[],
  writes: readonly Write[],
  signal: AbortSignal,
  onWritten: OnWritten,
  files: readonly (string | undefined)[] = [],
): Promise<RangeOutput[]> {
  const plan = planOptions(session, rules);
  const outputs = ranges.map((range, i) => rangeOutput(session, rules, range, writes[i] as Write, (output) => onWritten(output, i)));
  const targets: Target[] = outputs.map((output) => ({ output, parts: [] }));
  const planned = [...planRequests(ranges, plan)];
  const chunks = ranges.map(() => 0);
  for (const p of planned) for (const span of p.kind === 'batch' ? p.spans : [p.span]) chunks[span.target]! += 1;
  for (const [i, range] of ranges.entries()) {
    const columns = columnsOf(range);
    const rows = holdsNoCells(range) ? 0 : lastPlannedRow(range, plan) - range.firstRow + 1;
    session.events.emit('plan', {
      range: describeRange(range),
      file: files[i],
      chunks: chunks[i] ?? 0,
      rows,
      columns,
      colsNamed: range.colsNamed,
    });
    if (holdsNoCells(range)) warnPastGrid(session, range);
  }
  const seen = ranges.map(() => 0);
  const requests: Request[] = planned.map((p) => {
    const spans = p.kind === 'batch' ? p.spans : [p.span];
    const parts = spans.map((span) => {
      const part = partOf(outputs[span.target] as RangeOutput, ranges[span.target] as GridRange, span);
      (targets[span.target] as Target).parts.push(part);
      seen[span.target]! += 1;
      return part;
    });
    if (p.kind === 'batch') {
      const tabs = spans.map((s) => quoteSheetName((ranges[s.target] as GridRange).sheet.title));
      return {
        label: `a batch of ${spans.length} ranges (${tabs.slice(0, 3).join(', ')}${tabs.length > 3 ? ', …' : ''})`,
        parts,
        batch: true,
      };
    }
    const range = ranges[p.span.target] as GridRange;
    return {
      label: `chunk ${seen[p.span.target]}/${chunks[p.span.target]} (${chunkA1(range, p.span.first, p.span.last)})`,
      parts,
      batch: false,
    };
  });
  await runWindow(session, targets, requests, signal);
  return outputs;
}
