/**
 * Ranges → requests → one window. Every range of a run shares one pool of requests and one quota
 * budget; each writes, in sheet order, to its own output. Small ranges are packed into
 * values:batchGet requests, larger ones chunked; a range whose first rows were requested early
 * (beside the metadata) continues after them.
 */
import { Boundary } from '../fetch/boundary.js';
import { type Request, readRequest } from '../fetch/chunk-reader.js';
import { Part } from '../fetch/part.js';
import { type Running, type Target, Window } from '../fetch/window.js';
import { quoteSheetName } from '../sheet/a1.js';
import { type GridRange, describeRange, holdsNoCells } from '../sheet/resolve.js';
import { InternalError } from '../shared/errors.js';
import { plural } from '../shared/plural.js';
import type { RangeOutput } from '../transcode/output.js';
import { type PlanOptions, type PlannedRequest, type Span, chunkA1, columnsOf, lastPlannedRow, planRequests } from './plan.js';
import { type Session, failed, readContext } from './session.js';
import { DEFAULTS } from './settings.js';

/** Bytes the parts read ahead of the head may hold: the window's memory, whatever the sheet's size. */
export const WINDOW_BYTES = 16 * 1024 * 1024;

/** A range's first rows, requested beside the metadata before the plan was made: its chunk 1. */
export interface EarlyPart {
  part: Part;
  request: Request;
  done: Promise<void>;
}

/** A range to read, the output its rows go to, and what progress calls it. */
export interface RangeRead {
  range: GridRange;
  output: RangeOutput;
  /** The file the range goes to, when a run writes several. */
  file?: string;
  /** The A1 text asked for, as typed (the range itself is clipped to the grid). */
  asked?: string;
  early?: EarlyPart;
}

/** A range that holds no cells, named as it was asked for: its clipped form would show cells never asked for. */
function warnPastGrid(session: Session, { range, asked }: RangeRead): void {
  const { sheet } = range;
  const grid = `${plural(sheet.rowCount, 'row')} × ${plural(sheet.columnCount, 'column')}`;
  session.events.emit(
    'warning',
    `warning: ${asked ?? describeRange(range)} starts past the end of tab ${quoteSheetName(sheet.title)} (${grid}): clipped to the tab, it holds no cells`,
    'notice',
  );
}

const spansOf = (planned: PlannedRequest): Span[] => (planned.kind === 'batch' ? planned.spans : [planned.span]);

/** `chunk 3/40 ('Data'!A2201:Z2400)`, `a batch of 12 ranges ('A', 'B', 'C', …)`: what messages call a request. */
function labelOf(planned: PlannedRequest, reads: readonly RangeRead[], chunk: number, chunks: number): string {
  if (planned.kind === 'batch') {
    const tabs = planned.spans.map((s) => quoteSheetName((reads[s.target] as RangeRead).range.sheet.title));
    return `a batch of ${tabs.length} ranges (${tabs.slice(0, 3).join(', ')}${tabs.length > 3 ? ', …' : ''})`;
  }
  const { range } = reads[planned.span.target] as RangeRead;
  return `chunk ${chunk}/${chunks} (${chunkA1(range, planned.span.first, planned.span.last)})`;
}

/**
 * Each part after its range's first shares the row before it with the part before (boundary.ts):
 * read by both requests, compared before the later part's rows are written.
 */
function linkBoundaries(session: Session, targets: readonly Target[], requests: readonly Request[]): void {
  const labels = new Map<Part, string>();
  for (const request of requests) for (const part of request.parts) labels.set(part, request.label);
  const labelOf = (part: Part): string => {
    const label = labels.get(part);
    if (label === undefined) throw new InternalError('a part belongs to no request');
    return label;
  };
  const onChecked = () => (session.counters.boundaries += 1);
  for (const { parts } of targets) {
    for (const [i, part] of parts.entries()) {
      const before = parts[i - 1];
      if (!before) continue;
      const range = part.rangeText;
      if (range === undefined) throw new InternalError('a part of a range was not named for messages');
      const where = { kind: 'changed' as const, range, row: part.spec.firstRow - 1, earlier: labelOf(before), later: labelOf(part) };
      const boundary = new Boundary(where, onChecked);
      // An early read may be whole already.
      if (before.endRow) boundary.readEarlier(before.endRow);
      before.after = boundary;
      part.before = boundary;
    }
  }
}

/**
 * Plans every range's requests, tells the plan (one event per range), and reads them through one
 * window. Resolves once every row of every range is written; rejects with the first failure as its
 * error family.
 */
export async function readRanges(session: Session, reads: readonly RangeRead[], plan: PlanOptions, signal: AbortSignal): Promise<void> {
  const ranges = reads.map((r) => r.range);
  const planned = [
    ...planRequests(
      ranges,
      plan,
      reads.map((r) => (r.early ? r.early.part.lastRow + 1 : undefined)),
    ),
  ];
  // Chunks per range, the early one counted: requests are labelled `chunk k/n` in sheet order.
  const chunks = reads.map((r) => (r.early ? 1 : 0));
  for (const p of planned) for (const span of spansOf(p)) chunks[span.target]! += 1;
  const targets: Target[] = reads.map(({ output, early }) => ({ output, parts: early ? [early.part] : [] }));
  for (const [i, read] of reads.entries()) {
    const { range, file } = read;
    const empty = holdsNoCells(range);
    const rows = empty ? 0 : lastPlannedRow(range, plan) - range.firstRow + 1;
    session.events.emit('plan', {
      range: describeRange(range),
      file,
      chunks: chunks[i] ?? 0,
      rows,
      columns: empty ? 0 : columnsOf(range),
      colsNamed: range.colsNamed,
    });
    if (empty) warnPastGrid(session, read);
  }
  const running: Running[] = [];
  for (const [i, { range, early }] of reads.entries()) {
    if (!early) continue;
    early.request.label = `chunk 1/${chunks[i]} (${chunkA1(range, early.part.spec.firstRow, early.part.lastRow)})`;
    early.part.rangeText = describeRange(range);
    running.push({ request: early.request, done: early.done });
  }
  const seen = targets.map((t) => t.parts.length);
  const requests: Request[] = planned.map((p) => {
    const parts = spansOf(p).map((span) => {
      const range = ranges[span.target] as GridRange;
      const part = Part.ofSpan((reads[span.target] as RangeRead).output, range, span.first, span.last, span.open);
      part.rangeText = describeRange(range);
      (targets[span.target] as Target).parts.push(part);
      seen[span.target]! += 1;
      return part;
    });
    const target = spansOf(p)[0]?.target ?? 0;
    return { label: labelOf(p, reads, seen[target] ?? 0, chunks[target] ?? 0), parts, batch: p.kind === 'batch' };
  });
  if (session.options.boundaryCheck ?? DEFAULTS.boundaryCheck)
    linkBoundaries(session, targets, [...running.map((r) => r.request), ...requests]);
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
