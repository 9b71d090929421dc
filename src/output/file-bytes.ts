/**
 * What stands between an export's bytes and its file: gzip when asked, and a tap that counts and
 * hashes the bytes as they reach the file (the manifest's `bytes` and `sha256`). Streaming: memory
 * stays at the streams' buffers whatever the file's size.
 */
import { createHash } from 'node:crypto';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface WrittenBytes {
  /** Bytes that reached the file. */
  bytes: number;
  /** Hex SHA-256 of those bytes. */
  sha256: string;
}

export interface ByteChain {
  /** Where the export writes. */
  input: Writable;
  /** Resolves once `input` has ended and every byte reached the file; rejects with any stage's error. */
  done: Promise<WrittenBytes>;
}

/** `input` → [gzip] → count and hash → `file`. An error anywhere destroys every stage with it. */
export function byteChain(file: Writable, options: { gzip: boolean }): ByteChain {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  const stages: [Writable, ...Transform[]] = options.gzip ? [createGzip(), tap] : [tap];
  const done = pipeline([...stages, file]).then(() => ({ bytes, sha256: hash.digest('hex') }));
  // Awaited by whoever commits; a run that fails first never awaits it.
  done.catch(() => undefined);
  return { input: stages[0], done };
}
