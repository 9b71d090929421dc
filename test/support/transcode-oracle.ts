/**
 * The reference for the transcoder: JSON.parse the whole answer, check it has the promised shape,
 * then format the values with plain string code under the output rules. Deliberately naive — no
 * byte tricks, no fast paths — so that "the transcoder's bytes equal these" means something.
 *
 * CSV is csv-stringify's bytes but for one rule: a record that would be an empty line (one empty
 * field, or none at width 0) is written `""`, as Python's csv.writer writes it.
 */

export type Cell = string | number | boolean;
export type OracleFormat = 'csv' | 'tsv' | 'ndjson';

export interface OracleAnswer {
  /** One entry per ValueRange: its "range" text and its rows. */
  ranges: { range: string; rows: Cell[][] }[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueRange(value: unknown): { range: string; rows: Cell[][] } {
  if (!isObject(value)) throw new Error('a ValueRange is not an object');
  if (typeof value.range !== 'string') throw new Error('a ValueRange has no string "range"');
  if ('majorDimension' in value && value.majorDimension !== 'ROWS') throw new Error('majorDimension is not "ROWS"');
  if (!('values' in value)) return { range: value.range, rows: [] };
  // The API sends range and majorDimension before values: an answer that does not is not the API's.
  const keys = Object.keys(value);
  const at = (key: string) => keys.indexOf(key);
  if (at('range') > at('values') || at('majorDimension') < 0 || at('majorDimension') > at('values'))
    throw new Error('"values" comes before the envelope');
  const values = value.values;
  if (!Array.isArray(values)) throw new Error('"values" is not an array');
  for (const row of values) {
    if (!Array.isArray(row)) throw new Error('a row is not an array');
    for (const cell of row) {
      if (typeof cell !== 'string' && typeof cell !== 'number' && typeof cell !== 'boolean') throw new Error('a cell is not a scalar');
    }
  }
  return { range: value.range, rows: values as Cell[][] };
}

/** Parses and checks an answer; throws when JSON.parse does or when the shape is not the promised one. */
export function oracleAnswer(body: string, shape: 'value-range' | 'batch'): OracleAnswer {
  const parsed: unknown = JSON.parse(body);
  if (!isObject(parsed)) throw new Error('the answer is not an object');
  if (shape === 'value-range') return { ranges: [valueRange(parsed)] };
  if (!('valueRanges' in parsed)) return { ranges: [] };
  if (!Array.isArray(parsed.valueRanges)) throw new Error('"valueRanges" is not an array');
  return { ranges: parsed.valueRanges.map(valueRange) };
}

export function columnLetters(col: number): string {
  let letters = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** The NDJSON object keys for `count` columns: blank/missing header → column letter, repeats → _2, _3. */
export function oracleKeys(headerTexts: readonly string[], firstCol: number, count: number): string[] {
  const keys: string[] = [];
  for (let c = 0; c < count; c++) {
    const text = headerTexts[c];
    const base = text === undefined || text === '' ? columnLetters(firstCol + c) : text;
    let key = base;
    let n = 2;
    while (keys.includes(key)) key = `${base}_${n++}`;
    keys.push(key);
  }
  return keys;
}

function csvField(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.split('"').join('""')}"` : text;
}

function tsvField(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return String(cell).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

function jsonValue(cell: Cell | undefined): string {
  return cell === undefined || cell === '' ? 'null' : JSON.stringify(cell);
}

export interface OracleOptions {
  format: OracleFormat;
  /** Rows are padded to this many cells; wider rows are written whole. */
  width: number;
  /** NDJSON: objects keyed by these header texts (absent = arrays). */
  header?: { texts: readonly string[]; firstCol: number };
}

/** The output text of these rows. */
export function oracleFormat(rows: readonly Cell[][], options: OracleOptions): string {
  let out = '';
  for (const row of rows) {
    const n = Math.max(options.width, row.length);
    const cells: (Cell | undefined)[] = [];
    for (let c = 0; c < n; c++) cells.push(row[c]);
    if (options.format === 'csv') {
      // A line with nothing on it is skipped by pandas and csv.DictReader: a record is never one (`""`, one empty field).
      out += `${cells.map(csvField).join(',') || '""'}\n`;
    } else if (options.format === 'tsv') {
      out += `${cells.map(tsvField).join('\t')}\n`;
    } else if (options.header === undefined) {
      out += `[${cells.map(jsonValue).join(',')}]\n`;
    } else {
      const keys = oracleKeys(options.header.texts, options.header.firstCol, n);
      out += `{${cells.map((cell, c) => `${JSON.stringify(keys[c])}:${jsonValue(cell)}`).join(',')}}\n`;
    }
  }
  return out;
}

/** The whole answer's output bytes, every range's rows one after another. */
export function oracleBytes(answer: OracleAnswer, options: OracleOptions): Buffer {
  return Buffer.from(answer.ranges.map((r) => oracleFormat(r.rows, options)).join(''), 'utf8');
}
