import type { Cell, TabSource } from '../../src/emulator/index.js';

export interface SparseTabSpec {
  title: string;
  /** Grid rows. */
  rows: number;
  /** Grid columns. Default: the widest given row. */
  cols?: number;
  /** The only rows holding cells, by 1-based row number; each row's cells from column A. */
  cells: Record<number, readonly Cell[]>;
}

export function sparseTab(spec: SparseTabSpec): TabSource;
