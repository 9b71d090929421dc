/**
 * What a run has done so far, as the progress display says it: the percentage of the plans' sheet
 * rows covered, and counts of data rows, as the summary counts them (each range's header line set
 * aside).
 */
import { formatCount, plural } from '../shared/plural.js';
import type { ExportEventMap, PlanInfo } from '../engine/events.js';

type RowsDone = ExportEventMap['progress'][0];

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.ceil(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export class RunFigures {
  // One plan per range (by file or range: a plan made again replaces its first); the figures cover them all.
  private readonly plans = new Map<string, PlanInfo>();
  private done: RowsDone = { rowsWritten: 0, rowsCovered: 0 };
  // Rates count from here, as the summary's do: the run starts right after.
  private readonly begun = performance.now();

  /** `headerRows`: 1 when each range's first row written is a header line. */
  constructor(private readonly headerRows: 0 | 1) {}

  plan(info: PlanInfo): void {
    this.plans.set(info.file ?? info.range, info);
  }

  progress(done: RowsDone): void {
    this.done = done;
  }

  get planned(): boolean {
    return this.plans.size > 0;
  }

  /** Sheet rows the plans cover: the whole of the bar. */
  get sheetRows(): number {
    return [...this.plans.values()].reduce((sum, p) => sum + p.rows, 0);
  }

  get sheetRowsCovered(): number {
    return this.done.rowsCovered;
  }

  /**
   * `53% | 1,234 of ~2,000 rows | 5,000 rows/s | ETA 2 s`, and the file being written when there are
   * several ranges; `final`: `100% | 1,234 rows | 5,000 rows/s`.
   */
  text(final: boolean): string {
    const { rowsWritten, rowsCovered: covered, started, current } = this.done;
    const planned = this.sheetRows;
    const rows = Math.max(0, rowsWritten - this.headerRows * (started ?? 1));
    const total = [...this.plans.values()].reduce((sum, p) => sum + Math.max(0, p.rows - this.headerRows), 0);
    const seconds = (performance.now() - this.begun) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
    const percent = final || planned === 0 ? 100 : Math.min(100, Math.floor((covered / planned) * 100));
    const count = final ? plural(rows, 'row') : `${formatCount(rows)} of ~${plural(total, 'row')}`;
    const parts = [`${percent}%`, count, `${formatCount(rate)} rows/s`];
    if (!final && covered > 0 && covered < planned) parts.push(`ETA ${duration(((planned - covered) * seconds) / covered)}`);
    // Several ranges: the one being written, named last, where a narrow terminal cuts the line.
    if (!final && this.plans.size > 1 && current !== undefined) parts.push(current);
    return parts.join(' | ');
  }
}
