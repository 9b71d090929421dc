/**
 * Scanner events of one answer → rows of one part, written into a RowTarget: the range's output
 * when the part is at the head, or the part's own RowBytes when it is read ahead. The answer's rows
 * stay provisional in the target until its reader commits them (the answer is known good, or broke
 * off after them) or rolls them back (the answer was refused).
 */
import { cellText } from './encode.js';
import type { RowSink, RowTarget } from './rows.js';
import { MalformedAnswer, type ValuesHandler } from './scanner.js';

/** Where a row's JSON text lies in the answer: absolute byte offsets, `end` just past its `]`. */
export interface RowSpan {
  start: number;
  end: number;
}

export class PartWriter implements ValuesHandler {
  /** Rows of the part completed in the current answer (the row before them, when asked, not counted). */
  rows = 0;
  /** The answer's `range` echo, once seen. */
  range: string | undefined;
  /** Where the last row of the part completed in this answer lies (lastEnd 0: none yet); kept as numbers, not a span per row. */
  private lastStart = 0;
  private lastEnd = 0;
  /** Called when the answer's ValueRange is complete. */
  onRangeEnd: (() => void) | undefined;
  /** Called with the answer's `range` echo as soon as it is read. */
  onEcho: ((range: string) => void) | undefined;
  /** Called with the row before the part's rows, when it was asked for: undefined when the answer left it out (empty). */
  onRowBefore: ((row: RowSpan | undefined) => void) | undefined;
  /** The row being read: its cells encoded into the target's sink, kept as texts (the NDJSON header row), or 'before' (compared, not written). */
  private row: RowSink | string[] | 'before' | undefined;
  private rowStartAt = 0;
  private col = 0;
  /** The row before the part's rows is still to come first. */
  private rowBefore: boolean;

  constructor(
    private target: RowTarget,
    /** Rows asked for: an answer with more is not the API's (Infinity: to the end of the tab). */
    private readonly asked: number,
    /** The answer begins with the row before the part's first, asked for to be compared. */
    private readonly asksRowBefore = false,
  ) {
    this.rowBefore = asksRowBefore;
  }

  rangeStart(): void {
    this.rows = 0;
    this.lastEnd = 0;
    this.rowBefore = this.asksRowBefore;
    this.target.beginAnswer();
  }

  /** Where the last row of the part completed in this answer lies. */
  get lastRow(): RowSpan | undefined {
    return this.lastEnd > 0 ? { start: this.lastStart, end: this.lastEnd } : undefined;
  }

  /** Where the answer must be kept from to give the rows it may be asked for: the row being read or the last one. */
  get keepFrom(): number {
    return this.row !== undefined ? this.rowStartAt : this.lastEnd > 0 ? this.lastStart : Number.POSITIVE_INFINITY;
  }

  /** Bytes the answer's provisional rows hold. */
  get answerBytes(): number {
    return this.target.answerBytes;
  }

  /** The rows read so far are known good: they may be written, and count as read. */
  commit(): void {
    this.target.commitAnswer();
  }

  /** The answer was refused: none of its rows count. */
  rollback(): void {
    this.abort();
    this.target.rollbackAnswer();
    this.rows = 0;
  }

  rowStart(offset: number): void {
    this.rowStartAt = offset;
    if (this.rowBefore) {
      this.row = 'before';
      return;
    }
    if (this.rows >= this.asked) throw new MalformedAnswer(`more than the ${this.asked} rows asked for came back`);
    this.col = 0;
    this.row = this.target.beginRow() ?? [];
  }

  stringCell(buf: Buffer, start: number, end: number, flags: number): void {
    const row = this.row;
    if (Array.isArray(row)) row.push(cellText('string', buf, start, end, flags));
    else if (typeof row === 'object') {
      row.encoding.beforeCell(row.out, this.col);
      row.encoding.string(row.out, buf, start, end, flags);
    }
    this.col += 1;
  }

  numberCell(buf: Buffer, start: number, end: number): void {
    const row = this.row;
    if (Array.isArray(row)) row.push(cellText('number', buf, start, end));
    else if (typeof row === 'object') {
      row.encoding.beforeCell(row.out, this.col);
      row.encoding.number(row.out, buf, start, end);
    }
    this.col += 1;
  }

  boolCell(value: boolean): void {
    const row = this.row;
    if (Array.isArray(row)) row.push(cellText('bool', value));
    else if (typeof row === 'object') {
      row.encoding.beforeCell(row.out, this.col);
      row.encoding.bool(row.out, value);
    }
    this.col += 1;
  }

  rowEnd(offset: number): void {
    const row = this.row;
    this.row = undefined;
    if (row === 'before') {
      this.rowBefore = false;
      this.onRowBefore?.({ start: this.rowStartAt, end: offset + 1 });
      return;
    }
    if (Array.isArray(row)) this.target.headerRow(row);
    else this.target.endRow(this.col);
    this.rows += 1;
    this.lastStart = this.rowStartAt;
    this.lastEnd = offset + 1;
  }

  /** `range` was kept by rangeEcho: the scanner gives both the same text. */
  rangeEnd(): void {
    // No row at all: the row before the part's is empty too (the API leaves trailing empty rows out).
    if (this.rowBefore) {
      this.rowBefore = false;
      this.onRowBefore?.(undefined);
    }
    this.onRangeEnd?.();
  }

  rangeEcho(_index: number, range: string): void {
    this.range = range;
    this.onEcho?.(range);
  }

  /** The answer broke off: the row being read is dropped, the completed ones stay. */
  abort(): void {
    if (typeof this.row === 'object' && !Array.isArray(this.row)) this.target.abortRow();
    this.row = undefined;
  }

  /** The answer ended: the rows it did not return are empty (the API drops trailing empty rows); none past the end of the tab. */
  finish(): void {
    if (Number.isFinite(this.asked)) this.target.skip(this.asked - this.rows);
  }
}
