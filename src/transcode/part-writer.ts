/**
 * Scanner events of one answer → rows of one part, written into a RowTarget: the range's output
 * when the part is at the head, or the part's own RowBytes when it is read ahead. The answer's rows
 * stay provisional in the target until its reader commits them (the answer is known good, or broke
 * off after them) or rolls them back (the answer was refused).
 */
import { cellText } from './encode.js';
import type { RowSink, RowTarget } from './rows.js';
import { MalformedAnswer, type ValuesHandler } from './scanner.js';

export class PartWriter implements ValuesHandler {
  /** Rows completed in the current answer. */
  rows = 0;
  /** The answer's `range` echo, once seen. */
  range: string | undefined;
  /** Called when the answer's ValueRange is complete. */
  onRangeEnd: (() => void) | undefined;
  /** Called with the answer's `range` echo as soon as it is read. */
  onEcho: ((range: string) => void) | undefined;
  /** The row being read: its cells encoded into the target's sink, or kept as texts (the NDJSON header row). */
  private row: RowSink | string[] | undefined;
  private col = 0;

  constructor(
    private target: RowTarget,
    /** Rows asked for: an answer with more is not the API's. */
    private readonly asked: number,
  ) {}

  rangeStart(): void {
    this.rows = 0;
    this.target.beginAnswer();
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

  rowStart(): void {
    if (this.rows >= this.asked) throw new MalformedAnswer(`more than the ${this.asked} rows asked for came back`);
    this.col = 0;
    this.row = this.target.beginRow() ?? [];
  }

  stringCell(buf: Buffer, start: number, end: number, flags: number): void {
    const row = this.row;
    if (Array.isArray(row)) row.push(cellText('string', buf, start, end, flags));
    else if (row) {
      row.encoding.beforeCell(row.out, this.col);
      row.encoding.string(row.out, buf, start, end, flags);
    }
    this.col += 1;
  }

  numberCell(buf: Buffer, start: number, end: number): void {
    const row = this.row;
    if (Array.isArray(row)) row.push(cellText('number', buf, start, end));
    else if (row) {
      row.encoding.beforeCell(row.out, this.col);
      row.encoding.number(row.out, buf, start, end);
    }
    this.col += 1;
  }

  boolCell(value: boolean): void {
    const row = this.row;
    if (Array.isArray(row)) row.push(cellText('bool', value));
    else if (row) {
      row.encoding.beforeCell(row.out, this.col);
      row.encoding.bool(row.out, value);
    }
    this.col += 1;
  }

  rowEnd(): void {
    const row = this.row;
    if (Array.isArray(row)) this.target.headerRow(row);
    else this.target.endRow(this.col);
    this.row = undefined;
    this.rows += 1;
  }

  /** `range` was kept by rangeEcho: the scanner gives both the same text. */
  rangeEnd(): void {
    this.onRangeEnd?.();
  }

  rangeEcho(_index: number, range: string): void {
    this.range = range;
    this.onEcho?.(range);
  }

  /** The answer broke off: the row being read is dropped, the completed ones stay. */
  abort(): void {
    if (this.row && !Array.isArray(this.row)) this.target.abortRow();
    this.row = undefined;
  }

  /** The answer ended: the rows it did not return are empty (the API drops trailing empty rows). */
  finish(): void {
    this.target.skip(this.asked - this.rows);
  }
}
