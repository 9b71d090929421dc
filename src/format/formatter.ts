/**
 * Formatters turn batches of rows (one chunk's worth) into text. The work is per batch, not per
 * row, so the stream machinery runs once per chunk; formatTransform adapts a formatter to a
 * Transform stream for the pipeline.
 */
import { Transform } from 'node:stream';
import type { Row } from '../rows.js';
import { csvFormatter } from './csv.js';
import { tsvFormatter } from './tsv.js';
import { ndjsonFormatter } from './ndjson.js';

export type Format = 'csv' | 'tsv' | 'ndjson';
export const FORMATS: readonly Format[] = ['csv', 'tsv', 'ndjson'];

export interface BatchFormatter {
  format(batch: Row[]): string;
}

export interface FormatterOptions {
  /** NDJSON: objects keyed by the first row (default) or arrays. */
  header?: boolean;
  /** CSV/TSV: the width when the range names its last column. */
  columns?: number;
  /** 1-based sheet column of the range's first column. */
  firstCol?: number;
  /** 1-based sheet row of the first output row. */
  firstRow?: number;
  /** Receives warnings (a row wider than the width). */
  onWarning?: (message: string) => void;
}

export function createFormatter(format: Format, options: FormatterOptions = {}): BatchFormatter {
  const width = { columns: options.columns, firstRow: options.firstRow, onWideRow: options.onWarning };
  switch (format) {
    case 'csv':
      return csvFormatter(width);
    case 'tsv':
      return tsvFormatter(width);
    case 'ndjson':
      return ndjsonFormatter({ header: options.header, firstCol: options.firstCol });
  }
}

/** Object-mode batches in, text out. High-water marks of one batch keep memory to a chunk or two. */
export function formatTransform(formatter: BatchFormatter): Transform {
  return new Transform({
    writableObjectMode: true,
    writableHighWaterMark: 1,
    readableHighWaterMark: 64 * 1024,
    transform(batch: Row[], _encoding, callback) {
      const text = formatter.format(batch);
      callback(null, text.length > 0 ? text : undefined);
    },
  });
}
