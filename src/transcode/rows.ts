/**
 * Complete output rows, in sheet order, as bytes: encoded rows and runs of empty rows.
 *
 * A run of empty rows is kept as a count and expanded only as it is written, in bounded pieces:
 * a tab with data in row 1 and row 3,000,000 must not build three million lines in memory.
 */
import { InternalError } from '../shared/errors.js';
import { ByteBuffer } from './bytes.js';
import type { Encoding } from './encode.js';

/** How rows look once the width is known: shared by every part of one range. */
export interface RowForm {
  encoding: Encoding;
  width: number;
  /** The bytes of one empty row at this width. */
  emptyRow: Buffer;
}

/** Where the cells of the row begun are encoded: the buffer and the encoding of the row. */
export interface RowSink {
  readonly out: ByteBuffer;
  readonly encoding: Encoding;
}

/**
 * Where a part's rows go: the output itself for the head part, a RowBytes for a later one.
 *
 * Rows arrive inside answers. An answer's rows are provisional until it is known good: nothing of
 * them is written, taken or counted before commitAnswer(), and rollbackAnswer() drops them as if
 * they had never come (the answer turned out not to be the API's).
 */
export interface RowTarget {
  /** Begins a row: where its cells are encoded, or undefined when it is the NDJSON header (its texts go to headerRow()). */
  beginRow(): RowSink | undefined;
  endRow(cells: number): void;
  /** The range's first row, as key texts (after beginRow() returned undefined). */
  headerRow(texts: readonly string[]): void;
  abortRow(): void;
  /** Empty rows that end an answer: written only if a later row follows. */
  skip(rows: number): void;
  /** An answer begins: the rows from here on are provisional. */
  beginAnswer(): void;
  /** The open answer's rows (those read before a cut included) are known good. No-op without one. */
  commitAnswer(): void;
  /** The open answer was refused: its rows are dropped. No-op without one. */
  rollbackAnswer(): void;
  /** Bytes the open answer's rows hold (0 without one). */
  readonly answerBytes: number;
}

/** Empty rows are written inline up to this many bytes, else as a counted run. */
const INLINE_EMPTY_BYTES = 4096;
/** Complete rows are cut into a segment once the working buffer holds this much. */
const SEGMENT_BYTES = 256 * 1024;
/** A run of empty rows is written in pieces of about this size. */
const EMPTY_PIECE_BYTES = 64 * 1024;

export type Segment = Buffer | number;

export function rowFormOf(encoding: Encoding, width: number): RowForm {
  const row = new ByteBuffer(64);
  encoding.open(row);
  encoding.close(row, 0, width, 0);
  return { encoding, width, emptyRow: row.copy(0, row.length) };
}

/** The pieces of a run of `count` empty rows, each at most about EMPTY_PIECE_BYTES. */
export function* emptyRunPieces(emptyRow: Buffer, count: number): Generator<Buffer> {
  if (count <= 0) return;
  const perPiece = Math.max(1, Math.floor(EMPTY_PIECE_BYTES / Math.max(1, emptyRow.length)));
  const full = Buffer.alloc(Math.min(count, perPiece) * emptyRow.length);
  for (let i = 0; i < full.length; i += emptyRow.length) emptyRow.copy(full, i);
  for (let left = count; left > 0; left -= perPiece) {
    yield left >= perPiece ? full : full.subarray(0, left * emptyRow.length);
  }
}

/** A wide row worth one warning: the first row longer than the width. */
export interface WideRow {
  sheetRow: number;
  cells: number;
}

/** What a RowBytes held when an answer began: rolling back restores it. */
interface RowBytesMark {
  /** Segments before the answer (those not yet taken). */
  segments: number;
  rows: number;
  bytes: number;
  sheetRow: number;
  pendingEmpty: number;
  firstWide: WideRow | undefined;
  widest: number;
}

/**
 * Rows written one by one into a buffer: beginRow() gives the buffer to encode into, endRow()
 * closes the row at the width. Bytes of a row not yet ended are never handed out, so an answer
 * cut mid-row leaves nothing half-written; the rows of an answer not yet committed are not handed
 * out either.
 */
export class RowBytes implements RowTarget {
  readonly out = new ByteBuffer(16 * 1024);
  private readonly sink: RowSink;
  private readonly segments: Segment[] = [];
  private rowStart = -1;
  private mark: RowBytesMark | undefined;
  /** Empty rows known to come next; written only when a later row follows. */
  pendingEmpty = 0;
  /** Rows completed (empty rows included). */
  rows = 0;
  /** Bytes handed over or waiting, for the window's byte budget. */
  bytes = 0;
  firstWide: WideRow | undefined;
  /** The most cells any row held: more than the width when a row was written wide. */
  widest = 0;

  constructor(
    readonly form: RowForm,
    /** 1-based sheet row of the next row. */
    public sheetRow: number,
  ) {
    this.sink = { out: this.out, encoding: form.encoding };
  }

  /** Never: the range's first row (its header) is always read at the head. */
  headerRow(): void {
    throw new InternalError('a header row reached a part read ahead');
  }

  beginRow(): RowSink {
    this.commitPending();
    this.rowStart = this.out.length;
    this.form.encoding.open(this.out);
    return this.sink;
  }

  endRow(cells: number): void {
    const { encoding, width } = this.form;
    encoding.close(this.out, cells, width, this.rowStart);
    if (cells > width && this.firstWide === undefined) this.firstWide = { sheetRow: this.sheetRow, cells };
    if (cells > this.widest) this.widest = cells;
    this.bytes += this.out.length - this.rowStart;
    this.rowStart = -1;
    this.rows += 1;
    this.sheetRow += 1;
    // Rows read ahead wait as exact-size segments, so the working buffer never grows past a piece.
    if (this.out.length >= SEGMENT_BYTES) this.cutSegment();
  }

  /** Drops the row begun but not ended (the answer was cut inside it). */
  abortRow(): void {
    if (this.rowStart < 0) return;
    this.out.truncate(this.rowStart);
    this.rowStart = -1;
  }

  /** Appends bytes of complete rows encoded elsewhere (the sample, once the width is known). */
  appendRows(bytes: Buffer, rows: number): void {
    this.commitPending();
    this.out.pushBytes(bytes, 0, bytes.length);
    this.bytes += bytes.length;
    this.rows += rows;
    this.sheetRow += rows;
  }

  /** Empty rows that end an answer: they count only if a later row follows. */
  skip(rows: number): void {
    this.pendingEmpty += rows;
  }

  /** Writes the pending empty rows: a later row follows them. */
  commitPending(): void {
    const count = this.pendingEmpty;
    if (count === 0) return;
    this.pendingEmpty = 0;
    const size = count * this.form.emptyRow.length;
    if (size <= INLINE_EMPTY_BYTES) {
      for (let i = 0; i < count; i++) this.out.pushBytes(this.form.emptyRow, 0, this.form.emptyRow.length);
      this.bytes += size;
    } else {
      // A counted run: it costs no memory until it is written, piece by piece.
      this.cutSegment();
      this.segments.push(count);
    }
    this.rows += count;
    this.sheetRow += count;
  }

  private cutSegment(): void {
    const end = this.rowStart >= 0 ? this.rowStart : this.out.length;
    if (end === 0) return;
    this.segments.push(this.out.copy(0, end));
    this.out.consume(end);
    if (this.rowStart >= 0) this.rowStart -= end;
  }

  beginAnswer(): void {
    // The answer's rows start a segment of their own, so that a rollback drops whole segments.
    this.cutSegment();
    const { rows, bytes, sheetRow, pendingEmpty, firstWide, widest } = this;
    this.mark = { segments: this.segments.length, rows, bytes, sheetRow, pendingEmpty, firstWide, widest };
  }

  commitAnswer(): void {
    this.mark = undefined;
  }

  rollbackAnswer(): void {
    const mark = this.mark;
    if (!mark) return;
    this.mark = undefined;
    this.segments.length = mark.segments;
    this.out.truncate(0);
    this.rowStart = -1;
    ({
      rows: this.rows,
      bytes: this.bytes,
      sheetRow: this.sheetRow,
      pendingEmpty: this.pendingEmpty,
      firstWide: this.firstWide,
      widest: this.widest,
    } = mark);
  }

  get answerBytes(): number {
    return this.mark ? this.bytes - this.mark.bytes : 0;
  }

  /** Rows already taken by take(). */
  takenRows = 0;
  /** Bytes already taken by take(). */
  takenBytes = 0;

  /** The sheet row after the rows that may be taken: those of an open answer are not. */
  get committedSheetRow(): number {
    return this.mark ? this.mark.sheetRow : this.sheetRow;
  }

  /** Takes every complete row so far, as segments in order; the row being read, and an open answer's rows, stay. */
  take(): Segment[] {
    if (this.mark) {
      this.takenRows = this.mark.rows;
      this.takenBytes = this.mark.bytes;
      const taken = this.segments.splice(0, this.mark.segments);
      this.mark.segments = 0;
      return taken;
    }
    this.cutSegment();
    this.takenRows = this.rows;
    this.takenBytes = this.bytes;
    return this.segments.splice(0);
  }

  /** Bytes held and not yet taken. */
  get heldBytes(): number {
    return this.bytes - this.takenBytes;
  }
}
