/**
 * JSON string content with escapes → output bytes, without building a JS string. The content must
 * be what the scanner vouched for (valid escapes, valid UTF-8): raw bytes between escapes are
 * copied as they are, since JSON's grammar keeps quotes, backslashes and control characters out
 * of them; only the escaped characters need per-format care.
 *
 * Decoded text is written as Buffer.from(text) would write it, so a lone surrogate (legal as an
 * escape) becomes U+FFFD in CSV/TSV, and `\ud800` in JSON, as JSON.stringify writes it.
 */
import type { ByteBuffer } from './bytes.js';

/** A hex digit's value by its byte; -1 for any other byte. */
export const HEX_VALUE = new Int8Array(256).fill(-1);
for (let d = 0; d < 10; d++) HEX_VALUE[0x30 + d] = d;
for (let d = 0; d < 6; d++) {
  HEX_VALUE[0x41 + d] = 10 + d;
  HEX_VALUE[0x61 + d] = 10 + d;
}
const HEX_DIGITS = '0123456789abcdef';

/** The code unit a simple escape stands for, by the byte after the backslash; -1 for a byte that is not one ('u' included). */
export const SIMPLE = new Int16Array(256).fill(-1);
SIMPLE[0x22] = 0x22;
SIMPLE[0x5c] = 0x5c;
SIMPLE[0x2f] = 0x2f;
SIMPLE[0x62] = 0x08;
SIMPLE[0x66] = 0x0c;
SIMPLE[0x6e] = 0x0a;
SIMPLE[0x72] = 0x0d;
SIMPLE[0x74] = 0x09;

function hex4(buf: Buffer, at: number): number {
  return (
    ((HEX_VALUE[buf[at] as number] as number) << 12) |
    ((HEX_VALUE[buf[at + 1] as number] as number) << 8) |
    ((HEX_VALUE[buf[at + 2] as number] as number) << 4) |
    (HEX_VALUE[buf[at + 3] as number] as number)
  );
}

function pushUtf8(out: ByteBuffer, c: number): void {
  if (c < 0x800) {
    out.pushByte(0xc0 | (c >> 6));
  } else if (c < 0x10000) {
    out.pushByte(0xe0 | (c >> 12));
    out.pushByte(0x80 | ((c >> 6) & 0x3f));
  } else {
    out.pushByte(0xf0 | (c >> 18));
    out.pushByte(0x80 | ((c >> 12) & 0x3f));
    out.pushByte(0x80 | ((c >> 6) & 0x3f));
  }
  out.pushByte(0x80 | (c & 0x3f));
}

function pushJsonUnicodeEscape(out: ByteBuffer, c: number): void {
  out.pushByte(0x5c);
  out.pushByte(0x75);
  for (let shift = 12; shift >= 0; shift -= 4) out.pushByte(HEX_DIGITS.charCodeAt((c >> shift) & 0xf));
}

/** How a decoded character is written. */
const enum Mode {
  /** As itself; a `"` doubled (the field is quoted whenever it holds one). */
  Csv,
  /** Tab, CR, LF and backslash as \t \r \n \\. */
  Tsv,
  /** As JSON.stringify writes it. */
  Json,
}

function pushDecoded(out: ByteBuffer, c: number, mode: Mode): void {
  if (c >= 0x80) {
    if (c >= 0xd800 && c <= 0xdfff) {
      if (mode === Mode.Json) pushJsonUnicodeEscape(out, c);
      else pushUtf8(out, 0xfffd);
    } else {
      pushUtf8(out, c);
    }
    return;
  }
  if (mode === Mode.Csv) {
    if (c === 0x22) out.pushByte(0x22);
  } else if (mode === Mode.Tsv) {
    const letter = c === 0x09 ? 0x74 : c === 0x0d ? 0x72 : c === 0x0a ? 0x6e : c === 0x5c ? 0x5c : 0;
    if (letter !== 0) {
      out.pushByte(0x5c);
      out.pushByte(letter);
      return;
    }
  } else if (c < 0x20 || c === 0x22 || c === 0x5c) {
    const letter =
      c === 0x22
        ? 0x22
        : c === 0x5c
          ? 0x5c
          : c === 0x0a
            ? 0x6e
            : c === 0x0d
              ? 0x72
              : c === 0x09
                ? 0x74
                : c === 0x08
                  ? 0x62
                  : c === 0x0c
                    ? 0x66
                    : 0;
    if (letter === 0) {
      pushJsonUnicodeEscape(out, c);
    } else {
      out.pushByte(0x5c);
      out.pushByte(letter);
    }
    return;
  }
  out.pushByte(c);
}

/**
 * Writes [start, end) of buf, JSON string content, decoded in `mode`. Returns whether a decoded
 * character was one that makes a CSV field quoted (`,` `"` CR LF).
 */
function write(out: ByteBuffer, buf: Buffer, start: number, end: number, mode: Mode): boolean {
  let special = false;
  let run = start;
  let i = start;
  while (i < end) {
    if (buf[i] !== 0x5c) {
      i++;
      continue;
    }
    out.pushBytes(buf, run, i);
    const e = buf[i + 1] as number;
    let c: number;
    if (e === 0x75) {
      c = hex4(buf, i + 2);
      i += 6;
      // A high surrogate followed by an escaped low one is one character.
      if (c >= 0xd800 && c <= 0xdbff && i + 6 <= end && buf[i] === 0x5c && buf[i + 1] === 0x75) {
        const low = hex4(buf, i + 2);
        if (low >= 0xdc00 && low <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i += 6;
        }
      }
    } else {
      c = SIMPLE[e] as number;
      i += 2;
    }
    if (c === 0x22 || c === 0x2c || c === 0x0a || c === 0x0d) special = true;
    pushDecoded(out, c, mode);
    run = i;
  }
  out.pushBytes(buf, run, end);
  return special;
}

/**
 * A CSV field from escaped content: quoted when the text holds `,` `"` CR or LF (`comma`: the raw
 * bytes hold a comma), inner quotes doubled. One pass: quotes are doubled as they come (a field
 * holding one is quoted anyway), and the opening quote is slipped in front afterwards when the
 * need to quote showed only in an escape.
 */
export function writeCsvUnescaped(out: ByteBuffer, buf: Buffer, start: number, end: number, comma: boolean): void {
  if (comma) out.pushByte(0x22);
  const fieldStart = out.length;
  const special = write(out, buf, start, end, Mode.Csv);
  if (!comma && special) {
    out.reserve(2);
    out.buf.copyWithin(fieldStart + 1, fieldStart, out.length);
    out.buf[fieldStart] = 0x22;
    out.length += 1;
  }
  if (comma || special) out.pushByte(0x22);
}

/** A TSV field from escaped content: tab, CR, LF and backslash written as \t \r \n \\. */
export function writeTsvUnescaped(out: ByteBuffer, buf: Buffer, start: number, end: number): void {
  write(out, buf, start, end, Mode.Tsv);
}

/** A JSON string from escaped content, quotes included, byte for byte what JSON.stringify writes. */
export function writeJsonUnescaped(out: ByteBuffer, buf: Buffer, start: number, end: number): void {
  out.pushByte(0x22);
  write(out, buf, start, end, Mode.Json);
  out.pushByte(0x22);
}
