/** The typed events of a running export: the progress display (commands/progress.ts) and the summary observe them. */
import { EventEmitter } from 'node:events';
import type { RetryInfo } from '../fetch/retry.js';

export type WarningKind = 'output' | 'notice';

export interface PlanInfo {
  range: string;
  /** The file the range goes to, when an export writes several. */
  file?: string;
  chunks: number;
  /** Grid rows the plan covers: an upper bound on rows out. */
  rows: number;
  columns: number;
  /** The range names its last column. */
  colsNamed: boolean;
}

export interface ExportEventMap {
  /** The API client is ready: where requests go, and whether they carry credentials. */
  connect: [{ host: string; credentials: boolean; principal?: string }];
  plan: [PlanInfo];
  request: [{ label: string; attempt: number }];
  retry: [RetryInfo];
  /**
   * Cumulative, as rows are written: output rows (the header row included) and the sheet rows
   * passed, trailing empty rows that are never written included. The last one covers the plan.
   */
  progress: [
    {
      rowsWritten: number;
      rowsCovered: number;
      /** With several ranges: how many have written a row (each its own header line), and the file (or range) just written. */
      started?: number;
      current?: string;
    },
  ];
  /**
   * A line for the user. 'output': the output is not shaped as promised (a row wider than the width
   * is written whole): said even under -q, since it is about the data. 'notice': anything else.
   */
  warning: [message: string, kind: WarningKind];
  /** Rows moved under an export to a file or folder: it starts over after `waitMs` (its `reread`-th time). */
  reread: [{ message: string; reread: number; waitMs: number }];
}

export class ExportEvents extends EventEmitter<ExportEventMap> {}
