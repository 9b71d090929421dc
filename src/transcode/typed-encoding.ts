/**
 * Typed values through the byte engine: an Encoding that writes each number as its column's kind
 * means it (a date, a time, a duration, a zero-padded code) and leaves every other cell, and every
 * number of a plain column, to the format's own encoding at full speed; and the typed range's
 * sample: the kinds of values each column holds in its first rows, and the header line's texts,
 * from which the range's columns (names and types) are told.
 */
import { ByteBuffer } from './bytes.js';
import { type Column, type ColumnKind, SEEN_BOOL, SEEN_NUMBER, SEEN_STRING, columnType, typedText } from './column-kinds.js';
import { type Encoding, HeaderKeys, cellText } from './encode.js';
import { COMMA, ESCAPED, NON_ASCII } from './scanner.js';

/**
 * A number cell's value: digits alone (a date's serial, most often) read here, anything else
 * (a fraction, an exponent) as JSON.parse would read it.
 */
function numberAt(buf: Buffer, start: number, end: number): number {
  if (end - start <= 15) {
    let value = 0;
    let i = start;
    for (; i < end; i++) {
      const digit = (buf[i] as number) - 0x30;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (i === end && end > start) return value;
  }
  return Number(buf.toString('latin1', start, end));
}

/** Texts written for a column's numbers, the last few thousand kept: a date column repeats its days. */
class Converter {
  private readonly texts = new Map<number, string | undefined>();

  constructor(
    private readonly kind: ColumnKind,
    /** Its texts are printable ASCII with no quote or backslash: their own JSON string content. */
    readonly plain: boolean,
  ) {}

  text(value: number): string | undefined {
    const known = this.texts.get(value);
    if (known !== undefined || this.texts.has(value)) return known;
    if (this.texts.size >= 4096) this.texts.clear();
    const text = typedText(this.kind, value);
    this.texts.set(value, text);
    return text;
  }
}

/** `text` as the content of a JSON string, with the scanner's flags, so that `Encoding.string` writes it by each format's rules. */
function writeText(encoding: Encoding, out: ByteBuffer, scratch: ByteBuffer, text: string, plain: boolean): void {
  scratch.truncate(0);
  let flags = 0;
  if (plain) {
    scratch.pushAscii(text);
  } else {
    const content = JSON.stringify(text).slice(1, -1);
    if (content.length !== text.length || content.includes('\\')) flags |= ESCAPED;
    // eslint-disable-next-line no-control-regex -- bytes past ASCII are what this looks for
    if (/[^\x00-\x7f]/.test(content)) flags |= NON_ASCII;
    if (text.includes(',')) flags |= COMMA;
    scratch.pushString(content);
  }
  encoding.string(out, scratch.buf, 0, scratch.length, flags);
}

/** Numbers written by their column's kind; `kinds[c]` undefined for a plain column (the format's own path). */
export class TypedEncoding implements Encoding {
  private col = 0;
  private readonly scratch = new ByteBuffer(64);
  private readonly converters: (Converter | undefined)[];

  constructor(
    private readonly base: Encoding,
    kinds: readonly (ColumnKind | undefined)[],
  ) {
    // Dates, times and durations are digits, '-', ':', '.', 'T', 'P', 'H', 'M' and 'S'; a code keeps its pattern's literals.
    this.converters = kinds.map((kind) => kind && new Converter(kind, kind.kind !== 'code'));
  }

  open(out: ByteBuffer): void {
    this.base.open(out);
  }

  beforeCell(out: ByteBuffer, col: number): void {
    this.col = col;
    this.base.beforeCell(out, col);
  }

  string(out: ByteBuffer, buf: Buffer, start: number, end: number, flags: number): void {
    this.base.string(out, buf, start, end, flags);
  }

  number(out: ByteBuffer, buf: Buffer, start: number, end: number): void {
    const converter = this.converters[this.col];
    const text = converter?.text(numberAt(buf, start, end));
    if (text === undefined) this.base.number(out, buf, start, end);
    else writeText(this.base, out, this.scratch, text, (converter as Converter).plain);
  }

  bool(out: ByteBuffer, value: boolean): void {
    this.base.bool(out, value);
  }

  close(out: ByteBuffer, cells: number, width: number, rowStart: number): void {
    this.base.close(out, cells, width, rowStart);
  }
}

/** The kinds a column's values had in the sample, and the header line's texts: restored when an answer is rolled back. */
export interface TypesMark {
  seen: number[];
  header: readonly string[] | undefined;
}

/**
 * A typed range's sample of values: the rows that tell each column's type, and the header line.
 * Its encodings write as the range's encoding does and note what passes; a row counts only once
 * it ends (rowEnded), so a row cut short, or an answer rolled back (restore), leaves nothing.
 */
export class TypesSample {
  /** Per column: the SEEN_* bits of the values its sample rows held. */
  private seen: number[] = [];
  private header: readonly string[] | undefined;
  private row: { kind: 'values'; cols: number[]; bits: number[] } | { kind: 'header'; texts: string[] } | undefined;

  constructor(
    readonly kinds: readonly ColumnKind[],
    /** 1-based sheet column of the range's first column: names columns by letter. */
    private readonly firstCol: number,
  ) {}

  /** The range's encoding: `base`, with each number written by its column's kind. */
  typed(base: Encoding): Encoding {
    return new TypedEncoding(
      base,
      this.kinds.map((k) => (k.kind === 'number' ? undefined : k)),
    );
  }

  /** `encoding`, noting the kind of each value of the row it writes. */
  counting(encoding: Encoding): Encoding {
    const note = (col: number, bit: number): void => {
      if (this.row?.kind !== 'values') return;
      this.row.cols.push(col);
      this.row.bits.push(bit);
    };
    let col = 0;
    return {
      open: (out) => {
        this.row = { kind: 'values', cols: [], bits: [] };
        encoding.open(out);
      },
      beforeCell: (out, c) => {
        col = c;
        encoding.beforeCell(out, c);
      },
      string: (out, buf, start, end, flags) => {
        // An empty string is an empty cell, not a value.
        if (end > start) note(col, SEEN_STRING);
        encoding.string(out, buf, start, end, flags);
      },
      number: (out, buf, start, end) => {
        note(col, SEEN_NUMBER);
        encoding.number(out, buf, start, end);
      },
      bool: (out, value) => {
        note(col, SEEN_BOOL);
        encoding.bool(out, value);
      },
      close: (out, cells, width, rowStart) => encoding.close(out, cells, width, rowStart),
    };
  }

  /** `plain` (the header line is names, written as they came), keeping the row's texts for the column names. */
  headerLine(plain: Encoding): Encoding {
    const keep = (text: string): void => {
      if (this.row?.kind === 'header') this.row.texts.push(text);
    };
    return {
      open: (out) => {
        this.row = { kind: 'header', texts: [] };
        plain.open(out);
      },
      beforeCell: (out, c) => plain.beforeCell(out, c),
      string: (out, buf, start, end, flags) => {
        keep(cellText('string', buf, start, end, flags));
        plain.string(out, buf, start, end, flags);
      },
      number: (out, buf, start, end) => {
        keep(cellText('number', buf, start, end));
        plain.number(out, buf, start, end);
      },
      bool: (out, value) => {
        keep(cellText('bool', value));
        plain.bool(out, value);
      },
      close: (out, cells, width, rowStart) => plain.close(out, cells, width, rowStart),
    };
  }

  /** The NDJSON header row's texts (they name the keys and are no output row). */
  headerRow(texts: readonly string[]): void {
    this.header = texts;
  }

  /** The row begun has ended: what it noted counts. */
  rowEnded(): void {
    const row = this.row;
    this.row = undefined;
    if (row?.kind === 'header') this.header = row.texts;
    else if (row) row.cols.forEach((c, i) => (this.seen[c] = (this.seen[c] ?? 0) | (row.bits[i] as number)));
  }

  /** The row begun was cut short: nothing of it counts. */
  rowDropped(): void {
    this.row = undefined;
  }

  mark(): TypesMark {
    return { seen: [...this.seen], header: this.header };
  }

  restore(mark: TypesMark): void {
    this.seen = [...mark.seen];
    this.header = mark.header;
    this.row = undefined;
  }

  /** The range's `width` columns: names as NDJSON keys them (from the header, or letters), types from the sample. */
  columns(width: number, header: boolean): Column[] {
    const keys = new HeaderKeys(header ? (this.header ?? []) : [], this.firstCol);
    return Array.from({ length: width }, (_, c) => ({
      name: keys.name(c),
      type: columnType(this.kinds[c] ?? { kind: 'number' }, this.seen[c] ?? 0),
    }));
  }
}
