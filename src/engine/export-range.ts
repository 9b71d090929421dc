/**
 * One range to one destination, with its first rows read beside the metadata when they can be
 * named early (early.ts): the first byte after one round trip instead of two. Typed values' first
 * rows also wait for their columns' kinds, read once the metadata names the range: the early
 * answer is kept as it came until then, so the first byte comes after two round trips, not three.
 */
import { type Request, readRequest } from '../fetch/chunk-reader.js';
import { Part } from '../fetch/part.js';
import type { Write } from '../output/destination.js';
import { type A1, formatA1, parseA1 } from '../sheet/a1.js';
import { type GridRange, type SpreadsheetMeta, resolveRange, tabsInOrder } from '../sheet/resolve.js';
import { InternalError } from '../shared/errors.js';
import { linkedController } from '../shared/signals.js';
import type { ColumnKind } from '../transcode/column-kinds.js';
import { type RangeOutput, SAMPLE_ROWS } from '../transcode/output.js';
import { type EarlySpan, earlyMatches, earlySpan, echoedSheet } from './early.js';
import { type OnWritten, type OutputRules, layoutOf, openOutput, typedLayout } from './outputs.js';
import { DEFAULT_CELL_BUDGET, type PlanOptions, columnsOf, lastPlannedRow, planOptions } from './plan.js';
import { readColumnKinds } from './formats.js';
import { type EarlyPart, readRanges } from './read-ranges.js';
import { type Session, readContext, readMetadata } from './session.js';

/** The early read started beside the metadata, kept only if the metadata confirms it. */
interface EarlyRead extends EarlyPart {
  span: EarlySpan;
  output: RangeOutput;
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
  meta: SpreadsheetMeta;
  range: GridRange;
  output: RangeOutput;
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
  const typed = session.options.render === 'TYPED' ? typedLayout(rules, 'later') : {};
  const layout = { firstCol: span.firstCol, firstRow: span.firstRow, width, confirmed: false, onHoldFull, ...typed };
  const output = openOutput(session, rules, layout, write, onWritten);
  const { sheet, firstCol, lastCol, firstRow, lastRow } = span;
  const part = new Part({ output, sheet, firstCol, lastCol, firstRow, lastRow });
  // The first part of its range: its rows go to the output, held there until the metadata confirms them.
  part.becomeHead();
  const request: Request = { label: `chunk 1 (${part.a1(firstRow, lastRow)})`, parts: [part], batch: false };
  const done = readRequest(request, readContext(session, controller.signal));
  done.catch(() => undefined);
  return { span, output, part, request, done, controller };
}

async function dropEarly(early: EarlyRead | undefined): Promise<void> {
  if (!early) return;
  early.controller.abort(new Error('the early read was not needed'));
  await early.done.catch(() => undefined);
}

/**
 * The early read as the range's first part, once the metadata is in: clipped to the plan, and
 * confirmed — a tab named in the request now; the first tab read without a name by the answer's
 * echo (the API sends it first). The check is also part of the read the window waits for, so that
 * a mismatch fails the window and the range is read again without it.
 */
function confirmEarly(early: EarlyRead, range: GridRange, plan: PlanOptions): EarlyPart {
  const { part, output, controller } = early;
  part.lastRow = Math.min(part.lastRow, lastPlannedRow(range, plan));
  const columns = columnsOf(range);
  if (early.span.sheet !== undefined) {
    output.confirm(columns);
    return early;
  }
  let checked = false;
  const check = (echo: string | undefined): void => {
    if (checked) return;
    checked = true;
    if (echoedSheet(echo) === range.sheet.title) output.confirm(columns);
    else controller.abort(new EarlyMismatch(`the API read tab ${echo ?? '?'} for the first tab`));
  };
  if (part.echo !== undefined) check(part.echo);
  else part.onEcho = check;
  const done = early.done.then(() => {
    check(part.echo);
    controller.signal.throwIfAborted();
  });
  return { part, request: early.request, done };
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
  const plan = planOptions(options, rules.header);
  let early = startEarly(session, rules, a1, plan, write, signal, onWritten);
  let meta: SpreadsheetMeta;
  let range: GridRange;
  let firstTab: number | undefined;
  try {
    meta = await readMetadata(session, signal);
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
  let kinds: ColumnKind[] | undefined;
  if (options.render === 'TYPED') {
    try {
      kinds = (await readColumnKinds(session, [range], plan, rules.header, signal))[0];
    } catch (error) {
      await dropEarly(early);
      throw error;
    }
    // The early answer, kept as it came, is read now.
    early?.output.setKinds(kinds ?? []);
  }
  const read = async (kept: EarlyRead | undefined): Promise<RangeResult> => {
    const output = kept?.output ?? openOutput(session, rules, layoutOf(range, rules, kinds), write, onWritten);
    await readRanges(session, [{ range, output, asked: a1 && formatA1(a1), early: kept && confirmEarly(kept, range, plan) }], plan, signal);
    return { meta, range, output };
  };
  try {
    return await read(early);
  } catch (error) {
    // Nothing of an early read of the wrong tab was written: the range is read again without it,
    // on the metadata already read.
    if (!(error instanceof EarlyMismatch)) throw error;
    await dropEarly(early);
    return read(undefined).catch((again: unknown) => {
      throw again instanceof EarlyMismatch ? new InternalError(again.message, { cause: again }) : again;
    });
  }
}
