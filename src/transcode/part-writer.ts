/**
 * Scanner events of one answer → rows of one part, written into a RowTarget: the range's output
 * when the part is at the head, or the part's own RowBytes when it is read ahead. The answer's rows
 * stay provisional in the target until its reader commits them (the answer is known good, or broke
 * off after them) or rolls them back (the answer was refused).
 */
import type { ByteBuffer } from './bytes.js';
import { type Encoding, cellText } from './encode.js';
import type { RowTarget } from './rows.js';
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
  private out: ByteBuffer | undefined;
  private encoding: Encoding | undefined;
  private texts: string[] | undefined;
  private col = 0;
  private inRow = false;

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
    this.inRow = true;
    const out = this.target.beginRow();
    if (out === undefined) {
      this.texts = [];
      this.out = undefined;
    } else {
      this.out = out;
      this.encoding = this.target.encoding();
    }
  }

  stringCell(buf: Buffer, start: number, end: number, flags: number): void {
    if (this.texts) this.texts.push(cellText('string', buf, start, end, flags));
    else {
      const out = this.out as ByteBuffer;
      const encoding = this.encoding as Encoding;
      encoding.beforeCell(out, this.col);
      encoding.string(out, buf, start, end, flags);
    }
    this.col += 1;
  }

  numberCell(buf: Buffer, start: number, end: number): void {
    if (this.texts) this.texts.push(cellText('number', buf, start, end));
    else {
      const out = this.out as ByteBuffer;
      const encoding = this.encoding as Encoding;
      encoding.beforeCell(out, this.col);
      encoding.number(out, buf, start, end);
    }
    this.col += 1;
  }

  boolCell(value: boolean): void {
    if (this.texts) this.texts.push(cellText('bool', value));
    else {
      const out = this.out as ByteBuffer;
      const encoding = this.encoding as Encoding;
      encoding.beforeCell(out, this.col);
      encoding.bool(out, value);
    }
    this.col += 1;
  }

  rowEnd(): void {
    if (this.texts) {
      this.target.headerRow(this.texts);
      this.texts = undefined;
    } else {
      this.target.endRow(this.col);
    }
    this.inRow = false;
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
    if (this.inRow && !this.texts) this.target.abortRow();
    this.texts = undefined;
    this.inRow = false;
  }

  /** The answer ended: the rows it did not return are empty (the API drops trailing empty rows). */
  finish(): void {
    this.target.skip(this.asked - this.rows);
  }
}
