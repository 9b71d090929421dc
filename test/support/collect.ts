/** A Writable that keeps what it is given, for comparing an export's bytes. */
import { Writable } from 'node:stream';

export function collector(): { stream: Writable; bytes: () => Buffer; text: () => string; writes: () => number } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const bytes = () => Buffer.concat(chunks);
  return { stream, bytes, text: () => bytes().toString('utf8'), writes: () => chunks.length };
}
