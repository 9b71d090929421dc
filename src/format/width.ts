/**
 * The width of rectangular (CSV/TSV) output: the range's column count when the range names its
 * last column, else the first row's width. Rows are padded to it; a wider row is written whole,
 * and the first such row is reported once.
 */
export interface WidthOptions {
  /** Known width (the range names its last column); else the first row decides. */
  columns?: number;
  /** 1-based sheet row of the first output row, to name a wide row in the warning. */
  firstRow?: number;
  /** Called once, for the first row wider than the width. */
  onWideRow?: (message: string) => void;
}

export class RowWidth {
  private width: number | undefined;
  private rowNumber: number;
  private warned = false;

  constructor(private readonly options: WidthOptions = {}) {
    this.width = options.columns;
    this.rowNumber = options.firstRow ?? 1;
  }

  /** The width for this batch's rows; decides it from the first row when unknown. */
  of(batch: readonly unknown[][]): number {
    if (this.width === undefined && batch.length > 0) this.width = batch[0]?.length ?? 0;
    return this.width ?? 0;
  }

  /** Counts rows, reports the first wider than the width, and returns the width. */
  check(batch: readonly unknown[][]): number {
    const width = this.of(batch);
    if (!this.warned) {
      for (let i = 0; i < batch.length; i++) {
        const len = (batch[i] as unknown[]).length;
        if (len > width) {
          this.warned = true;
          this.options.onWideRow?.(
            `warning: row ${this.rowNumber + i} has ${len} cells, more than the ${width} columns of ${this.options.columns !== undefined ? 'the range' : 'the first row'}; wider rows are written whole`,
          );
          break;
        }
      }
    }
    this.rowNumber += batch.length;
    return width;
  }
}
