/**
 * A folder written as one set: every file goes to a temp file in the folder; only once all of them
 * are complete are they renamed into place, then the manifest last (a committer's `_SUCCESS`).
 * Until then, and on any failure, the folder is exactly as it was: old files, old manifest, no temp
 * files, and a folder this run created is removed again. A rename that fails part-way is undone:
 * each old file is kept reachable by a hard link until the whole set is in place.
 */
import { constants, rmdirSync } from 'node:fs';
import { access, link, mkdir, readlink, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Write, endOf, writerFor } from './destination.js';
import { OutputError, UsageError, showInput } from '../shared/errors.js';
import { type WrittenBytes, byteChain } from './file-bytes.js';
import { MANIFEST_NAME } from './manifest.js';
import { type FileSink, openFileSink, outputError, siblingTemp, syncFolder } from './sink.js';

export interface FolderSet {
  dir: string;
  /** Opens the temp file of `name` and returns where its bytes go. */
  open(name: string): Promise<Write>;
  /** Ends every file opened, in order; resolves with each one's size and hash once on disk. */
  finish(): Promise<WrittenBytes[]>;
  /** Writes the manifest, then renames every file into place and the manifest last. */
  commit(manifest: string): Promise<void>;
  /** Removes every temp file (and the folder, if this run created it); the set is left as it was. */
  discard(): Promise<void>;
  /** The same, synchronously: for a forced exit. */
  discardSync(): void;
  /** The path whose own write failed with `error`, if one did. */
  failedPath(error: unknown): string | undefined;
}

interface Entry {
  path: string;
  sink: FileSink;
  input: ReturnType<typeof byteChain>['input'];
  done: Promise<WrittenBytes>;
}

const isFileError = (dir: string, label: string) =>
  new UsageError(
    `${label} ${showInput(dir, 80)} is a file: several ranges, or every tab, are written one file each into a folder; name a folder (a new one is created)`,
  );

/** Why the folder itself cannot take new files: named as the folder, not its parent. */
function folderError(error: unknown, dir: string): OutputError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM')
    return new OutputError(`cannot write into the folder ${dir}: permission denied`, { cause: error });
  if (code === 'EROFS') return new OutputError(`cannot write into the folder ${dir}: it is on a read-only file system`, { cause: error });
  return outputError(error, dir);
}

/** A folder that cannot be created: a missing parent, a dangling link in its place. */
async function creationError(error: unknown, dir: string): Promise<OutputError> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new OutputError(`cannot create the folder ${dir}: ${dirname(dir)} does not exist`, { cause: error });
  if (code === 'EEXIST') {
    const link = await readlink(dir).catch(() => undefined);
    if (link !== undefined)
      return new OutputError(
        `cannot create the folder ${dir}: it is a symbolic link to ${link}, which does not exist; create that folder, or name another`,
        { cause: error },
      );
  }
  return folderError(error, dir);
}

/**
 * Checks (or creates) the folder before any request: an existing file there is a usage error
 * (`label` spells the option: `-o`, `output`); a missing folder is created when its parent exists.
 */
async function prepare(dir: string, label: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) throw isFileError(dir, label);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') {
      // `afile/` is the file `afile`, named as a folder; in `afile/sub` the file is on the way.
      const named = dir.replace(/\/+$/, '');
      if (named !== dir && (await stat(named).catch(() => undefined))?.isFile()) throw isFileError(dir, label);
      throw new OutputError(`cannot create the folder ${dir}: ${dirname(dir)} is not a folder (a file is in the way)`, { cause: error });
    }
    if (code !== 'ENOENT') throw folderError(error, dir);
    try {
      await mkdir(dir);
      return true;
    } catch (failed) {
      throw await creationError(failed, dir);
    }
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw folderError(error, dir);
  }
  return false;
}

export interface FolderOptions {
  gzip: boolean;
  /** Spells the output option in messages: `-o`, `output`. */
  label: string;
  /**
   * Called, as it happens, with a file's own write error (a full disk): the caller stops the run at
   * once, before that error reaches a request's reader as a failed write.
   */
  onError?: (error: unknown) => void;
}

export async function openFolder(dir: string, options: FolderOptions): Promise<FolderSet> {
  const created = await prepare(dir, options.label);
  const entries: Entry[] = [];
  let manifest: FileSink | undefined;
  const sinks = () => [...entries.map((e) => e.sink), ...(manifest ? [manifest] : [])];

  const removeCreated = async () => {
    if (created) await rmdir(dir).catch(() => undefined);
  };

  return {
    dir,
    async open(name) {
      const path = join(dir, name);
      const sink = await openFileSink(path);
      const { onError } = options;
      if (onError) {
        sink.stream.on('error', (error) => {
          if (sink.failedWith(error)) onError(error);
        });
      }
      const { input, done } = byteChain(sink.stream, { gzip: options.gzip });
      entries.push({ path, sink, input, done });
      return writerFor(input);
    },
    finish() {
      return Promise.all(
        entries.map(async (entry) => {
          await endOf(entry.input);
          const written = await entry.done;
          await entry.sink.finish();
          return written;
        }),
      );
    },
    async commit(text) {
      // Written before any rename: a disk too full for it leaves the folder as it was.
      manifest = await openFileSink(join(dir, MANIFEST_NAME));
      manifest.stream.end(text);
      await manifest.finish();
      await renameAll([...entries.map((e) => e.sink), manifest], dir);
      await syncFolder(dir, dir);
    },
    async discard() {
      for (const sink of sinks()) await sink.discard();
      await removeCreated();
    },
    discardSync() {
      for (const sink of sinks()) sink.discardSync();
      if (created) {
        try {
          rmdirSync(dir);
        } catch {
          // not empty, or gone
        }
      }
    },
    failedPath(error) {
      const entry = entries.find((e) => e.sink.failedWith(error));
      if (entry) return entry.path;
      return manifest?.failedWith(error) ? join(dir, MANIFEST_NAME) : undefined;
    },
  };
}

/** A hard link to the file a rename will replace, so that the rename can be undone. */
async function keep(target: string | undefined): Promise<string | undefined> {
  if (target === undefined) return undefined;
  const backup = siblingTemp(target);
  try {
    await link(target, backup);
    return backup;
  } catch {
    // No old file (ENOENT), or a file system without hard links: nothing to restore it from.
    return undefined;
  }
}

/**
 * Renames each sink's temp file over its target, in order. If one fails, those already renamed are
 * put back (the old file from its link, a new one removed) before the error is thrown.
 */
async function renameAll(sinks: readonly FileSink[], dir: string): Promise<void> {
  const backups: (string | undefined)[] = [];
  const existed: boolean[] = [];
  for (const sink of sinks) {
    existed.push(
      sink.target !== undefined &&
        (await stat(sink.target).then(
          () => true,
          () => false,
        )),
    );
    backups.push(await keep(sink.target));
  }
  let renamed = 0;
  try {
    for (const sink of sinks) {
      await sink.commit({ syncFolder: false });
      renamed += 1;
    }
  } catch (error) {
    let lost = 0;
    for (let i = renamed - 1; i >= 0; i--) {
      const target = sinks[i]?.target;
      const backup = backups[i];
      if (target === undefined) continue;
      if (backup !== undefined) await rename(backup, target).catch(() => (lost += 1));
      else if (existed[i]) lost += 1;
      else await unlink(target).catch(() => undefined);
    }
    if (lost > 0) {
      const message = error instanceof Error ? error.message : String(error);
      throw new OutputError(`${message}; ${lost} file(s) in ${dir} already replaced could not be put back`, { cause: error });
    }
    throw error;
  } finally {
    for (const backup of backups) if (backup !== undefined) await unlink(backup).catch(() => undefined);
  }
}
