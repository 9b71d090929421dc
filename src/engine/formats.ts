/**
 * Typed values' column kinds: the number formats of each range's first rows, read with
 * spreadsheets.get and a grid-data mask after the metadata. One request holds up to FORMATS_RANGES
 * ranges (a folder export's tabs share it); it passes the gate and is retried like any request.
 */
import { quoteSheetName } from '../sheet/a1.js';
import { type GridRange, holdsNoCells } from '../sheet/resolve.js';
import { plural } from '../shared/plural.js';
import { withRetries } from '../fetch/attempts.js';
import type { FormatsRange } from '../google/api.js';
import { type ColumnKind, columnKinds } from '../transcode/column-kinds.js';
import { type PlanOptions, chunkA1, columnsOf, lastPlannedRow } from './plan.js';
import { type Session, attemptContext, failed } from './session.js';

/**
 * Rows whose formats decide a range's column kinds. Measured (benchmarks/RESULTS.md, "Typed
 * values"): on the emulator's 10-column generated tab, 100 rows' formats are 18 KB (411 bytes
 * gzipped) against 183 KB (2.3 KB) for 1,000 rows, and decide the same kinds; a column's kind is
 * the format most of its cells share, which a hundred cells show as well as a thousand.
 */
export const FORMAT_ROWS = 100;
/** Ranges one formats request may hold, which keeps its URL short (as a values:batchGet's). */
export const FORMATS_RANGES = 50;

/** The cells whose formats are read: the range's first FORMAT_ROWS rows (within --limit), all its columns. */
function formatsRange(range: GridRange, plan: PlanOptions): FormatsRange {
  const last = Math.min(lastPlannedRow(range, plan), range.firstRow + FORMAT_ROWS - 1);
  return { a1: chunkA1(range, range.firstRow, last), sheetId: range.sheet.sheetId };
}

/** `the number formats of 'Orders'!A1:Z100`, `… of 3 ranges ('A', 'B', 'C')`: what messages call a formats request. */
function labelOf(ranges: readonly GridRange[], asked: readonly FormatsRange[]): string {
  if (asked.length === 1) return `reading the number formats of ${asked[0]?.a1}`;
  const tabs = ranges.map((r) => quoteSheetName(r.sheet.title));
  return `reading the number formats of ${plural(ranges.length, 'range')} (${tabs.slice(0, 3).join(', ')}${tabs.length > 3 ? ', …' : ''})`;
}

/**
 * Each range's column kinds, in order, from its cells' number formats (the header row, when
 * `header`, does not vote). A range that holds no cells gets none, and costs no request.
 */
export async function readColumnKinds(
  session: Session,
  ranges: readonly GridRange[],
  plan: PlanOptions,
  header: boolean,
  signal: AbortSignal,
): Promise<ColumnKind[][]> {
  const kinds: ColumnKind[][] = ranges.map(() => []);
  const wanted = [...ranges.entries()].filter(([, range]) => !holdsNoCells(range));
  for (let from = 0; from < wanted.length; from += FORMATS_RANGES) {
    const batch = wanted.slice(from, from + FORMATS_RANGES);
    const asked = batch.map(([, range]) => formatsRange(range, plan));
    const label = labelOf(
      batch.map(([, range]) => range),
      asked,
    );
    let grids;
    try {
      grids = await withRetries(label, attemptContext(session, signal), (s) => session.api.getFormats(asked, s));
    } catch (error) {
      throw failed(error, session, label, 'values');
    }
    for (const [i, [index, range]] of batch.entries()) {
      const rows = grids[i] ?? [];
      kinds[index] = columnKinds(header ? rows.slice(1) : rows, columnsOf(range));
    }
  }
  return kinds;
}
