/**
 * CSV (RFC 4180) and TSV text → rows of field texts. Pure.
 */
import { UsageError } from '../shared/errors.js';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/**
 * Parses CSV: `,` between fields, CRLF or LF between records, `"` quotes fields that hold commas,
 * quotes (doubled) or line breaks. A final line break does not start a record. `file` names the
 * source in error messages.
 */
export function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (i >= n) return rows;
  let line = 1;
  let row: string[] = [];
  for (;;) {
    let field: string;
    if (text.charCodeAt(i) === QUOTE) {
      const startLine = line;
      field = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) throw new UsageError(`${file}:${startLine}: a quoted field is not closed`);
        field += text.slice(from, close);
        line += countLineBreaks(text, from, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          field += '"';
          from = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      const next = text.charCodeAt(i);
      if (i < n && next !== COMMA && next !== LF && next !== CR) {
        throw new UsageError(`${file}:${line}: unexpected text after a closing quote (a quote inside a field must be doubled)`);
      }
    } else {
      let end = i;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === COMMA || c === LF || c === CR) break;
        end += 1;
      }
      field = text.slice(i, end);
      i = end;
    }
    row.push(field);
    if (i >= n) {
      rows.push(row);
      return rows;
    }
    const sep = text.charCodeAt(i);
    i += 1;
    if (sep === COMMA) {
      if (i >= n) {
        row.push('');
        rows.push(row);
        return rows;
      }
      continue;
    }
    if (sep === CR && text.charCodeAt(i) === LF) i += 1;
    rows.push(row);
    row = [];
    line += 1;
    if (i >= n) return rows;
  }
}

const TSV_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };

function unescapeTsv(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\([tnr\\])/g, (_, ch: string) => TSV_ESCAPES[ch] ?? ch);
}

/** Parses TSV: a tab between fields, a line break between records, `\t \n \r \\` escapes. */
export function parseTsv(text: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body === '') return [];
  const lines = body.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line).split('\t').map(unescapeTsv));
}
