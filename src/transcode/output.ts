/**
 * One range's output in sheet order: the width rule, NDJSON header keys, the held sample of first
 * rows, and the joining of parts.
 *
 * When the range does not name its last column, the width is the widest of its first 1,000 rows:
 * those rows are held (encoded, not yet padded) until the sample is complete, then padded and
 * released. The rule depends only on the data, never on how the range was chunked, so a chunked
 * export stays byte-identical to one read of the whole range.
 *
 * A typed range (typed values) also tells its columns' types from its first SAMPLE_ROWS rows: they
 * are held whatever the width, through encodings that note each value's kind, and an answer rolled
 * back takes its notes with it; its header line is written as it came (its cells are names).
 *
 * Phases: `kinds` (typed values whose columns' kinds are still being read: no row is taken, the
 * parts keep their answers as they came) → `header` (NDJSON objects: the range's first row names
 * the keys) → `sample` (rows held until the width is known) → `stream` (rows encoded at the width
 * as they come). The head part
 * writes through beginRow()/endRow(); a later part encodes ahead into its own RowBytes with the
 * same RowForm once it is known, and is appended whole when it becomes the head.
 */
import { InternalError } from '../shared/errors.js';
import { ByteBuffer } from './bytes.js';
import { type Encoding, type Format, HeaderKeys, createEncoding } from './encode.js';
import { RowBytes, type RowSink, type RowTarget, type Segment, type WideRow, emptyRunPieces, rowFormOf } from './rows.js';
import type { Column, ColumnKind } from './column-kinds.js';
import { type TypesMark, TypesSample } from './typed-encoding.js';

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
  /**
   * Typed values: each column's kind, from its cells' number formats, or `later` (setKinds: no row
   * is taken before). The first SAMPLE_ROWS rows are held whatever the width, to tell each column's
   * type (schema); `headerLine`: the first row is a header written as a line (CSV, TSV, NDJSON
   * arrays), its cells names, not values.
   */
  typed?: { kinds: readonly ColumnKind[] | 'later'; headerLine: boolean };
}

/** Typed values whose columns' kinds are still being read: no row can be encoded yet (accepting is false). */
interface KindsPhase {
  readonly phase: 'kinds';
}

/** NDJSON objects: the range's first row names the keys and is not an output row. */
interface HeaderPhase {
  readonly phase: 'header';
}

/** Rows held, encoded but not padded, until the width is known. */
interface SamplePhase {
  readonly phase: 'sample';
  readonly encoding: Encoding;
  readonly held: ByteBuffer;
  /** The held buffer and the encoding, for the head part's rows. */
  readonly sink: RowSink;
  /** For a typed range: the sink of the rows that tell the columns' types, and of its header line. */
  readonly types?: { sample: RowSink; header: RowSink };
  /** Where each held row ends in `held`, and its cell count. */
  readonly heldEnds: number[];
  readonly heldCells: number[];
  /** Where the row being read begins in `held`; -1 between rows. */
  rowStart: number;
  /** Empty rows known to come before the next held row. */
  pending: number;
  /** The sample is complete: the width is the widest of it, and rows held after it no longer count. */
  sampled: boolean;
}

/** The width is known: the head's rows are encoded at it as they come. */
interface StreamPhase {
  readonly phase: 'stream';
  readonly rows: RowBytes;
}

type Phase = KindsPhase | HeaderPhase | SamplePhase | StreamPhase;

/** What the output held when an answer began at the head: rolling back restores it exactly. */
type AnswerMark = { passed: number; committed: number; widest: number; types: TypesMark | undefined } & (
  | { phase: 'header' }
  | { phase: 'sample'; sample: SamplePhase; heldBytes: number; heldRows: number; pending: number; sampled: boolean }
  | { phase: 'stream'; stream: StreamPhase }
);

export class RangeOutput implements RowTarget {
  private phase: Phase;
  private confirmed: boolean;
  private maxWidth: number | undefined;
  private finished = false;
  private holdFull = false;
  private warned = false;
  private readonly readyWaiters: (() => void)[] = [];
  private readonly acceptWaiters: (() => void)[] = [];
  /** The widest row of the sample (while sampling), then of every row written. */
  private widest = 0;
  /** The head's answer under way: its rows are provisional until it is committed. */
  private answer: AnswerMark | undefined;
  /** What waits to be written, in order. */
  private readonly queue: Segment[] = [];
  private flushing: Promise<void> = Promise.resolve();
  /** A typed range's kinds and the sample that tells its columns' types. */
  private types: TypesSample | undefined;

  /** Rows committed to the output so far, in order (the CSV header line included). */
  committed = 0;
  /** Sheet rows passed: committed, the NDJSON header, held, and known empty rows. */
  passed = 0;

  constructor(private readonly options: RangeOutputOptions) {
    this.confirmed = options.confirmed ?? true;
    this.maxWidth = options.maxWidth;
    const kinds = options.typed?.kinds;
    this.phase = { phase: 'kinds' };
    if (kinds !== 'later') this.begin(kinds);
  }

  /** The first phase that takes rows: the header's, or the sample's; typed by `kinds` when given. */
  private begin(kinds: readonly ColumnKind[] | undefined): void {
    this.types = kinds && new TypesSample(kinds, this.options.firstCol);
    if (this.keyed) this.phase = { phase: 'header' };
    else {
      this.phase = this.sampleOf();
      this.settle();
    }
  }

  /** A typed range's columns' kinds, once read: its rows may come from now on. */
  setKinds(kinds: readonly ColumnKind[]): void {
    if (this.phase.phase !== 'kinds') throw new InternalError("the columns' kinds were set twice");
    this.begin(kinds);
    for (const wake of this.acceptWaiters.splice(0)) wake();
  }

  /** False only while a typed range waits for its columns' kinds: its rows are kept as they came until then. */
  get accepting(): boolean {
    return this.phase.phase !== 'kinds';
  }

  whenAccepting(): Promise<void> {
    return this.accepting ? Promise.resolve() : new Promise((resolve) => this.acceptWaiters.push(resolve));
  }

  /** Rows cannot come before the columns' kinds: the parts hold their answers until then. */
  private static noRowYet(): never {
    throw new InternalError("a row came before the columns' kinds were known");
  }

  /** A sample phase with the range's encoding (keyed by `keys` for NDJSON objects). */
  private sampleOf(keys?: HeaderKeys): SamplePhase {
    const plain = createEncoding(this.options.format, keys);
    const types = this.types;
    if (!types) return sampleOf(plain);
    const sample = sampleOf(types.typed(plain));
    const { held } = sample;
    return {
      ...sample,
      types: { sample: { out: held, encoding: types.counting(sample.encoding) }, header: { out: held, encoding: types.headerLine(plain) } },
    };
  }

  /**
   * A typed range's columns, once every part was read: names as the NDJSON keys, types from the
   * values of its first SAMPLE_ROWS rows as written. Undefined for a range that is not typed.
   */
  get schema(): Column[] | undefined {
    const header = this.keyed || this.options.typed?.headerLine === true;
    return this.types?.columns(this.columns ?? 0, header);
  }

  /** NDJSON objects: the range's first row names the keys and is not an output row. */
  private get keyed(): boolean {
    return this.options.format === 'ndjson' && this.options.header;
  }

  /** The width rows are padded to, once known. */
  get width(): number | undefined {
    return this.phase.phase === 'stream' ? this.phase.rows.form.width : undefined;
  }

  /** The columns written: the width, or more where a row was written wider than it. */
  get columns(): number | undefined {
    if (this.phase.phase !== 'stream') return undefined;
    const { rows } = this.phase;
    return Math.max(rows.form.width, this.widest, rows.widest);
  }

  /** True once the width and keys are known: later parts can be encoded as they arrive. */
  get ready(): boolean {
    return this.phase.phase === 'stream';
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** A RowBytes for a later part starting at sheet row `firstRow`; only once ready. */
  partRows(firstRow: number): RowBytes {
    if (this.phase.phase !== 'stream') throw new InternalError('the width is not known yet');
    return new RowBytes(this.phase.rows.form, firstRow);
  }

  /** The range was checked against the metadata: its rows may be released. */
  confirm(maxWidth?: number): void {
    this.confirmed = true;
    if (maxWidth !== undefined) this.maxWidth = maxWidth;
    if (this.phase.phase === 'sample') this.noteSample(this.phase);
    this.settle();
  }

  /** Every part was read: a sample still held is complete, trailing empty rows are dropped. */
  finish(): void {
    this.finished = true;
    if (this.phase.phase === 'kinds') RangeOutput.noRowYet();
    if (this.phase.phase === 'header') this.setKeys([]);
    this.settle();
  }

  // ---- RowTarget, for the head part ----

  beginRow(): RowSink | undefined {
    const phase = this.phase;
    if (phase.phase === 'kinds') return RangeOutput.noRowYet();
    if (phase.phase === 'header') return undefined;
    if (phase.phase === 'stream') return phase.rows.beginRow();
    // Empty rows before this one are rows of the sample too.
    while (phase.pending > 0) {
      phase.pending -= 1;
      phase.encoding.open(phase.held);
      this.holdRow(phase, 0);
    }
    phase.rowStart = phase.held.length;
    const sink = this.sinkOf(phase);
    sink.encoding.open(phase.held);
    return sink;
  }

  /** The sink of the row begun in the sample: a typed range's header line, a row of its types sample, or any other row. */
  private sinkOf(phase: SamplePhase): RowSink {
    if (!phase.types || phase.sampled || this.passed >= SAMPLE_ROWS) return phase.sink;
    return this.passed === 0 && this.options.typed?.headerLine ? phase.types.header : phase.types.sample;
  }

  endRow(cells: number): void {
    this.passed += 1;
    this.types?.rowEnded();
    const phase = this.phase;
    switch (phase.phase) {
      case 'stream':
        phase.rows.endRow(cells);
        this.committed += 1;
        if (!this.warned && !this.answer && phase.rows.firstWide) this.warnWide(phase.rows.firstWide, phase.rows.form.width);
        return;
      case 'sample':
        phase.rowStart = -1;
        this.holdRow(phase, cells);
        this.settle();
        return;
      case 'header':
        throw new InternalError('a row ended before the range named its keys');
      case 'kinds':
        RangeOutput.noRowYet();
    }
  }

  headerRow(texts: readonly string[]): void {
    if (this.phase.phase === 'kinds') RangeOutput.noRowYet();
    this.passed += 1;
    this.widest = Math.max(this.widest, texts.length);
    this.types?.headerRow(texts);
    this.setKeys(texts);
  }

  abortRow(): void {
    this.types?.rowDropped();
    const phase = this.phase;
    if (phase.phase === 'stream') phase.rows.abortRow();
    else if (phase.phase === 'sample' && phase.rowStart >= 0) {
      phase.held.truncate(phase.rowStart);
      phase.rowStart = -1;
    }
  }

  beginAnswer(): void {
    const counts = { passed: this.passed, committed: this.committed, widest: this.widest, types: this.types?.mark() };
    const phase = this.phase;
    switch (phase.phase) {
      case 'kinds':
        return RangeOutput.noRowYet();
      case 'header':
        this.answer = { ...counts, phase: 'header' };
        return;
      case 'sample': {
        const { held, heldEnds, pending, sampled } = phase;
        this.answer = { ...counts, phase: 'sample', sample: phase, heldBytes: held.length, heldRows: heldEnds.length, pending, sampled };
        return;
      }
      case 'stream':
        phase.rows.beginAnswer();
        this.answer = { ...counts, phase: 'stream', stream: phase };
    }
  }

  commitAnswer(): void {
    if (!this.answer) return;
    this.answer = undefined;
    const phase = this.phase;
    if (phase.phase === 'stream') {
      phase.rows.commitAnswer();
      if (!this.warned && phase.rows.firstWide) this.warnWide(phase.rows.firstWide, phase.rows.form.width);
    }
    this.settle();
  }

  rollbackAnswer(): void {
    const mark = this.answer;
    if (!mark) return;
    this.answer = undefined;
    // No answer reaches 'stream' while it is open: the sample is released only between answers.
    switch (mark.phase) {
      case 'header':
        this.phase = { phase: 'header' };
        break;
      case 'sample': {
        const { sample } = mark;
        sample.held.truncate(mark.heldBytes);
        sample.heldEnds.length = mark.heldRows;
        sample.heldCells.length = mark.heldRows;
        sample.rowStart = -1;
        sample.pending = mark.pending;
        sample.sampled = mark.sampled;
        this.phase = sample;
        break;
      }
      case 'stream':
        mark.stream.rows.rollbackAnswer();
        this.phase = mark.stream;
    }
    ({ passed: this.passed, committed: this.committed, widest: this.widest } = mark);
    if (mark.types) this.types?.restore(mark.types);
  }

  get answerBytes(): number {
    const mark = this.answer;
    if (!mark) return 0;
    const phase = this.phase;
    if (phase.phase === 'stream') return phase.rows.answerBytes;
    if (phase.phase !== 'sample') return 0;
    // A sample begun inside the answer holds only the answer's rows.
    return phase.held.length - (mark.phase === 'sample' ? mark.heldBytes : 0);
  }

  skip(rows: number): void {
    if (this.phase.phase === 'kinds') RangeOutput.noRowYet();
    if (rows <= 0) return;
    this.passed += rows;
    let left = rows;
    if (this.phase.phase === 'header') {
      // The range's first row is among these empty rows: an empty header, every key a letter.
      this.setKeys([]);
      left -= 1;
    }
    // The keys may have released the sample already.
    const phase = this.phase;
    if (phase.phase === 'stream') phase.rows.skip(left);
    else if (phase.phase === 'sample') {
      phase.pending += left;
      this.noteSample(phase);
      this.settle();
    }
  }

  // ---- joining parts ----

  /**
   * Rows a later part read ahead join the output, in order: called as the part streams while it is
   * the head, and once more with `last` when it is done (its trailing empty rows then carry over).
   */
  append(part: RowBytes, last = false): void {
    if (this.phase.phase !== 'stream') throw new InternalError('a part joined the output before the width was known');
    const head = this.phase.rows;
    const before = part.takenRows;
    const segments = part.take();
    const rows = part.takenRows - before;
    if (rows > 0) {
      // The empty rows before these exist only because these rows follow them.
      head.commitPending();
      this.queue.push(...head.take(), ...segments);
      head.sheetRow = part.committedSheetRow;
      this.committed += rows;
      this.passed += rows;
    }
    if (last) {
      // The part is read whole: its widest and first wide row are those of rows written.
      if (part.widest > this.widest) this.widest = part.widest;
      if (!this.warned && part.firstWide) this.warnWide(part.firstWide, head.form.width);
      this.passed += part.pendingEmpty;
      head.skip(part.pendingEmpty);
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
    // Nothing is queued before the width is known, and the phase never leaves 'stream'.
    if (this.phase.phase !== 'stream') return;
    const { rows } = this.phase;
    this.queue.push(...rows.take());
    for (let segment = this.queue.shift(); segment !== undefined; segment = this.queue.shift()) {
      if (typeof segment !== 'number') await this.options.write(segment);
      else for (const piece of emptyRunPieces(rows.form.emptyRow, segment)) await this.options.write(piece);
    }
  }

  // ---- the header and the sample ----

  private setKeys(texts: readonly string[]): void {
    const sample = this.sampleOf(new HeaderKeys(texts, this.options.firstCol));
    this.phase = sample;
    this.noteSample(sample);
    this.settle();
  }

  private holdRow(sample: SamplePhase, cells: number): void {
    sample.heldEnds.push(sample.held.length);
    sample.heldCells.push(cells);
    if (!sample.sampled && cells > this.widest) this.widest = cells;
    this.noteSample(sample);
    if (!this.confirmed && sample.held.length >= SAMPLE_BYTES && !this.holdFull) {
      this.holdFull = true;
      this.options.onHoldFull?.();
    }
  }

  /**
   * Marks the sample complete the moment it is: its first SAMPLE_ROWS rows (or SAMPLE_BYTES) decide
   * the width however the range was chunked, though the rows held after them are released only
   * once their answer is known good.
   */
  private noteSample(sample: SamplePhase): void {
    if (sample.sampled) return;
    sample.sampled =
      sample.heldEnds.length + sample.pending >= SAMPLE_ROWS ||
      sample.held.length >= SAMPLE_BYTES ||
      // A typed range's sample also tells its columns' types: it is complete only at its rows' end.
      (!this.types && this.maxWidth !== undefined && this.widest >= this.maxWidth);
  }

  /** Releases the sample once it is complete, confirmed and its answer known good, and wakes whoever waits for the form. */
  private settle(): void {
    const phase = this.phase;
    if (phase.phase !== 'sample' || !this.confirmed || this.answer) return;
    // A row being read is released with the rest when it ends.
    if (phase.rowStart >= 0) return;
    const widthKnown = this.options.width !== undefined && !this.types;
    if (widthKnown || this.finished || phase.sampled) this.release(phase, this.options.width ?? this.widest);
  }

  private release(sample: SamplePhase, width: number): void {
    const { held, heldEnds, heldCells } = sample;
    const form = rowFormOf(sample.encoding, width);
    const padded = new ByteBuffer(held.length + heldEnds.length * 4 + 16);
    const firstSheetRow = this.options.firstRow + (this.keyed ? 1 : 0);
    let start = 0;
    for (let i = 0; i < heldEnds.length; i++) {
      const end = heldEnds[i] as number;
      const cells = heldCells[i] as number;
      const rowStart = padded.length;
      padded.pushBytes(held.buf, start, end);
      form.encoding.close(padded, cells, width, rowStart);
      // Rows held after the sample was complete may be wider than it.
      if (cells > width) {
        if (cells > this.widest) this.widest = cells;
        if (!this.warned) this.warnWide({ sheetRow: firstSheetRow + i, cells }, width);
      }
      start = end;
    }
    const rows = new RowBytes(form, firstSheetRow);
    // appendRows copies the bytes: a view of `padded` is enough.
    if (heldEnds.length > 0) rows.appendRows(padded.buf.subarray(0, padded.length), heldEnds.length);
    rows.skip(sample.pending);
    this.committed += heldEnds.length;
    this.phase = { phase: 'stream', rows };
    for (const wake of this.readyWaiters.splice(0)) wake();
  }

  private warnWide(wide: WideRow, width: number): void {
    this.warned = true;
    const basis = this.options.width !== undefined ? 'the range' : `its first ${SAMPLE_ROWS.toLocaleString('en-US')} rows`;
    this.options.onWarning?.(
      `warning: row ${wide.sheetRow} has ${wide.cells} cells, more than the ${width} columns of ${basis}; it is written whole (name the last column, e.g. A:Z, to fix the width)`,
    );
  }
}

function sampleOf(encoding: Encoding): SamplePhase {
  const held = new ByteBuffer();
  return {
    phase: 'sample',
    encoding,
    held,
    sink: { out: held, encoding },
    heldEnds: [],
    heldCells: [],
    rowStart: -1,
    pending: 0,
    sampled: false,
  };
}
