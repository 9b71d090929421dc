/** Rows → TSV: tab, CR, LF and backslash escaped as \t, \r, \n, \\ so one line is one row. */
import type { Cell, Row } from '../rows.js';
import { RowWidth, type WidthOptions } from './width.js';
import type { BatchFormatter } from './formatter.js';

const NEEDS_ESCAPE = /[\t\r\n\\]/;
const ESCAPES: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n', '\\': '\\\\' };

export function tsvField(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  const text = typeof cell === 'string' ? cell : String(cell);
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\t\r\n\\]/g, (c) => ESCAPES[c] as string) : text;
}

export function tsvFormatter(options: WidthOptions = {}): BatchFormatter {
  const width = new RowWidth(options);
  return {
    format(batch: Row[]): string {
      width.check(batch);
      const w = width.of(batch);
      let out = '';
      for (const row of batch) {
        const n = Math.max(w, row.length);
        let line = '';
        for (let c = 0; c < n; c++) line += (c === 0 ? '' : '\t') + tsvField(row[c]);
        out += line + '\n';
      }
      return out;
    },
    end: () => '',
  };
}
