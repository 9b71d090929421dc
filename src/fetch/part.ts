/**
 * A part: a run of rows of one range, fetched by one request (a chunk of a large range, or a whole
 * small range inside a batch). It remembers its first row not yet read, so that an answer cut
 * midway continues where it stopped, and where its rows go: straight into the range's output
 * while it is the head, into its own RowBytes when it is read ahead of the head, or — while the
 * range's width is still unknown and it is not the head, or the output takes no rows yet (typed
 * values before their columns' kinds are read) — kept as the answer's raw bytes.
 */
import { columnToLetters, quoteSheetName } from '../sheet/a1.js';
import type { Boundary } from './boundary.js';
import type { GridRange } from '../sheet/resolve.js';
import type { RangeOutput } from '../transcode/output.js';
import type { RowBytes, RowTarget } from '../transcode/rows.js';

export interface PartSpec {
  output: RangeOutput;
  /** The tab title, or undefined for the first visible tab (an early read before the metadata). */
  sheet: string | undefined;
  firstCol: number;
  /** Undefined: up to the grid's last column (the API clips). */
  lastCol: number | undefined;
  firstRow: number;
  lastRow: number;
  /**
   * The range's last part, its end row not named: its last request reads to the end of the tab as
   * it is then, so that rows appended while the export runs are not cut off at the metadata's count.
   */
  open?: boolean;
}

export class Part {
  readonly output: RangeOutput;
  nextRow: number;
  lastRow: number;
  /** The earliest part of its range not yet written: its rows may go to the destination. */
  head = false;
  done = false;
  /** Rows read ahead, encoded at the range's width. */
  rows: RowBytes | undefined;
  /** An answer kept whole while the range's width is unknown and the part is not the head. */
  raw: Buffer[] = [];
  rawBytes = 0;
  /** The `range` the API echoed in its last answer: which tab it read. */
  echo: string | undefined;
  /** Told each echo as soon as it is read (an early read of the first tab is checked on it). */
  onEcho: ((echo: string) => void) | undefined;
  /** The row before this part's first, shared with the part before it (boundary.ts); none for a range's first part. */
  before: Boundary | undefined;
  /** The row after this part's last, shared with the part after it. */
  after: Boundary | undefined;
  /** Its last row as read, once every row of it is: what the part after it must agree with (set before the two are linked, for an early read). */
  endRow: Buffer | undefined;
  /** Row nextRow − 1 as this part read it (an answer cut, or read in halves): the next answer must agree. */
  resumeRow: Buffer | undefined;
  /** Its range in A1, for messages: `'Orders'!A1:I5001`. */
  rangeText: string | undefined;
  private readonly waiters = new Set<() => void>();
  private finishedResolve!: () => void;
  private finishedReject!: (reason: unknown) => void;
  /** Settles when every row of the part has been read (or the run failed). */
  readonly finished: Promise<void>;

  /** Rows first..last of a resolved range, whose rows go to `output`; `open`: read to the end of the tab. */
  static ofSpan(output: RangeOutput, range: GridRange, first: number, last: number, open = false): Part {
    const { title } = range.sheet;
    return new Part({ output, sheet: title, firstCol: range.firstCol, lastCol: range.lastCol, firstRow: first, lastRow: last, open });
  }

  constructor(readonly spec: PartSpec) {
    this.output = spec.output;
    this.nextRow = spec.firstRow;
    this.lastRow = spec.lastRow;
    this.finished = new Promise<void>((resolve, reject) => {
      this.finishedResolve = resolve;
      this.finishedReject = reject;
    });
    // Nobody may be waiting when the run fails; that is not an unhandled rejection.
    this.finished.catch(() => undefined);
  }

  /** The request range for rows first..last (or first to the end of the tab): the tab always quoted, columns by letter. */
  a1(first: number, last: number | 'end'): string {
    const { sheet, firstCol, lastCol } = this.spec;
    const cells = `${columnToLetters(firstCol)}${first}:${lastCol !== undefined ? columnToLetters(lastCol) : 'ZZZ'}${last === 'end' ? '' : last}`;
    return sheet !== undefined ? `${quoteSheetName(sheet)}!${cells}` : cells;
  }

  /** Where its rows go now; undefined means: keep the answer raw until the width is known (or the output takes rows). */
  target(): RowTarget | undefined {
    if (this.rows) return this.rows;
    if (this.output.ready) {
      this.rows = this.output.partRows(this.nextRow);
      return this.rows;
    }
    return this.head && this.output.accepting ? this.output : undefined;
  }

  /** Bytes it holds for the window's budget (nothing while it writes to the destination). */
  get heldBytes(): number {
    if (this.head) return 0;
    return this.rawBytes + (this.rows?.heldBytes ?? 0);
  }

  becomeHead(): void {
    this.head = true;
    if (this.output.accepting) this.wake();
  }

  /** Resolves when the part can place raw bytes somewhere: it is the head of an output that takes rows, or the width is known. */
  placeable(): Promise<void> {
    if ((this.head && this.output.accepting) || this.output.ready) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      void this.output.whenReady().then(done);
      void this.output.whenAccepting().then(() => this.head && done());
    });
  }

  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  echoed(echo: string): void {
    this.echo = echo;
    this.onEcho?.(echo);
  }

  dropRaw(): void {
    this.raw = [];
    this.rawBytes = 0;
  }

  complete(): void {
    this.done = true;
    this.finishedResolve();
  }

  fail(reason: unknown): void {
    this.finishedReject(reason);
    this.wake();
  }
}
