import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteBuffer } from '../src/transcode/bytes.js';
import { InternalError } from '../src/shared/errors.js';

type Op =
  | { op: 'byte'; value: number }
  | { op: 'bytes'; data: Uint8Array; start: number; end: number }
  | { op: 'ascii'; text: string }
  | { op: 'string'; text: string }
  | { op: 'consume'; fraction: number }
  | { op: 'truncate'; fraction: number };

const ops: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((value) => ({ op: 'byte' as const, value })),
  fc
    .uint8Array({ maxLength: 100 })
    .chain((data) => fc.tuple(fc.constant(data), fc.nat({ max: data.length }), fc.nat({ max: data.length })))
    .map(([data, a, b]) => ({ op: 'bytes' as const, data, start: Math.min(a, b), end: Math.max(a, b) })),
  fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((text) => ({ op: 'ascii' as const, text })),
  fc.string({ unit: 'binary', maxLength: 30 }).map((text) => ({ op: 'string' as const, text })),
  fc.double({ min: 0, max: 1, noNaN: true }).map((fraction) => ({ op: 'consume' as const, fraction })),
  fc.double({ min: 0, max: 1, noNaN: true }).map((fraction) => ({ op: 'truncate' as const, fraction })),
);

describe('ByteBuffer', () => {
  it('holds exactly what a plain byte array model holds, through growth, consume and truncate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(ops, { maxLength: 60 }), (capacity, list) => {
        const b = new ByteBuffer(capacity);
        let model: number[] = [];
        for (const o of list) {
          if (o.op === 'byte') {
            b.pushByte(o.value);
            model.push(o.value);
          } else if (o.op === 'bytes') {
            b.pushBytes(o.data, o.start, o.end);
            model.push(...o.data.subarray(o.start, o.end));
          } else if (o.op === 'ascii') {
            b.pushAscii(o.text);
            model.push(...Buffer.from(o.text, 'latin1'));
          } else if (o.op === 'string') {
            b.pushString(o.text);
            model.push(...Buffer.from(o.text, 'utf8'));
          } else if (o.op === 'consume') {
            const n = Math.floor(o.fraction * model.length);
            b.consume(n);
            model = model.slice(n);
          } else {
            const n = Math.floor(o.fraction * model.length);
            b.truncate(n);
            model = model.slice(0, n);
          }
          expect(b.length).toBe(model.length);
        }
        expect([...b.copy(0, b.length)]).toEqual(model);
      }),
      { numRuns: 500 },
    );
  });

  it('copy is detached from later writes', () => {
    const b = new ByteBuffer(4);
    b.pushAscii('abcd');
    const copy = b.copy(1, 3);
    b.truncate(0);
    b.pushAscii('zzzz');
    expect(copy.toString()).toBe('bc');
  });

  it('pushString writes UTF-8 (a lone surrogate as U+FFFD, as Buffer.from does)', () => {
    const b = new ByteBuffer(1);
    b.pushString('é🚀\ud800');
    expect(b.copy(0, b.length).equals(Buffer.from('é🚀\ud800', 'utf8'))).toBe(true);
  });

  it('refuses ranges outside its content: a bug, not a failure of the input', () => {
    const b = new ByteBuffer();
    b.pushAscii('abc');
    expect(() => b.copy(2, 4)).toThrow(InternalError);
    expect(() => b.consume(4)).toThrow(InternalError);
    expect(() => b.truncate(5)).toThrow(InternalError);
    expect(() => b.truncate(-1)).toThrow(InternalError);
  });

  it('reserve makes room without changing the content', () => {
    const b = new ByteBuffer(16);
    b.pushAscii('hello');
    b.reserve(1000);
    expect(b.buf.length).toBeGreaterThanOrEqual(1005);
    expect(b.copy(0, b.length).toString()).toBe('hello');
  });
});
