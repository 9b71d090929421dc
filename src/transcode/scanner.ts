/**
 * ValueRange JSON bytes → cell events, as the bytes arrive.
 *
 * A state machine over Buffers (the shape of csv-parse's core): `push` takes whatever the response
 * stream gives, reports each cell as a slice of the input, and keeps across chunk boundaries only
 * the one token that a boundary split. Nothing of the answer is materialised: no string for the
 * body, no arrays for the rows; unknown members are checked for JSON grammar and dropped.
 *
 * Tokens (strings, numbers, literals) are atomic: a token is scanned only once all of its bytes
 * are in one contiguous buffer. When a chunk ends inside one, its bytes move to a small carry
 * buffer, the next chunk is searched for the token's end, and only the missing bytes are appended
 * before the token is scanned; the rest of that chunk is then scanned in place.
 *
 * Everything that is not the promised shape throws MalformedAnswer, which callers treat as a
 * retryable bad answer. Strings are held to JSON's grammar and to valid UTF-8 (a lone surrogate
 * written as an escape is allowed, as JSON.parse allows it).
 */
import { ExitCode, SheetpipeError } from '../shared/errors.js';
import { ByteBuffer } from './bytes.js';
import { HEX_VALUE, SIMPLE } from './unescape.js';

/** The string holds at least one backslash escape. */
export const ESCAPED = 1;
/** The string's bytes hold ',' (CSV must quote it). */
export const COMMA = 2;
/** The string holds bytes ≥ 0x80. */
export const NON_ASCII = 4;

export interface ValuesHandler {
  /** The i-th ValueRange begins (0 for a values.get answer). */
  rangeStart(index: number): void;
  /** A row begins: `offset` is the absolute byte offset of its `[` in the answer. */
  rowStart(offset: number): void;
  /** A string cell: [start, end) of `buf` are its JSON content bytes WITHOUT the quotes. */
  stringCell(buf: Buffer, start: number, end: number, flags: number): void;
  /** The number's JSON text bytes. */
  numberCell(buf: Buffer, start: number, end: number): void;
  boolCell(value: boolean): void;
  /** The row ends: `offset` is the absolute byte offset of its `]` (the row's JSON text ends just after). */
  rowEnd(offset: number): void;
  /** The i-th ValueRange ended; `range` is its "range" member's text (one without it is refused). */
  rangeEnd(index: number, range: string): void;
  /** The i-th ValueRange's `range` member, as soon as it is read (the API sends it first). */
  rangeEcho?(index: number, range: string): void;
}

/**
 * The answer is not the promised ValueRange / batchGet JSON. The fetch layer retries it; one that
 * surfaced would mean the API is unavailable (exit 5).
 */
export class MalformedAnswer extends SheetpipeError {
  override name = 'MalformedAnswer';
  override readonly code = 'SHEETPIPE_MALFORMED_ANSWER';
  override readonly exitCode = ExitCode.unavailable;
  /** The 0-based byte of the answer where it went bad; unknown to a handler until the scanner places its refusal. */
  readonly offset: number | undefined;
  /** The body stopped before its JSON did: what came is a good prefix, as after a cut connection. */
  readonly truncated: boolean;

  constructor(message: string, where: { offset?: number; truncated?: boolean } = {}) {
    super(message);
    this.offset = where.offset;
    this.truncated = where.truncated ?? false;
  }
}

// Where the scanner stands, between tokens.
const START = 0; // before the top-level object
const DONE = 1; // after it: whitespace only
const O_OPEN = 2; // a known object just opened: member name or '}'
const O_KEY = 3; // after ',': member name
const O_COLON = 4;
const O_VALUE = 5; // a member value, read according to `member`
const O_NEXT = 6; // after a member: ',' or '}'
const V_OPEN = 7; // "valueRanges" just opened: '{' or ']'
const V_ELEM = 8; // after ',': '{'
const V_NEXT = 9;
const RS_OPEN = 10; // "values" just opened: '[' or ']'
const RS_ELEM = 11;
const RS_NEXT = 12;
const C_OPEN = 13; // a row just opened: cell or ']'
const C_ELEM = 14;
const C_NEXT = 15;
const K_OBJ_OPEN = 16; // inside a skipped value (generic JSON)
const K_KEY = 17;
const K_COLON = 18;
const K_OBJ_NEXT = 19;
const K_ARR_OPEN = 20;
const K_VALUE = 21;
const K_ARR_NEXT = 22;

// The known object being read.
const OBJ_RANGE = 0;
const OBJ_BATCH = 1;

// The member whose value comes next.
const M_OTHER = 0;
const M_RANGE = 1;
const M_VALUES = 2;
const M_MAJOR = 4;
const M_VALUE_RANGES = 8;

const SKIP_OBJECT = 0;
const SKIP_ARRAY = 1;
/** Deeper unknown values than this are refused rather than tracked. */
const MAX_SKIP_DEPTH = 512;

const CARRY_NONE = 0;
const CARRY_STRING = 1;
const CARRY_NUMBER = 2;
const CARRY_LITERAL = 3;

/** Above this capacity the carry buffer is given back once it is empty. */
const CARRY_KEEP = 1 << 20;

// Byte classes inside a string.
const S_PLAIN = 0;
const S_QUOTE = 1;
const S_BACKSLASH = 2;
const S_CONTROL = 3;
const S_COMMA = 4;
const S_HIGH = 5;
const STRING_CLASS = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) STRING_CLASS[b] = S_CONTROL;
for (let b = 0x80; b < 0x100; b++) STRING_CLASS[b] = S_HIGH;
STRING_CLASS[0x22] = S_QUOTE;
STRING_CLASS[0x5c] = S_BACKSLASH;
STRING_CLASS[0x2c] = S_COMMA;

/** Bytes that can continue a number token (its end is the first byte outside these). */
const NUMBER_BYTE = new Uint8Array(256);
for (const c of '0123456789+-.eE') NUMBER_BYTE[c.charCodeAt(0)] = 1;

export function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

function describeByte(b: number): string {
  if (b === 0x22) return `'"'`;
  if (b > 0x20 && b < 0x7f) return `"${String.fromCharCode(b)}"`;
  return `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/** Decodes validated JSON string content (no quotes). */
export function decodeJsonString(buf: Buffer, start: number, end: number, flags: number): string {
  const raw = buf.toString((flags & NON_ASCII) !== 0 ? 'utf8' : 'latin1', start, end);
  return (flags & ESCAPED) !== 0 ? (JSON.parse(`"${raw}"`) as string) : raw;
}

export class ValuesScanner {
  private readonly handler: ValuesHandler;
  private readonly batch: boolean;
  private state = START;
  private obj = OBJ_RANGE;
  private member = M_OTHER;
  /** Known members seen in the current ValueRange and in the batch object (duplicates are refused). */
  private seen = 0;
  private batchSeen = 0;
  private range: string | undefined;
  private rangeIndex = -1;
  private rowCount = 0;
  private readonly skip: number[] = [];
  /** Set by scanString: the flags of the string just scanned. */
  private flags = 0;
  /** Absolute byte offset of index 0 of the buffer being scanned. */
  private base = 0;
  /** Bytes received before the current push. */
  private received = 0;
  private carry = new ByteBuffer(256);
  private carryBase = 0;
  private carryKind = CARRY_NONE;
  private carryEscape = false;
  private carryNeed = 0;
  private failure: unknown = undefined;
  private ended = false;

  constructor(handler: ValuesHandler, shape: 'value-range' | 'batch') {
    this.handler = handler;
    this.batch = shape === 'batch';
  }

  /** rowEnd calls so far in the current ValueRange (inside rowEnd, the row being ended counts). */
  get rows(): number {
    return this.rowCount;
  }

  /** Bytes pushed so far: the answer's length once it is complete. */
  get bytes(): number {
    return this.received;
  }

  /**
   * Feeds bytes as they arrive; throws MalformedAnswer. What a handler throws passes through
   * unchanged, a MalformedAnswer placed at the byte of the event it refused. After any throw the
   * scanner is spent: every later call throws the same error.
   */
  push(chunk: Buffer): void {
    if (this.failure !== undefined) throw this.failure;
    try {
      this.feed(chunk);
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  /** The body is complete; throws MalformedAnswer if the document is not. */
  end(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) return;
    this.ended = true;
    let problem: string | undefined;
    if (this.carryKind !== CARRY_NONE) {
      const what = this.carryKind === CARRY_STRING ? 'a string' : this.carryKind === CARRY_NUMBER ? 'a number' : 'a literal';
      problem = `the answer ended inside ${what} (at byte ${this.received})`;
    } else if (this.state === START) {
      problem = this.received === 0 ? 'the answer is empty' : 'the answer holds only whitespace';
    } else if (this.state !== DONE) {
      problem = `the answer ended early (at byte ${this.received}, ${this.whereText()})`;
    }
    if (problem !== undefined) {
      this.failure = new MalformedAnswer(problem, { offset: this.received, truncated: true });
      throw this.failure;
    }
  }

  private whereText(): string {
    const s = this.state;
    if (s >= C_OPEN && s <= C_NEXT) return `inside row ${this.rowCount + 1}`;
    if (s >= RS_OPEN && s <= RS_NEXT) return 'inside "values"';
    if (s >= V_OPEN && s <= V_NEXT) return 'inside "valueRanges"';
    if (s >= K_OBJ_OPEN) return 'inside an unknown member';
    return this.batch && this.obj === OBJ_RANGE ? `inside value range ${this.rangeIndex + 1}` : 'inside the answer object';
  }

  private feed(chunk: Buffer): void {
    const n = chunk.length;
    let from = 0;
    while (this.carryKind !== CARRY_NONE && from < n) {
      const k = this.tokenEnd(chunk, from);
      if (k < 0) {
        this.carry.pushBytes(chunk, from, n);
        from = n;
        break;
      }
      const carry = this.carry;
      carry.pushBytes(chunk, from, k);
      from = k;
      this.base = this.carryBase;
      const stop = this.scan(carry.buf, 0, carry.length);
      if (stop === carry.length) {
        this.carryKind = CARRY_NONE;
        if (carry.buf.length > CARRY_KEEP) this.carry = new ByteBuffer(256);
        else carry.truncate(0);
      } else {
        // Cannot happen on the bytes that end a token (the byte after a token never starts one),
        // but if it did, the rest is carried like any other partial token.
        this.carryBase += stop;
        carry.consume(stop);
        this.initCarry();
      }
    }
    if (from < n) {
      this.base = this.received;
      const stop = this.scan(chunk, from, n);
      if (stop < n) {
        this.carry.pushBytes(chunk, stop, n);
        this.carryBase = this.received + stop;
        this.initCarry();
      }
    }
    this.received += n;
  }

  /** Sets the carry's kind and end-search state from its bytes (a token's start). */
  private initCarry(): void {
    const buf = this.carry.buf;
    const len = this.carry.length;
    const first = buf[0] as number;
    if (first === 0x22) {
      this.carryKind = CARRY_STRING;
      let escape = false;
      for (let i = 1; i < len; i++) {
        if (escape) escape = false;
        else if (buf[i] === 0x5c) escape = true;
      }
      this.carryEscape = escape;
    } else if (first === 0x2d || isDigit(first)) {
      this.carryKind = CARRY_NUMBER;
    } else {
      this.carryKind = CARRY_LITERAL;
      this.carryNeed = (first === 0x66 ? 5 : 4) - len;
    }
  }

  /**
   * Where the carried token ends in `chunk`: the index just past the bytes to append (for a
   * number, one delimiter byte included, so the scan can see the number is over), or -1.
   */
  private tokenEnd(chunk: Buffer, from: number): number {
    const n = chunk.length;
    if (this.carryKind === CARRY_STRING) {
      // The first quote not escaped: one preceded by an even run of backslashes (counting the
      // carry's own trailing backslash when the run reaches back to it).
      let at = from;
      for (;;) {
        const q = chunk.indexOf(0x22, at);
        const stop = q < 0 ? n : q;
        let k = stop;
        while (k > from && chunk[k - 1] === 0x5c) k--;
        const odd = (((stop - k) & 1) === 1) !== (k === from && this.carryEscape);
        if (q < 0) {
          this.carryEscape = odd;
          return -1;
        }
        if (!odd) return q + 1;
        at = q + 1;
      }
    }
    if (this.carryKind === CARRY_NUMBER) {
      for (let i = from; i < n; i++) if (NUMBER_BYTE[chunk[i] as number] === 0) return i + 1;
      return -1;
    }
    if (n - from >= this.carryNeed) return from + this.carryNeed;
    this.carryNeed -= n - from;
    return -1;
  }

  /** A refusal at absolute byte `offset`; without one, scan() places it at the byte it was reading. */
  private fail(message: string, offset?: number): MalformedAnswer {
    return new MalformedAnswer(message, { offset });
  }

  private placed(refusal: MalformedAnswer, offset: number): MalformedAnswer {
    return new MalformedAnswer(refusal.message, { offset, truncated: refusal.truncated });
  }

  private unexpected(buf: Buffer, pos: number, expected: string): MalformedAnswer {
    const offset = this.base + pos;
    return this.fail(`unexpected ${describeByte(buf[pos] as number)} at byte ${offset} (expected ${expected})`, offset);
  }

  private rowText(): string {
    return this.batch ? `range ${this.rangeIndex + 1}, row ${this.rowCount + 1}` : `row ${this.rowCount + 1}`;
  }

  private beginRange(): void {
    this.rangeIndex += 1;
    this.rowCount = 0;
    this.seen = 0;
    this.range = undefined;
    this.obj = OBJ_RANGE;
    this.handler.rangeStart(this.rangeIndex);
  }

  private whichRange(): string {
    return this.batch ? `value range ${this.rangeIndex + 1}` : 'the answer';
  }

  private endRange(): void {
    if (this.range === undefined) throw this.fail(`${this.whichRange()} has no "range"`);
    this.handler.rangeEnd(this.rangeIndex, this.range);
  }

  /**
   * The envelope is checked before the first row is reported, so that no row of an answer that is
   * not the API's ever reaches the output: the API sends `range` and `majorDimension` before
   * `values`, and only rows (a column-major answer would come out transposed).
   */
  private checkEnvelope(): void {
    const missing = [(this.seen & M_RANGE) === 0 ? '"range"' : '', (this.seen & M_MAJOR) === 0 ? '"majorDimension"' : ''].filter(Boolean);
    if (missing.length > 0)
      throw this.fail(`${this.whichRange()} sends "values" before ${missing.join(' and ')} (the API sends them first)`);
  }

  /** A '}' closed the current known object; returns the next state. */
  private closeObject(): number {
    if (this.obj === OBJ_RANGE) {
      this.endRange();
      if (!this.batch) return DONE;
      this.obj = OBJ_BATCH;
      return V_NEXT;
    }
    return DONE;
  }

  private memberOf(buf: Buffer, start: number, end: number, flags: number): number {
    const name = decodeJsonString(buf, start, end, flags);
    let member = M_OTHER;
    if (this.obj === OBJ_RANGE) {
      if (name === 'values') member = M_VALUES;
      else if (name === 'range') member = M_RANGE;
      else if (name === 'majorDimension') member = M_MAJOR;
    } else if (name === 'valueRanges') {
      member = M_VALUE_RANGES;
    }
    if (member !== M_OTHER) {
      const seen = this.obj === OBJ_RANGE ? this.seen : this.batchSeen;
      if ((seen & member) !== 0) throw this.fail(`the answer holds "${name}" twice in one object`);
      if (member === M_VALUES) this.checkEnvelope();
      if (this.obj === OBJ_RANGE) this.seen |= member;
      else this.batchSeen |= member;
    }
    return member;
  }

  /** After a complete value inside skipped JSON (or the skipped value itself): the next state. */
  private afterSkipped(): number {
    const depth = this.skip.length;
    if (depth === 0) return O_NEXT;
    return this.skip[depth - 1] === SKIP_OBJECT ? K_OBJ_NEXT : K_ARR_NEXT;
  }

  /** A skipped object or array closes: the state after it. */
  private closeSkipped(): number {
    this.skip.pop();
    return this.afterSkipped();
  }

  private openSkipped(kind: number): number {
    if (this.skip.length >= MAX_SKIP_DEPTH) throw this.fail(`an unknown member nests deeper than ${MAX_SKIP_DEPTH} levels`);
    this.skip.push(kind);
    return kind === SKIP_OBJECT ? K_OBJ_OPEN : K_ARR_OPEN;
  }

  /**
   * Scans [pos, end) of buf from the current state. Returns `end`, or the start of a token that
   * the buffer ends inside (its bytes are the caller's to carry).
   */
  private scan(buf: Buffer, pos: number, end: number): number {
    const handler = this.handler;
    let state = this.state;
    try {
      while (pos < end) {
        const b = buf[pos] as number;
        if (b <= 0x20 && (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09)) {
          pos++;
          continue;
        }
        switch (state) {
          case C_NEXT:
            if (b === 0x2c) {
              state = C_ELEM;
              pos++;
              continue;
            }
            if (b === 0x5d) {
              this.rowCount++;
              handler.rowEnd(this.base + pos);
              state = RS_NEXT;
              pos++;
              continue;
            }
            throw this.unexpected(buf, pos, '"," or "]" in a row');
          case C_OPEN:
          case C_ELEM: {
            if (b === 0x22) {
              const q = this.scanString(buf, pos, end);
              if (q < 0) break;
              handler.stringCell(buf, pos + 1, q, this.flags);
              pos = q + 1;
              state = C_NEXT;
              continue;
            }
            if (b === 0x2d || (b >= 0x30 && b <= 0x39)) {
              const e = this.scanNumber(buf, pos, end);
              if (e < 0) break;
              handler.numberCell(buf, pos, e);
              pos = e;
              state = C_NEXT;
              continue;
            }
            if (b === 0x5d && state === C_OPEN) {
              this.rowCount++;
              handler.rowEnd(this.base + pos);
              state = RS_NEXT;
              pos++;
              continue;
            }
            if (b === 0x74 || b === 0x66) {
              const e = this.scanLiteral(buf, pos, end);
              if (e < 0) break;
              handler.boolCell(b === 0x74);
              pos = e;
              state = C_NEXT;
              continue;
            }
            if (b === 0x6e) {
              if (this.scanLiteral(buf, pos, end) < 0) break;
              throw this.fail(`${this.rowText()} holds a null cell`);
            }
            if (b === 0x5b || b === 0x7b) throw this.fail(`${this.rowText()} holds a non-scalar cell`);
            throw this.unexpected(buf, pos, 'a cell');
          }
          case RS_NEXT:
            if (b === 0x2c) {
              state = RS_ELEM;
              pos++;
              continue;
            }
            if (b === 0x5d) {
              state = O_NEXT;
              pos++;
              continue;
            }
            throw this.unexpected(buf, pos, '"," or "]" after a row');
          case RS_OPEN:
          case RS_ELEM:
            if (b === 0x5b) {
              handler.rowStart(this.base + pos);
              state = C_OPEN;
              pos++;
              continue;
            }
            if (b === 0x5d && state === RS_OPEN) {
              state = O_NEXT;
              pos++;
              continue;
            }
            if (startsValue(b)) throw this.fail(`${this.rowText()} is not an array`);
            throw this.unexpected(buf, pos, 'a row');
          case O_NEXT:
            if (b === 0x2c) {
              state = O_KEY;
              pos++;
              continue;
            }
            if (b === 0x7d) {
              state = this.closeObject();
              pos++;
              continue;
            }
            throw this.unexpected(buf, pos, '"," or "}"');
          case O_OPEN:
          case O_KEY: {
            if (b === 0x7d && state === O_OPEN) {
              state = this.closeObject();
              pos++;
              continue;
            }
            if (b !== 0x22) throw this.unexpected(buf, pos, 'a member name');
            const q = this.scanString(buf, pos, end);
            if (q < 0) break;
            this.member = this.memberOf(buf, pos + 1, q, this.flags);
            pos = q + 1;
            state = O_COLON;
            continue;
          }
          case O_COLON:
            if (b !== 0x3a) throw this.unexpected(buf, pos, '":"');
            pos++;
            state = O_VALUE;
            continue;
          case O_VALUE: {
            const member = this.member;
            if (member === M_VALUES) {
              if (b !== 0x5b) throw this.fail(`${this.batch ? `value range ${this.rangeIndex + 1}: ` : ''}"values" is not an array`);
              state = RS_OPEN;
              pos++;
              continue;
            }
            if (member === M_VALUE_RANGES) {
              if (b !== 0x5b) throw this.fail('"valueRanges" is not an array');
              state = V_OPEN;
              pos++;
              continue;
            }
            if (member === M_RANGE || member === M_MAJOR) {
              if (b !== 0x22) throw this.fail(`"${member === M_RANGE ? 'range' : 'majorDimension'}" is not a string`);
              const q = this.scanString(buf, pos, end);
              if (q < 0) break;
              const text = decodeJsonString(buf, pos + 1, q, this.flags);
              if (member === M_RANGE) {
                this.range = text;
                this.handler.rangeEcho?.(this.rangeIndex, text);
              } else if (text !== 'ROWS') {
                // Rows are what this reader promises; a column-major answer would come out transposed.
                throw this.fail(`${this.whichRange()} has majorDimension "${text}", not "ROWS"`);
              }
              pos = q + 1;
              state = O_NEXT;
              continue;
            }
            const e = this.scanScalar(buf, pos, end, b);
            if (e === -2) {
              state = this.openSkipped(b === 0x7b ? SKIP_OBJECT : SKIP_ARRAY);
              pos++;
              continue;
            }
            if (e < 0) break;
            pos = e;
            state = O_NEXT;
            continue;
          }
          case V_NEXT:
            if (b === 0x2c) {
              state = V_ELEM;
              pos++;
              continue;
            }
            if (b === 0x5d) {
              state = O_NEXT;
              pos++;
              continue;
            }
            throw this.unexpected(buf, pos, '"," or "]" in "valueRanges"');
          case V_OPEN:
          case V_ELEM:
            if (b === 0x7b) {
              this.beginRange();
              state = O_OPEN;
              pos++;
              continue;
            }
            if (b === 0x5d && state === V_OPEN) {
              state = O_NEXT;
              pos++;
              continue;
            }
            if (startsValue(b)) throw this.fail(`value range ${this.rangeIndex + 2} is not an object`);
            throw this.unexpected(buf, pos, 'a value range');
          case K_OBJ_NEXT:
            if (b === 0x2c) {
              state = K_KEY;
              pos++;
              continue;
            }
            if (b === 0x7d) {
              state = this.closeSkipped();
              pos++;
              continue;
            }
            throw this.unexpected(buf, pos, '"," or "}"');
          case K_OBJ_OPEN:
          case K_KEY: {
            if (b === 0x7d && state === K_OBJ_OPEN) {
              state = this.closeSkipped();
              pos++;
              continue;
            }
            if (b !== 0x22) throw this.unexpected(buf, pos, 'a member name');
            const q = this.scanString(buf, pos, end);
            if (q < 0) break;
            pos = q + 1;
            state = K_COLON;
            continue;
          }
          case K_COLON:
            if (b !== 0x3a) throw this.unexpected(buf, pos, '":"');
            pos++;
            state = K_VALUE;
            continue;
          case K_ARR_NEXT:
            if (b === 0x2c) {
              state = K_VALUE;
              pos++;
              continue;
            }
            if (b === 0x5d) {
              state = this.closeSkipped();
              pos++;
              continue;
            }
            throw this.unexpected(buf, pos, '"," or "]"');
          case K_ARR_OPEN:
          case K_VALUE: {
            if (b === 0x5d && state === K_ARR_OPEN) {
              state = this.closeSkipped();
              pos++;
              continue;
            }
            const e = this.scanScalar(buf, pos, end, b);
            if (e === -2) {
              state = this.openSkipped(b === 0x7b ? SKIP_OBJECT : SKIP_ARRAY);
              pos++;
              continue;
            }
            if (e < 0) break;
            pos = e;
            state = this.afterSkipped();
            continue;
          }
          case START:
            if (b !== 0x7b) throw this.unexpected(buf, pos, '"{"');
            if (this.batch) this.obj = OBJ_BATCH;
            else this.beginRange();
            state = O_OPEN;
            pos++;
            continue;
          default:
            throw this.fail(`unexpected ${describeByte(b)} at byte ${this.base + pos} after the end of the answer`, this.base + pos);
        }
        // Only a token that the buffer ends inside gets here.
        this.state = state;
        return pos;
      }
    } catch (error) {
      // A refusal made without its place (a handler's, or one of the answer's shape) is placed at the byte being read.
      throw error instanceof MalformedAnswer && error.offset === undefined ? this.placed(error, this.base + pos) : error;
    }
    this.state = state;
    return end;
  }

  /**
   * A value inside skipped JSON: the index past a scalar, -1 when the buffer ends inside it,
   * -2 when it opens an object or array.
   */
  private scanScalar(buf: Buffer, pos: number, end: number, b: number): number {
    if (b === 0x22) {
      const q = this.scanString(buf, pos, end);
      return q < 0 ? -1 : q + 1;
    }
    if (b === 0x2d || (b >= 0x30 && b <= 0x39)) return this.scanNumber(buf, pos, end);
    if (b === 0x74 || b === 0x66 || b === 0x6e) return this.scanLiteral(buf, pos, end);
    if (b === 0x7b || b === 0x5b) return -2;
    throw this.unexpected(buf, pos, 'a value');
  }

  /** `true`, `false` or `null` at pos: the index past it, or -1 when the buffer ends inside it. */
  private scanLiteral(buf: Buffer, pos: number, end: number): number {
    const first = buf[pos] as number;
    const word = first === 0x74 ? 'true' : first === 0x66 ? 'false' : 'null';
    const n = word.length;
    for (let i = 1; i < n; i++) {
      if (pos + i >= end) return -1;
      if (buf[pos + i] !== word.charCodeAt(i)) {
        const offset = this.base + pos + i;
        throw this.fail(`unexpected ${describeByte(buf[pos + i] as number)} at byte ${offset} (expected "${word}")`, offset);
      }
    }
    return pos + n;
  }

  /** A JSON number at pos: the index past it, or -1 when the buffer ends before its end shows. */
  private scanNumber(buf: Buffer, pos: number, end: number): number {
    let i = pos;
    if (buf[i] === 0x2d) i++;
    if (i >= end) return -1;
    let b = buf[i] as number;
    if (b === 0x30) {
      i++;
    } else if (b >= 0x31 && b <= 0x39) {
      i++;
      while (i < end && isDigit(buf[i])) i++;
    } else {
      throw this.badNumber(buf, pos, i);
    }
    if (i >= end) return -1;
    b = buf[i] as number;
    if (b === 0x2e) {
      i++;
      if (i >= end) return -1;
      if (!isDigit(buf[i])) throw this.badNumber(buf, pos, i);
      while (i < end && isDigit(buf[i])) i++;
      if (i >= end) return -1;
      b = buf[i] as number;
    }
    if (b === 0x65 || b === 0x45) {
      i++;
      if (i >= end) return -1;
      b = buf[i] as number;
      if (b === 0x2b || b === 0x2d) {
        i++;
        if (i >= end) return -1;
      }
      if (!isDigit(buf[i])) throw this.badNumber(buf, pos, i);
      while (i < end && isDigit(buf[i])) i++;
      if (i >= end) return -1;
    }
    return i;
  }

  private badNumber(buf: Buffer, start: number, at: number): MalformedAnswer {
    const offset = this.base + at;
    return this.fail(
      `a number is malformed at byte ${offset}: unexpected ${describeByte(buf[at] as number)} after "${buf.toString('latin1', start, at)}"`,
      offset,
    );
  }

  /**
   * A JSON string whose opening quote is at pos: returns the index of its closing quote and sets
   * `flags`, or -1 when the buffer ends inside it. Checks escapes, control bytes and UTF-8.
   */
  private scanString(buf: Buffer, pos: number, end: number): number {
    let flags = 0;
    let i = pos + 1;
    while (i < end) {
      let b = buf[i] as number;
      let cls = STRING_CLASS[b] as number;
      while (cls === S_PLAIN && ++i < end) {
        b = buf[i] as number;
        cls = STRING_CLASS[b] as number;
      }
      if (cls === S_PLAIN) break;
      if (cls === S_QUOTE) {
        this.flags = flags;
        return i;
      }
      if (cls === S_COMMA) {
        flags |= COMMA;
        i++;
        continue;
      }
      if (cls === S_HIGH) {
        flags |= NON_ASCII;
        const n = this.utf8Sequence(buf, i, end, b);
        if (n < 0) return -1;
        i += n;
        continue;
      }
      if (cls === S_BACKSLASH) {
        flags |= ESCAPED;
        if (i + 1 >= end) return -1;
        const e = buf[i + 1] as number;
        if (e === 0x75) {
          const last = Math.min(i + 6, end);
          for (let k = i + 2; k < last; k++) {
            if (HEX_VALUE[buf[k] as number] === -1)
              throw this.fail(`a string holds a bad \\u escape at byte ${this.base + i}`, this.base + i);
          }
          if (i + 6 > end) return -1;
          i += 6;
        } else if (SIMPLE[e] !== -1) {
          i += 2;
        } else {
          throw this.fail(`a string holds a bad escape ${describeByte(e)} at byte ${this.base + i}`, this.base + i);
        }
        continue;
      }
      throw this.fail(`a string holds a raw control character (${describeByte(b)}) at byte ${this.base + i}`, this.base + i);
    }
    return -1;
  }

  /** The length of the UTF-8 sequence led by b at i, -1 when the buffer ends inside a valid one. */
  private utf8Sequence(buf: Buffer, i: number, end: number, b: number): number {
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      n = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f; // no UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f; // nothing past U+10FFFF
    } else {
      throw this.badUtf8(i);
    }
    if (i + 1 < end) {
      const c = buf[i + 1] as number;
      if (c < lo || c > hi) throw this.badUtf8(i);
    }
    const last = Math.min(i + n, end);
    for (let k = i + 2; k < last; k++) if (((buf[k] as number) & 0xc0) !== 0x80) throw this.badUtf8(i);
    return i + n > end ? -1 : n;
  }

  private badUtf8(i: number): MalformedAnswer {
    return this.fail(`a string holds invalid UTF-8 at byte ${this.base + i}`, this.base + i);
  }
}

function startsValue(b: number): boolean {
  return b === 0x22 || b === 0x7b || b === 0x5b || b === 0x2d || (b >= 0x30 && b <= 0x39) || b === 0x74 || b === 0x66 || b === 0x6e;
}
