/**
 * A growable byte buffer for output bytes and scanner carry-over. Short copies are done byte by
 * byte: most cells are a few bytes long, and a native copy costs more to call than to run there.
 */
import { InternalError } from '../shared/errors.js';

const DEFAULT_CAPACITY = 64 * 1024;
/** Below this many bytes a JS loop beats `Uint8Array#set` (measured on cell-sized copies). */
const SHORT_COPY = 64;

/** A growable byte buffer: bytes [0, length) of `buf` are the content. */
export class ByteBuffer {
  buf: Buffer;
  length = 0;

  constructor(initialCapacity = DEFAULT_CAPACITY) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Capacity for `extra` more bytes; grows ×2. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < need) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  pushByte(byte: number): void {
    if (this.length === this.buf.length) this.reserve(1);
    this.buf[this.length++] = byte;
  }

  pushBytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    if (this.length + n > this.buf.length) this.reserve(n);
    const buf = this.buf;
    let at = this.length;
    if (n < SHORT_COPY) {
      for (let i = start; i < end; i++) buf[at++] = src[i] as number;
    } else {
      buf.set(src.subarray(start, end), at);
    }
    this.length += n;
  }

  /** Text known to be ASCII (one byte per character). */
  pushAscii(text: string): void {
    const n = text.length;
    if (this.length + n > this.buf.length) this.reserve(n);
    if (n < SHORT_COPY) {
      const buf = this.buf;
      let at = this.length;
      for (let i = 0; i < n; i++) buf[at++] = text.charCodeAt(i);
      this.length = at;
    } else {
      this.length += this.buf.write(text, this.length, 'latin1');
    }
  }

  /** Any text, as UTF-8 (a lone surrogate becomes U+FFFD, as Buffer.from would make it). */
  pushString(text: string): void {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    if (this.length + text.length * 3 > this.buf.length) this.reserve(text.length * 3);
    this.length += this.buf.write(text, this.length, 'utf8');
  }

  /** A detached copy of [from, to). */
  copy(from: number, to: number): Buffer {
    if (from < 0 || to > this.length || from > to) throw new InternalError(`copy(${from}, ${to}) is outside [0, ${this.length}]`);
    const out = Buffer.allocUnsafe(to - from);
    this.buf.copy(out, 0, from, to);
    return out;
  }

  /** Drops [0, n) and moves the rest to the front. */
  consume(n: number): void {
    if (n < 0 || n > this.length) throw new InternalError(`consume(${n}) is outside [0, ${this.length}]`);
    if (n === 0) return;
    if (n < this.length) this.buf.copyWithin(0, n, this.length);
    this.length -= n;
  }

  truncate(n: number): void {
    if (n < 0 || n > this.length) throw new InternalError(`truncate(${n}) is outside [0, ${this.length}]`);
    this.length = n;
  }
}
