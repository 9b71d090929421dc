/**
 * Where the bytes go. A file is written to a temp file in the same folder, flushed to disk, then
 * renamed over the target, and the folder flushed so the rename survives a crash: readers never
 * see half a file, and on failure the target is untouched and the temp file removed. The new file
 * keeps the old one's mode (and, when running as root, its owner); a new target gets what `>` gives.
 */
import { createWriteStream, existsSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import { type FileHandle, lstat, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutputError } from '../shared/errors.js';

export interface FileSink {
  stream: WriteStream;
  /** The path a commit renames the temp file over; undefined when the target is written in place. */
  target?: string;
  /** Resolves once the stream is closed, its data on disk; rejects with the stream's own error. */
  finish(): Promise<void>;
  /**
   * Flushes and renames the temp file over the target, then flushes the folder (unless `syncFolder`
   * is false: a caller renaming several files flushes the folder once, after the last).
   */
  commit(options?: { syncFolder?: boolean }): Promise<void>;
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
      return `cannot write ${path}: it is a folder; name a file in it, or give --all-sheets or several ranges to write one file each into it`;
    case 'ENOTDIR':
      return `cannot write ${path}: ${fileInTheWay(path)} is not a folder (a file is in the way)`;
    default:
      return `cannot write ${path}: ${code ?? (error as Error).message}`;
  }
}

/** The nearest folder of `path` that is a file: what ENOTDIR is about. */
function fileInTheWay(path: string): string {
  let folder = dirname(path);
  for (let parent = dirname(folder); folder !== parent; folder = parent, parent = dirname(folder)) {
    if (statSync(folder, { throwIfNoEntry: false })?.isFile()) return folder;
  }
  return dirname(path);
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

/** A stream's close, or its error: a flush that failed at the end fails the file. */
async function finished(stream: WriteStream): Promise<void> {
  await whenClosed(stream);
  if (stream.errored) throw stream.errored;
}

/** A hidden name beside `path` for a file of this run: `.orders.csv.sheetpipe-PID-RANDOM.tmp`. */
export function siblingTemp(path: string): string {
  return join(dirname(path), `.${basename(path)}.sheetpipe-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

export function outputError(error: unknown, path: string): OutputError {
  return error instanceof OutputError ? error : new OutputError(explain(error, path), { cause: error });
}

/** A process's open files: `/proc/self/fd` (or `/proc/PID/fd`), which `/dev/fd`, `/dev/stdout` and `/dev/stderr` lead to. */
const DESCRIPTORS = /^\/proc\/(self|\d+)\/fd$/;

/**
 * The open file `path` names, when following its links leads through a descriptor folder
 * (`/dev/stdout`, `/dev/fd/3`): the file behind it is whatever the shell opened there
 * (`>> app.csv`), to be written through, never replaced. `fd` is set when it is this process's own.
 */
async function openFileNamed(path: string): Promise<{ fd: number | undefined } | undefined> {
  let hop = resolve(path);
  for (let links = 0; links < 40; links++) {
    const folder = await realpath(dirname(hop)).catch(() => undefined);
    const owner = folder === undefined ? undefined : DESCRIPTORS.exec(folder)?.[1];
    if (owner !== undefined) {
      const fd = Number(basename(hop));
      return { fd: Number.isInteger(fd) && (owner === 'self' || Number(owner) === process.pid) ? fd : undefined };
    }
    const info = await lstat(hop).catch(() => undefined);
    if (!info?.isSymbolicLink()) return undefined;
    hop = resolve(dirname(hop), await readlink(hop));
  }
  return undefined;
}

/**
 * Opens the temp file now, so a bad output path fails before any request is made. A target that
 * is not a regular file the user named is written in place, as `>` would write it: a device or a
 * FIFO (renaming over it would replace it), and an open file of this process such as `/dev/stdout`
 * (appended to, so that `-o /dev/stdout >> app.csv` keeps app.csv's earlier lines). Any other
 * symlink is followed, so the file it points at is replaced.
 */
export async function openFileSink(requested: string): Promise<FileSink> {
  let path = requested;
  let old: Owner | undefined;
  try {
    const target = await stat(requested);
    if (target.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    if (!target.isFile()) return openInPlace(requested, 'w');
    const named = await openFileNamed(requested);
    if (named) return named.fd !== undefined ? openDescriptor(named.fd, requested) : openInPlace(requested, 'a');
    path = await realpath(requested);
    old = { mode: target.mode & 0o7777, uid: target.uid, gid: target.gid };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(error, requested);
  }
  const tempPath = siblingTemp(path);
  let handle;
  try {
    // A new file: 0666 less the umask, as `>` would create it. Replacing one: created owner-only,
    // then given the old file's owner and mode before any data is written.
    handle = await open(tempPath, 'wx', old ? 0o600 : 0o666);
  } catch (error) {
    throw outputError(error, requested);
  }
  if (old) {
    try {
      await takeOwner(handle, old);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(tempPath).catch(() => undefined);
      throw outputError(error, requested);
    }
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
    target: path,
    discard,
    failedWith,
    finish: () => finished(stream),
    async commit({ syncFolder: sync = true } = {}) {
      try {
        await finished(stream);
        await rename(tempPath, path);
        committed = true;
      } catch (error) {
        await discard();
        throw outputError(error, requested);
      }
      if (sync) await syncFolder(dirname(path), requested);
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

interface Owner {
  mode: number;
  uid: number;
  gid: number;
}

/** Errors that mean the file system or the user namespace keeps no such owner or mode: skipped. */
const REFUSED = new Set(['EPERM', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

async function unlessRefused(step: Promise<void>): Promise<void> {
  try {
    await step;
  } catch (error) {
    if (!REFUSED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}

/**
 * Gives the temp file the old file's owner and mode. Only root may give a file away, so the owner
 * is set only then; chown goes first because it clears set-user/group-ID bits. Where the file
 * system refuses either, the temp file stays owner-only: never more readable than the old file.
 */
async function takeOwner(handle: FileHandle, old: Owner): Promise<void> {
  if (process.getuid?.() === 0) {
    const mine = await handle.stat();
    if (mine.uid !== old.uid || mine.gid !== old.gid) await unlessRefused(handle.chown(old.uid, old.gid));
  }
  await unlessRefused(handle.chmod(old.mode));
}

/** How a file system (or a folder we may not read) refuses to flush a folder: the rename stands. */
const NO_FOLDER_SYNC = new Set(['EINVAL', 'EISDIR', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EBADF', 'EPERM', 'EACCES']);

/** Flushes the folder's entries, so the renames in it are on disk; `requested` names what was written. */
export async function syncFolder(dir: string, requested: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (NO_FOLDER_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) return;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new OutputError(
      `wrote ${requested}, but flushing the folder ${dir} failed (${code}): the file may not survive a crash; check the disk`,
      { cause: error },
    );
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * One of this process's open files (`/dev/stdout` when stdout is a file): written through its own
 * descriptor, so that the bytes land where the shell's redirection puts them (its offset, `>>`'s
 * append) and interleave in order with anything else written there. The descriptor stays open.
 */
function openDescriptor(fd: number, path: string): FileSink {
  const stream = createWriteStream('', { fd, autoClose: false });
  const failedWith = recordErrors(stream);
  const written = (): Promise<void> =>
    new Promise((resolve, reject) => {
      if (stream.errored) reject(stream.errored);
      else if (stream.writableFinished) resolve();
      else {
        stream.once('finish', () => resolve());
        stream.once('error', reject);
      }
    });
  return {
    stream,
    failedWith,
    finish: written,
    async commit() {
      try {
        await written();
      } catch (error) {
        throw outputError(error, path);
      }
    },
    async discard() {
      if (!stream.destroyed) stream.destroy();
    },
    discardSync: () => undefined,
  };
}

/** `flags`: 'w' for a device or a FIFO, 'a' for another process's open file (its offset and mode are its own). */
async function openInPlace(path: string, flags: 'w' | 'a'): Promise<FileSink> {
  let handle;
  try {
    handle = await open(path, flags);
  } catch (error) {
    throw outputError(error, path);
  }
  const stream = handle.createWriteStream();
  return {
    stream,
    failedWith: recordErrors(stream),
    finish: () => finished(stream),
    async commit() {
      try {
        await finished(stream);
      } catch (error) {
        throw outputError(error, path);
      }
    },
    async discard() {
      if (!stream.destroyed) stream.destroy();
      await whenClosed(stream);
    },
    discardSync: () => undefined,
  };
}
