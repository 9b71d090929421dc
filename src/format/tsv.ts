/** Rows → TSV: tab, CR, LF and backslash escaped as \t, \r, \n, \\ so one line is one row. */
import type { Cell } from '../rows.js';
import type { WidthOptions } from './width.js';
import type { BatchFormatter } from './formatter.js';
import { delimitedFormatter } from './delimited.js';

const NEEDS_ESCAPE = /[\t\r\n\\]/;
const ESCAPES: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n', '\\': '\\\\' };

export function tsvField(cell: Cell | undefined): string {
  if (typeof cell === 'string') return NEEDS_ESCAPE.test(cell) ? cell.replace(/[\t\r\n\\]/g, (c) => ESCAPES[c] as string) : cell;
  if (cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return String(cell);
}

export function tsvFormatter(options: WidthOptions = {}): BatchFormatter {
  return delimitedFormatter('\t', tsvField, options);
}
