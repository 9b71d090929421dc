/**
 * A Writable as the place rows go: a write resolves once the stream drains and rejects with the
 * stream's own error, so a full disk or a reader gone stops the export.
 */
import type { Writable } from 'node:stream';
import { BrokenPipe, OutputError } from '../shared/errors.js';

export type Write = (chunk: Buffer) => Promise<void> | void;

export function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' || error instanceof BrokenPipe;
}

export function writerFor(destination: Writable): Write {
  return (chunk) => {
    if (destination.errored) throw destination.errored;
    if (destination.destroyed || destination.writableEnded) throw new BrokenPipe();
    if (destination.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        destination.off('drain', drained);
        destination.off('error', failed);
        destination.off('close', closed);
        if (error === undefined) resolve();
        else reject(error);
      };
      const drained = () => settle();
      const failed = (error: unknown) => settle(error);
      const closed = () => settle(destination.errored ?? new BrokenPipe());
      destination.on('drain', drained);
      destination.on('error', failed);
      destination.on('close', closed);
    });
  };
}

/** Ends a stream and resolves once everything is flushed, or rejects with its error. */
export function endOf(destination: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    destination.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

/** What a failed write to stdout means: stdout is a file, a device or a pipe the shell chose. */
const STDOUT_FAILURES: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EFBIG: 'the file is larger than this system allows',
  EIO: 'an input/output error',
  EDQUOT: 'the disk quota is used up',
};

/** A write to stdout that failed (ENOSPC, EIO, EFBIG...) as the output family's error; undefined for any other error. */
export function stdoutFailure(error: unknown): OutputError | undefined {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  if (syscall !== 'write' || code === undefined || code === 'EPIPE') return undefined;
  const what = STDOUT_FAILURES[code] ?? code;
  return new OutputError(`cannot write to stdout: ${what} (${code}); the output is incomplete`, { cause: error });
}
