/**
 * One range to one destination, with its first rows read beside the metadata when they can be
 * named early (early.ts): the first byte after one round trip instead of two.
 */
import { type A1, parseA1 } from '../sheet/a1.js';
import { InternalError } from '../shared/errors.js';
import { type EarlySpan, earlyMatches, earlySpan, echoedSheet } from './early.js';
import type { Write } from '../output/destination.js';
import { type Request, readRequest } from '../fetch/chunk-reader.js';
import { Part } from '../fetch/part.js';
import { linkedController } from '../shared/signals.js';
import { DEFAULT_CELL_BUDGET, type PlanOptions, type Span, chunkA1, columnsOf, lastPlannedRow, rowSpans } from './plan.js';
import { type GridRange, describeRange, holdsNoCells, resolveRange, tabsInOrder } from '../sheet/resolve.js';
import { type Session, readContext, readMetadata } from './session.js';
import { type OnWritten, type OutputRules, outputFor, partOf, planOptions, rangeOutput, runWindow, warnPastGrid } from './requests.js';
import { type RangeOutput, SAMPLE_ROWS } from '../transcode/output.js';

/** The early read started beside the metadata, kept only if the metadata confirms it. */
interface EarlyRead {
  span: EarlySpan;
  output: RangeOutput;
  part: Part;
  request: Request;
  done: Promise<void>;
  controller: AbortController;
}

/**
 * The early read cannot be kept: the API read another tab than the one exported (the first tab is
 * hidden), or its rows outgrew what may be held before they are confirmed. Nothing of it was
 * written; the range is read again without it, on the metadata already read.
 */
export class EarlyMismatch extends Error {
  override name = 'EarlyMismatch';
}

export interface RangeResult {
  range: GridRange;
  /** Undefined when the range holds no cells. */
  output: RangeOutput | undefined;
}

function startEarly(
  session: Session,
  rules: OutputRules,
  a1: A1 | undefined,
  plan: PlanOptions,
  write: Write,
  signal: AbortSignal,
  onWritten: OnWritten,
): EarlyRead | undefined {
  const span = earlySpan(a1, session.ref.gid, SAMPLE_ROWS, plan);
  if (!span) return undefined;
  const width = span.lastCol !== undefined ? span.lastCol - span.firstCol + 1 : undefined;
  const { controller } = linkedController(signal);
  // Rows of a read not yet confirmed are held in memory: a read that outgrows the sample's bytes is given up.
  const onHoldFull = () => controller.abort(new EarlyMismatch('the first rows outgrew what is held before the metadata confirms them'));
  const output = outputFor(
    session,
    rules,
    { firstCol: span.firstCol, firstRow: span.firstRow, width, confirmed: false, onHoldFull },
    write,
    onWritten,
  );
  const part = new Part({
    output,
    sheet: span.sheet,
    firstCol: span.firstCol,
    lastCol: span.lastCol,
    firstRow: span.firstRow,
    lastRow: span.lastRow,
  });
  // The first part of its range: its rows go to the output, held there until the metadata confirms them.
  part.becomeHead();
  const request: Request = { label: `chunk 1 (${part.a1(span.firstRow, span.lastRow)})`, parts: [part], batch: false };
  const done = readRequest(request, readContext(session, controller.signal));
  done.catch(() => undefined);
  return { span, output, part, request, done, controller };
}

async function dropEarly(early: EarlyRead | undefined): Promise<void> {
  if (!early) return;
  early.controller.abort(new Error('the early read was not needed'));
  await early.done.catch(() => undefined);
}

/** Exports the session's range through `write`; resolves when every row is written. */
export async function exportRange(
  session: Session,
  rules: OutputRules,
  write: Write,
  signal: AbortSignal,
  onWritten: OnWritten,
): Promise<RangeResult> {
  const { options } = session;
  const a1 = typeof options.range === 'string' ? parseA1(options.range) : options.range;
  const plan = planOptions(session, rules);
  let early = startEarly(session, rules, a1, plan, write, signal, onWritten);
  let range: GridRange;
  let firstTab: number | undefined;
  try {
    const meta = await readMetadata(session, signal);
    range = resolveRange(a1, meta, session.ref.gid);
    firstTab = tabsInOrder(meta)[0]?.sheetId;
  } catch (error) {
    await dropEarly(early);
    throw error;
  }
  // Read without a tab name, the early rows are the first tab's: kept only if that is the range's tab.
  // An early read already given up (its rows outgrew what may be held) is dropped too.
  if (
    early &&
    (early.controller.signal.aborted ||
      !earlyMatches(early.span, range, DEFAULT_CELL_BUDGET) ||
      (early.span.sheet === undefined && firstTab !== range.sheet.sheetId))
  ) {
    await dropEarly(early);
    early = undefined;
  }
  try {
    return await writeRange(session, rules, range, plan, write, signal, onWritten, early);
  } catch (error) {
    // Nothing of an early read of the wrong tab was written: the range is read again without it,
    // on the metadata already read.
    if (!(error instanceof EarlyMismatch)) throw error;
    await dropEarly(early);
    return writeRange(session, rules, range, plan, write, signal, onWritten, undefined).catch((again: unknown) => {
      throw again instanceof EarlyMismatch ? new InternalError(again.message, { cause: again }) : again;
    });
  }
}

/** Reads and writes the resolved range, starting with the early read when it is kept. */
async function writeRange(
  session: Session,
  rules: OutputRules,
  range: GridRange,
  plan: PlanOptions,
  write: Write,
  signal: AbortSignal,
  onWritten: OnWritten,
  early: EarlyRead | undefined,
): Promise<RangeResult> {
  const { events } = session;
  const columns = columnsOf(range);
  const last = lastPlannedRow(range, plan);
  if (holdsNoCells(range)) {
    events.emit('plan', { range: describeRange(range), chunks: 0, rows: 0, columns: 0, colsNamed: range.colsNamed });
    warnPastGrid(session, range);
    return { range, output: undefined };
  }

  let output: RangeOutput;
  let spans: Span[];
  if (early) {
    const read = early;
    output = read.output;
    read.part.lastRow = Math.min(read.part.lastRow, last);
    spans = [...rowSpans(range, 0, plan, read.part.lastRow + 1)];
    // A tab named in the request is confirmed now; the first tab read without a name, by the
    // answer's echo (the API sends it first). The check is also part of the read the window waits
    // for, so that a mismatch fails the window and the range is read again without the early read.
    if (read.span.sheet !== undefined) output.confirm(columns);
    else {
      let checked = false;
      const check = (echo: string | undefined): void => {
        if (checked) return;
        checked = true;
        if (echoedSheet(echo) === range.sheet.title) read.output.confirm(columns);
        else read.controller.abort(new EarlyMismatch(`the API read tab ${echo ?? '?'} for the first tab`));
      };
      if (read.part.echo !== undefined) check(read.part.echo);
      else read.part.onEcho = check;
      read.done = read.done.then(() => {
        check(read.part.echo);
        read.controller.signal.throwIfAborted();
      });
    }
  } else {
    output = rangeOutput(session, rules, range, write, onWritten);
    spans = [...rowSpans(range, 0, plan)];
  }
  const total = spans.length + (early ? 1 : 0);
  events.emit('plan', {
    range: describeRange(range),
    chunks: total,
    rows: Math.max(0, last - range.firstRow + 1),
    columns,
    colsNamed: range.colsNamed,
  });

  const parts: Part[] = early ? [early.part] : [];
  if (early) early.request.label = `chunk 1/${total} (${chunkA1(range, early.span.firstRow, early.part.lastRow)})`;
  const requests: Request[] = spans.map((span) => {
    const part = partOf(output, range, span);
    parts.push(part);
    return { label: `chunk ${parts.length}/${total} (${chunkA1(range, span.first, span.last)})`, parts: [part], batch: false };
  });
  await runWindow(session, [{ output, parts }], requests, signal, early ? [{ request: early.request, done: early.done }] : []);
  return { range, output };
}
