/** Rows → RFC 4180 CSV (LF line ends), through csv-stringify. */
import { stringify } from 'csv-stringify/sync';
import type { Row } from '../rows.js';
import { RowWidth, type WidthOptions } from './width.js';
import type { BatchFormatter } from './formatter.js';

const OPTIONS = {
  cast: { boolean: (b: boolean) => (b ? 'TRUE' : 'FALSE'), number: (n: number) => String(n) },
  eol: '\n',
};

export function csvFormatter(options: WidthOptions = {}): BatchFormatter {
  const width = new RowWidth(options);
  return {
    format(batch: Row[]): string {
      width.check(batch);
      const w = width.of(batch);
      const padded = batch.map((row) => (row.length < w ? row.concat(Array<string>(w - row.length).fill('')) : row));
      return stringify(padded, OPTIONS);
    },
    end: () => '',
  };
}
