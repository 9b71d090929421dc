/** The shared shape of CSV and TSV: rectangular rows of encoded fields, one line each. */
import type { Cell, Row } from '../rows.js';
import { RowWidth, type WidthOptions } from './width.js';
import type { BatchFormatter } from './formatter.js';

export function delimitedFormatter(separator: string, field: (cell: Cell | undefined) => string, options: WidthOptions): BatchFormatter {
  const width = new RowWidth(options);
  return {
    format(batch: Row[]): string {
      const w = width.check(batch);
      let out = '';
      for (const row of batch) {
        const n = Math.max(w, row.length);
        let line = n > 0 ? field(row[0]) : '';
        for (let c = 1; c < n; c++) line += separator + field(row[c]);
        out += `${line}\n`;
      }
      return out;
    },
  };
}
