/**
 * Cells → output bytes, per format, appended to a ByteBuffer straight from the scanner's slices.
 *
 * The bytes equal "JSON.parse the answer, then format the values" under the output rules: CSV is
 * RFC 4180 with LF line ends (a field holding `,` `"` CR or LF is quoted, inner quotes doubled; a
 * record that would be an empty line is written `""`); TSV escapes tab, CR, LF and backslash; NDJSON writes JSON values, an empty cell as null. The fast
 * paths rest on JSON's grammar: a string without escapes holds no quote, backslash, CR, LF or tab,
 * so its bytes are already the field (CSV needs quotes only when it holds a comma); a string with
 * escapes is decoded straight into output bytes (unescape.ts); and a number whose text is already
 * canonical is copied instead of converted.
 */
import { columnToLetters } from '../sheet/a1.js';
import { InternalError } from '../shared/errors.js';
import type { ByteBuffer } from './bytes.js';
import { COMMA, ESCAPED, decodeJsonString, isDigit } from './scanner.js';
import { writeCsvUnescaped, writeJsonUnescaped, writeTsvUnescaped } from './unescape.js';

export type Format = 'csv' | 'tsv' | 'ndjson';

export interface Encoding {
  /** Bytes that open a row ('' for CSV/TSV, '[' or '{' for NDJSON). */
  open(out: ByteBuffer): void;
  /** Bytes before cell number `col` (0-based) of a row: the separator (col > 0) and, for NDJSON objects, the key. */
  beforeCell(out: ByteBuffer, col: number): void;
  string(out: ByteBuffer, buf: Buffer, start: number, end: number, flags: number): void;
  number(out: ByteBuffer, buf: Buffer, start: number, end: number): void;
  bool(out: ByteBuffer, value: boolean): void;
  /**
   * Closes a row that had `cells` cells, padded with empty cells to `width` (cells may exceed width: no padding), then '\n'.
   * `rowStart` is where the row's bytes begin in `out`.
   */
  close(out: ByteBuffer, cells: number, width: number, rowStart: number): void;
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const NULL_BYTES = Buffer.from('null');

/**
 * True when `String(Number(text)) === text` for a valid JSON number text, decided without
 * converting: an integer of at most 15 digits (not -0), or a plain decimal of at most 15
 * significant digits, no trailing zero and at most 5 zeros after "0." (past that JS switches to
 * exponent form). Fifteen digits always survive the trip through a double unchanged.
 */
export function isCanonicalNumber(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  const negative = buf[i] === 0x2d;
  if (negative) i++;
  const intStart = i;
  while (i < end && isDigit(buf[i])) i++;
  const intDigits = i - intStart;
  if (i === end) return intDigits <= 15 && !(negative && intDigits === 1 && buf[intStart] === 0x30);
  if (buf[i] !== 0x2e) return false;
  i++;
  const fracStart = i;
  while (i < end && isDigit(buf[i])) i++;
  if (i !== end || buf[end - 1] === 0x30) return false;
  if (intDigits === 1 && buf[intStart] === 0x30) {
    let first = fracStart;
    while (buf[first] === 0x30) first++;
    return first - fracStart <= 5 && end - first <= 15;
  }
  return intDigits + (end - fracStart) <= 15;
}

/** The JS number a JSON number text denotes (Infinity past the double range, as JSON.parse gives). */
function numberValue(buf: Buffer, start: number, end: number): number {
  return Number(buf.toString('latin1', start, end));
}

/** A cell's text as a header key would see it: strings decoded, numbers as String(Number(text)), booleans 'true'/'false'. */
export function cellText(kind: 'string', buf: Buffer, start: number, end: number, flags: number): string;
export function cellText(kind: 'number', buf: Buffer, start: number, end: number): string;
export function cellText(kind: 'bool', value: boolean): string;
export function cellText(kind: 'string' | 'number' | 'bool', a: Buffer | boolean, start = 0, end = 0, flags = 0): string {
  if (kind === 'bool') return a === true ? 'true' : 'false';
  const buf = a as Buffer;
  if (kind === 'number') return String(numberValue(buf, start, end));
  return decodeJsonString(buf, start, end, flags);
}

/**
 * NDJSON object keys from a header row: a blank or missing cell → its column letter (from
 * firstCol, 1-based), repeats → name_2, name_3…; extends lazily for columns past the header.
 * Each key depends only on those before it, so extending lazily gives the keys a whole pass would.
 */
export class HeaderKeys {
  private readonly names: string[] = [];
  private readonly json: string[] = [];
  private readonly bytes: Buffer[] = [];
  private readonly taken = new Set<string>();

  constructor(
    private readonly headerTexts: readonly string[],
    private readonly firstCol: number,
  ) {
    if (!Number.isInteger(firstCol) || firstCol < 1) throw new InternalError(`firstCol must be a positive integer, got ${firstCol}`);
  }

  /** The JSON-encoded key plus ':' for column `col` (0-based), e.g. `"amount":`. */
  key(col: number): string {
    this.extend(col);
    return this.json[col] as string;
  }

  /** key(col) as UTF-8 bytes (shared: do not modify). */
  keyBytes(col: number): Buffer {
    this.extend(col);
    return this.bytes[col] as Buffer;
  }

  /** The plain key of column `col`. */
  name(col: number): string {
    this.extend(col);
    return this.names[col] as string;
  }

  private extend(col: number): void {
    const names = this.names;
    while (names.length <= col) {
      const c = names.length;
      const text = this.headerTexts[c];
      const base = text === undefined || text === '' ? columnToLetters(this.firstCol + c) : text;
      let key = base;
      for (let n = 2; this.taken.has(key); n++) key = `${base}_${n}`;
      this.taken.add(key);
      names.push(key);
      const json = `${JSON.stringify(key)}:`;
      this.json.push(json);
      this.bytes.push(Buffer.from(json, 'utf8'));
    }
  }
}

/** CSV and TSV share numbers, booleans and padding; they differ in the separator and in strings. */
abstract class DelimitedEncoding implements Encoding {
  constructor(private readonly separator: number) {}

  open(): void {}

  beforeCell(out: ByteBuffer, col: number): void {
    if (col > 0) out.pushByte(this.separator);
  }

  abstract string(out: ByteBuffer, buf: Buffer, start: number, end: number, flags: number): void;

  number(out: ByteBuffer, buf: Buffer, start: number, end: number): void {
    if (isCanonicalNumber(buf, start, end)) out.pushBytes(buf, start, end);
    else out.pushAscii(String(numberValue(buf, start, end)));
  }

  bool(out: ByteBuffer, value: boolean): void {
    out.pushAscii(value ? 'TRUE' : 'FALSE');
  }

  close(out: ByteBuffer, cells: number, width: number, rowStart: number): void {
    // k ≥ 1 cells padded to w take w − k more separators; an empty row of w fields takes w − 1.
    let pad = width - cells;
    if (cells === 0 && width > 0) pad -= 1;
    if (pad > 0) {
      out.reserve(pad + 1);
      const sep = this.separator;
      for (let i = 0; i < pad; i++) out.pushByte(sep);
    } else if (out.length === rowStart) {
      this.emptyLine(out);
    }
    out.pushByte(NEWLINE);
  }

  /** Writes a record whose line would otherwise be empty: one empty field, and nothing else (width ≤ 1). */
  protected abstract emptyLine(out: ByteBuffer): void;
}

class CsvEncoding extends DelimitedEncoding {
  constructor() {
    super(0x2c);
  }

  /**
   * `""`, as Python's csv.writer and pandas write it: an empty line is a record to RFC 4180, but
   * pandas and Python's csv.DictReader skip it, and a one-column export would lose its empty cells.
   */
  protected emptyLine(out: ByteBuffer): void {
    out.pushByte(QUOTE);
    out.pushByte(QUOTE);
  }

  string(out: ByteBuffer, buf: Buffer, start: number, end: number, flags: number): void {
    if ((flags & (ESCAPED | COMMA)) === 0) {
      out.pushBytes(buf, start, end);
    } else if ((flags & ESCAPED) === 0) {
      out.pushByte(QUOTE);
      out.pushBytes(buf, start, end);
      out.pushByte(QUOTE);
    } else {
      writeCsvUnescaped(out, buf, start, end, (flags & COMMA) !== 0);
    }
  }
}

class TsvEncoding extends DelimitedEncoding {
  constructor() {
    super(0x09);
  }

  /** TSV cannot quote: the empty line stays, which Miller and PostgreSQL's COPY read as one empty field. */
  protected emptyLine(): void {}

  string(out: ByteBuffer, buf: Buffer, start: number, end: number, flags: number): void {
    if ((flags & ESCAPED) === 0) {
      out.pushBytes(buf, start, end);
    } else {
      writeTsvUnescaped(out, buf, start, end);
    }
  }
}

/** NDJSON values; rows are arrays, or objects when a subclass writes keys. */
class NdjsonArrayEncoding implements Encoding {
  /** The bytes that open and close a row: '[' and ']'. */
  protected readonly openByte: number = 0x5b;
  protected readonly closeByte: number = 0x5d;

  open(out: ByteBuffer): void {
    out.pushByte(this.openByte);
  }

  beforeCell(out: ByteBuffer, col: number): void {
    if (col > 0) out.pushByte(0x2c);
  }

  string(out: ByteBuffer, buf: Buffer, start: number, end: number, flags: number): void {
    if (start === end) {
      out.pushBytes(NULL_BYTES, 0, 4);
    } else if ((flags & ESCAPED) === 0) {
      // Unescaped JSON string content is exactly what JSON.stringify writes for its text.
      out.pushByte(QUOTE);
      out.pushBytes(buf, start, end);
      out.pushByte(QUOTE);
    } else {
      writeJsonUnescaped(out, buf, start, end);
    }
  }

  number(out: ByteBuffer, buf: Buffer, start: number, end: number): void {
    if (isCanonicalNumber(buf, start, end)) out.pushBytes(buf, start, end);
    else out.pushAscii(JSON.stringify(numberValue(buf, start, end)));
  }

  bool(out: ByteBuffer, value: boolean): void {
    out.pushAscii(value ? 'true' : 'false');
  }

  close(out: ByteBuffer, cells: number, width: number): void {
    for (let c = cells; c < width; c++) {
      this.beforeCell(out, c);
      out.pushBytes(NULL_BYTES, 0, 4);
    }
    out.pushByte(this.closeByte);
    out.pushByte(NEWLINE);
  }
}

class NdjsonObjectEncoding extends NdjsonArrayEncoding {
  /** '{' and '}'. */
  protected override readonly openByte: number = 0x7b;
  protected override readonly closeByte: number = 0x7d;

  constructor(private readonly keys: HeaderKeys) {
    super();
  }

  override beforeCell(out: ByteBuffer, col: number): void {
    if (col > 0) out.pushByte(0x2c);
    const key = this.keys.keyBytes(col);
    out.pushBytes(key, 0, key.length);
  }
}

/** keys given = NDJSON objects; absent = arrays (ignored for CSV/TSV). */
export function createEncoding(format: Format, keys?: HeaderKeys): Encoding {
  switch (format) {
    case 'csv':
      return new CsvEncoding();
    case 'tsv':
      return new TsvEncoding();
    case 'ndjson':
      return keys === undefined ? new NdjsonArrayEncoding() : new NdjsonObjectEncoding(keys);
  }
}
