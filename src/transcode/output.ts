/**
 * One range's output in sheet order: the width rule, NDJSON header keys, the held sample of first
 * rows, and the joining of parts.
 *
 * When the range does not name its last column, the width is the widest of its first 1,000 rows:
 * those rows are held (encoded, not yet padded) until the sample is complete, then padded and
 * released. The rule depends only on the data, never on how the range was chunked, so a chunked
 * export stays byte-identical to one read of the whole range.
 *
 * States: `header` (NDJSON objects: the range's first row names the keys) → `sample` (rows held
 * until the width is known) → `stream` (rows encoded at the width as they come). The head part
 * writes through beginRow()/endRow(); a later part encodes ahead into its own RowBytes with the
 * same RowForm once it is known, and is appended whole when it becomes the head.
 */
import { InternalError } from '../shared/errors.js';
import { ByteBuffer } from './bytes.js';
import { type Encoding, type Format, HeaderKeys, createEncoding } from './encode.js';
import { type RowForm, RowBytes, type RowTarget, type Segment, type WideRow, emptyRunPieces, rowFormOf } from './rows.js';

/** Rows sampled for the width when the range does not name its last column. */
export const SAMPLE_ROWS = 1000;
/** A sample also ends at this many held bytes, so that a few very wide rows cannot hold memory. */
const SAMPLE_BYTES = 8 * 1024 * 1024;

export interface RangeOutputOptions {
  format: Format;
  /** NDJSON only: objects keyed by the range's first row (else arrays). */
  header: boolean;
  /** 1-based sheet column of the range's first column: names columns by letter. */
  firstCol: number;
  /** 1-based sheet row of the range's first row: numbers rows in warnings. */
  firstRow: number;
  /** The range names its last column: rows are padded to exactly this many columns. */
  width?: number;
  /** The most cells a row can hold (the range's column count), when known. */
  maxWidth?: number;
  /** False for a range not yet checked against the metadata: nothing is released until confirm(). */
  confirmed?: boolean;
  /** Writes bytes to the destination; a returned promise means "wait before writing more". */
  write(chunk: Buffer): Promise<void> | void;
  onWarning?(message: string): void;
  /** Rows not yet confirmed have reached SAMPLE_BYTES: told once (the early read that holds them is given up). */
  onHoldFull?(): void;
}

type State = 'header' | 'sample' | 'stream';

/** What the output held when an answer began at the head: rolling back restores it. */
interface AnswerMark {
  state: State;
  current: Encoding | undefined;
  passed: number;
  committed: number;
  widest: number;
  sampled: boolean;
  heldLength: number;
  heldRows: number;
  pending: number;
}

export class RangeOutput implements RowTarget {
  private state: State;
  /** NDJSON objects: the range's first row names the keys and is not an output row. */
  private readonly keyed: boolean;
  private current: Encoding | undefined;
  private form: RowForm | undefined;
  private confirmed: boolean;
  private maxWidth: number | undefined;
  private finished = false;
  private holdFull = false;
  private warned = false;
  private readonly readyWaiters: (() => void)[] = [];

  // The sample: rows held until the width is known, with their ends and cell counts.
  private readonly held = new ByteBuffer();
  private readonly heldEnds: number[] = [];
  private readonly heldCells: number[] = [];
  private heldStart = -1;
  /** The widest row of the sample (while sampling), then of every row written. */
  private widest = 0;
  /** The sample is complete: the width is `widest`, and rows held after it no longer count. */
  private sampled = false;
  private pending = 0;
  /** The head's answer under way: its rows are provisional until it is committed. */
  private answer: AnswerMark | undefined;

  /** Rows of the head once the width is known, and what waits to be written, in order. */
  private direct: RowBytes | undefined;
  private readonly queue: Segment[] = [];
  private flushing: Promise<void> = Promise.resolve();

  /** Rows committed to the output so far, in order (the CSV header line included). */
  committed = 0;
  /** Sheet rows passed: committed, the NDJSON header, held, and known empty rows. */
  passed = 0;

  constructor(private readonly options: RangeOutputOptions) {
    this.confirmed = options.confirmed ?? true;
    this.maxWidth = options.maxWidth;
    this.keyed = options.format === 'ndjson' && options.header;
    if (this.keyed) this.state = 'header';
    else {
      this.state = 'sample';
      this.current = createEncoding(options.format);
      this.settle();
    }
  }

  /** The width rows are padded to, once known. */
  get width(): number | undefined {
    return this.form?.width;
  }

  /** The columns written: the width, or more where a row was written wider than it. */
  get columns(): number | undefined {
    if (!this.form) return undefined;
    return Math.max(this.form.width, this.widest, this.direct?.widest ?? 0);
  }

  /** True once the width and keys are known: later parts can be encoded as they arrive. */
  get ready(): boolean {
    return this.form !== undefined;
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** A RowBytes for a later part starting at sheet row `firstRow`; only once ready. */
  partRows(firstRow: number): RowBytes {
    if (!this.form) throw new InternalError('the width is not known yet');
    return new RowBytes(this.form, firstRow);
  }

  /** The range was checked against the metadata: its rows may be released. */
  confirm(maxWidth?: number): void {
    this.confirmed = true;
    if (maxWidth !== undefined) this.maxWidth = maxWidth;
    this.noteSample();
    this.settle();
  }

  /** Every part was read: a sample still held is complete, trailing empty rows are dropped. */
  finish(): void {
    this.finished = true;
    if (this.state === 'header') this.emptyHeader();
    this.settle();
  }

  // ---- RowTarget, for the head part ----

  encoding(): Encoding {
    // The form, once made, is made of this encoding.
    return this.current as Encoding;
  }

  beginRow(): ByteBuffer | undefined {
    if (this.state === 'header') return undefined;
    if (this.state === 'stream') return (this.direct as RowBytes).beginRow();
    // Empty rows before this one are rows of the sample too.
    while (this.pending > 0) {
      this.pending -= 1;
      (this.current as Encoding).open(this.held);
      this.holdRow(0);
    }
    this.heldStart = this.held.length;
    (this.current as Encoding).open(this.held);
    return this.held;
  }

  endRow(cells: number): void {
    this.passed += 1;
    if (this.state === 'stream') {
      const direct = this.direct as RowBytes;
      direct.endRow(cells);
      this.committed += 1;
      if (!this.warned && !this.answer && direct.firstWide) this.warnWide(direct.firstWide);
      return;
    }
    this.heldStart = -1;
    this.holdRow(cells);
    this.settle();
  }

  headerRow(texts: readonly string[]): void {
    this.passed += 1;
    this.widest = Math.max(this.widest, texts.length);
    this.setKeys(texts);
  }

  abortRow(): void {
    if (this.state === 'stream') (this.direct as RowBytes).abortRow();
    else if (this.heldStart >= 0) {
      this.held.truncate(this.heldStart);
      this.heldStart = -1;
    }
  }

  beginAnswer(): void {
    const { state, current, passed, committed, widest, sampled, pending } = this;
    this.answer = {
      state,
      current,
      passed,
      committed,
      widest,
      sampled,
      heldLength: this.held.length,
      heldRows: this.heldEnds.length,
      pending,
    };
    if (state === 'stream') (this.direct as RowBytes).beginAnswer();
  }

  commitAnswer(): void {
    if (!this.answer) return;
    this.answer = undefined;
    if (this.state === 'stream') {
      const direct = this.direct as RowBytes;
      direct.commitAnswer();
      if (!this.warned && direct.firstWide) this.warnWide(direct.firstWide);
    }
    this.settle();
  }

  rollbackAnswer(): void {
    const mark = this.answer;
    if (!mark) return;
    this.answer = undefined;
    // The state never leaves 'stream', and never reaches it, while an answer is open.
    if (this.state === 'stream') (this.direct as RowBytes).rollbackAnswer();
    else {
      this.held.truncate(mark.heldLength);
      this.heldEnds.length = mark.heldRows;
      this.heldCells.length = mark.heldRows;
      this.heldStart = -1;
    }
    ({
      state: this.state,
      current: this.current,
      passed: this.passed,
      committed: this.committed,
      widest: this.widest,
      sampled: this.sampled,
      pending: this.pending,
    } = mark);
  }

  get answerBytes(): number {
    const mark = this.answer;
    if (!mark) return 0;
    return this.state === 'stream' ? (this.direct as RowBytes).answerBytes : this.held.length - mark.heldLength;
  }

  skip(rows: number): void {
    if (rows <= 0) return;
    this.passed += rows;
    let left = rows;
    if (this.state === 'header') {
      // The range's first row is among these empty rows: an empty header, every key a letter.
      this.emptyHeader();
      left -= 1;
    }
    if (this.state === 'stream') (this.direct as RowBytes).skip(left);
    else {
      this.pending += left;
      this.noteSample();
      this.settle();
    }
  }

  // ---- joining parts ----

  /**
   * Rows a later part read ahead join the output, in order: called as the part streams while it is
   * the head, and once more with `last` when it is done (its trailing empty rows then carry over).
   */
  append(part: RowBytes, last = false): void {
    const direct = this.direct as RowBytes;
    const before = part.takenRows;
    const segments = part.take();
    const rows = part.takenRows - before;
    if (rows > 0) {
      // The empty rows before these exist only because these rows follow them.
      direct.commitPending();
      this.queue.push(...direct.take(), ...segments);
      direct.sheetRow = part.committedSheetRow;
      this.committed += rows;
      this.passed += rows;
    }
    if (last) {
      // The part is read whole: its widest and first wide row are those of rows written.
      if (part.widest > this.widest) this.widest = part.widest;
      if (!this.warned && part.firstWide) this.warnWide(part.firstWide);
      this.passed += part.pendingEmpty;
      direct.skip(part.pendingEmpty);
      part.pendingEmpty = 0;
    }
  }

  /** Writes every complete row so far, in order. Calls are serialised. */
  flush(): Promise<void> {
    const run = this.flushing.then(() => this.writeQueued());
    this.flushing = run;
    return run;
  }

  private async writeQueued(): Promise<void> {
    if (this.direct) this.queue.push(...this.direct.take());
    while (this.queue.length > 0) {
      const segment = this.queue.shift() as Segment;
      if (typeof segment !== 'number') await this.options.write(segment);
      else for (const piece of emptyRunPieces((this.form as RowForm).emptyRow, segment)) await this.options.write(piece);
    }
  }

  // ---- the header and the sample ----

  private emptyHeader(): void {
    this.setKeys([]);
  }

  private setKeys(texts: readonly string[]): void {
    this.current = createEncoding(this.options.format, new HeaderKeys(texts, this.options.firstCol));
    this.state = 'sample';
    this.noteSample();
    this.settle();
  }

  private holdRow(cells: number): void {
    this.heldEnds.push(this.held.length);
    this.heldCells.push(cells);
    if (!this.sampled && cells > this.widest) this.widest = cells;
    this.noteSample();
    if (!this.confirmed && this.held.length >= SAMPLE_BYTES && !this.holdFull) {
      this.holdFull = true;
      this.options.onHoldFull?.();
    }
  }

  /**
   * Marks the sample complete the moment it is: its first SAMPLE_ROWS rows (or SAMPLE_BYTES) decide
   * the width however the range was chunked, though the rows held after them are released only
   * once their answer is known good.
   */
  private noteSample(): void {
    if (this.sampled || this.state !== 'sample') return;
    this.sampled =
      this.heldEnds.length + this.pending >= SAMPLE_ROWS ||
      this.held.length >= SAMPLE_BYTES ||
      (this.maxWidth !== undefined && this.widest >= this.maxWidth);
  }

  /** Releases the sample once it is complete, confirmed and its answer known good, and wakes whoever waits for the form. */
  private settle(): void {
    if (this.state !== 'sample' || !this.confirmed || this.answer) return;
    // A row being read is released with the rest when it ends.
    if (this.heldStart >= 0) return;
    if (this.options.width !== undefined || this.finished || this.sampled) this.release(this.options.width ?? this.widest);
  }

  private release(width: number): void {
    const form = rowFormOf(this.current as Encoding, width);
    const padded = new ByteBuffer(this.held.length + this.heldEnds.length * 4 + 16);
    const firstSheetRow = this.options.firstRow + (this.keyed ? 1 : 0);
    let start = 0;
    for (let i = 0; i < this.heldEnds.length; i++) {
      const end = this.heldEnds[i] as number;
      const cells = this.heldCells[i] as number;
      padded.pushBytes(this.held.buf, start, end);
      form.encoding.close(padded, cells, width);
      // Rows held after the sample was complete may be wider than it.
      if (cells > width) {
        if (cells > this.widest) this.widest = cells;
        if (!this.warned) this.warnWide({ sheetRow: firstSheetRow + i, cells }, form);
      }
      start = end;
    }
    const direct = new RowBytes(form, firstSheetRow);
    // appendRows copies the bytes: a view of `padded` is enough.
    if (this.heldEnds.length > 0) direct.appendRows(padded.buf.subarray(0, padded.length), this.heldEnds.length);
    direct.skip(this.pending);
    this.committed += this.heldEnds.length;
    this.pending = 0;
    this.held.truncate(0);
    this.heldEnds.length = 0;
    this.heldCells.length = 0;
    this.form = form;
    this.direct = direct;
    this.state = 'stream';
    for (const wake of this.readyWaiters.splice(0)) wake();
  }

  private warnWide(wide: WideRow, form = this.form as RowForm): void {
    this.warned = true;
    const { width } = form;
    const basis = this.options.width !== undefined ? 'the range' : `its first ${SAMPLE_ROWS.toLocaleString('en-US')} rows`;
    this.options.onWarning?.(
      `warning: row ${wide.sheetRow} has ${wide.cells} cells, more than the ${width} columns of ${basis}; it is written whole (name the last column, e.g. A:Z, to fix the width)`,
    );
  }
}
