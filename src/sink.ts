/**
 * Where the bytes go. A file is written to a temp file in the same folder, flushed to disk, then
 * renamed over the target: readers never see half a file, and on failure the target is untouched
 * and the temp file removed.
 */
import { existsSync, unlinkSync, type WriteStream } from 'node:fs';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutputError } from './errors.js';

export interface FileSink {
  stream: WriteStream;
  /** Flushes and renames the temp file over the target. */
  commit(): Promise<void>;
  /** Removes the temp file; the target is left as it was. */
  discard(): Promise<void>;
  /** The same, synchronously: for a forced exit. */
  discardSync(): void;
  /** True when `error` came from writing the file (not from the data's side of the pipeline). */
  failedWith(error: unknown): boolean;
}

function explain(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return existsSync(dirname(path))
        ? `cannot write ${path}: files cannot be created in ${dirname(path)}`
        : `cannot write ${path}: the folder ${dirname(path)} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `cannot write ${path}: permission denied in ${dirname(path)}`;
    case 'EROFS':
      return `cannot write ${path}: ${dirname(path)} is on a read-only file system`;
    case 'ENOSPC':
      return `cannot write ${path}: the disk is full; ${path} was left as it was`;
    case 'EFBIG':
      return `cannot write ${path}: the file is larger than this system allows; ${path} was left as it was`;
    case 'EISDIR':
      return `cannot write ${path}: it is a folder`;
    default:
      return `cannot write ${path}: ${code ?? (error as Error).message}`;
  }
}

/**
 * Remembers the stream's own I/O errors, so that a caller can tell them from errors elsewhere.
 * A pipeline also destroys the stream with the source's error; that one has no syscall.
 */
function recordErrors(stream: WriteStream): (error: unknown) => boolean {
  const seen = new Set<unknown>();
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.syscall) seen.add(error);
  });
  return (error) => seen.has(error);
}

function whenClosed(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => (stream.closed ? resolve() : stream.once('close', () => resolve())));
}

export function outputError(error: unknown, path: string): OutputError {
  return error instanceof OutputError ? error : new OutputError(explain(error, path), { cause: error });
}

/**
 * Opens the temp file now, so a bad output path fails before any request is made. A target that
 * exists but is not a regular file (/dev/null, a FIFO) is written in place: renaming over it
 * would replace the device. A symlink is followed, so the file it points at is replaced.
 */
export async function openFileSink(requested: string): Promise<FileSink> {
  let path = requested;
  try {
    const target = await stat(requested);
    if (target.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    if (!target.isFile()) return openInPlace(requested);
    path = await realpath(requested);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(error, requested);
  }
  const tempPath = join(dirname(path), `.${basename(path)}.sheetpipe-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(tempPath, 'wx', 0o644);
  } catch (error) {
    throw outputError(error, requested);
  }
  // flush: the data is on disk before the rename makes it the target.
  const stream = handle.createWriteStream({ flush: true });
  const failedWith = recordErrors(stream);
  // Only a finished rename makes the temp file the target; until then every path removes it.
  let committed = false;
  const discard = async () => {
    if (committed) return;
    if (!stream.destroyed) stream.destroy();
    await whenClosed(stream);
    await unlink(tempPath).catch(() => undefined);
  };
  return {
    stream,
    discard,
    failedWith,
    async commit() {
      try {
        await whenClosed(stream);
        await rename(tempPath, path);
        committed = true;
      } catch (error) {
        await discard();
        throw outputError(error, requested);
      }
    },
    discardSync() {
      if (committed) return;
      try {
        unlinkSync(tempPath);
      } catch {
        // already gone
      }
    },
  };
}

async function openInPlace(path: string): Promise<FileSink> {
  let handle;
  try {
    handle = await open(path, 'w');
  } catch (error) {
    throw outputError(error, path);
  }
  const stream = handle.createWriteStream();
  return {
    stream,
    failedWith: recordErrors(stream),
    commit: () => whenClosed(stream),
    async discard() {
      if (!stream.destroyed) stream.destroy();
      await whenClosed(stream);
    },
    discardSync: () => undefined,
  };
}
