/**
 * Where the bytes go. A file is written to a temp file in the same folder, flushed to disk, then
 * renamed over the target: readers never see half a file, and on failure the target is untouched
 * and the temp file removed.
 */
import { unlinkSync, type WriteStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
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
  readonly tempPath: string;
}

function explain(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `cannot write ${path}: the folder ${dirname(path)} does not exist`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `cannot write ${path}: permission denied in ${dirname(path)}`;
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

export function outputError(error: unknown, path: string): OutputError {
  return error instanceof OutputError ? error : new OutputError(explain(error, path), { cause: error });
}

/** Opens the temp file now, so a bad output path fails before any request is made. */
export async function openFileSink(path: string): Promise<FileSink> {
  try {
    const target = await stat(path);
    if (target.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(error, path);
  }
  const tempPath = join(dirname(path), `.${basename(path)}.sheetpipe-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(tempPath, 'wx', 0o644);
  } catch (error) {
    throw outputError(error, path);
  }
  const stream = handle.createWriteStream();
  let settled = false;
  const closed = () => new Promise<void>((resolve) => (stream.closed ? resolve() : stream.once('close', () => resolve())));
  const discard = async () => {
    if (settled) return;
    settled = true;
    if (!stream.destroyed) stream.destroy();
    await closed();
    await unlink(tempPath).catch(() => undefined);
  };
  return {
    stream,
    tempPath,
    discard,
    async commit() {
      try {
        await closed();
        const h = await open(tempPath, 'r+');
        try {
          await h.sync();
        } finally {
          await h.close();
        }
        await rename(tempPath, path);
        settled = true;
      } catch (error) {
        await discard();
        throw outputError(error, path);
      }
    },
    discardSync() {
      if (settled) return;
      settled = true;
      try {
        unlinkSync(tempPath);
      } catch {
        // already gone
      }
    },
  };
}
