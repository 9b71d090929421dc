/**
 * What a command gets from the process edge (src/cli.ts): its arguments, the streams, the
 * environment and the run's signal. Commands never touch `process` themselves.
 */
import type { ConnectionConfig } from '../options/config.js';
import type { ExportEvents } from '../engine/run.js';
import { checkCredentials } from '../google/credentials.js';

export interface CommandArgs {
  /** Raw option values by key, as the command line gave them. */
  values: Record<string, unknown>;
  positionals: string[];
}

export interface CommandIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Aborted by SIGHUP, SIGINT, SIGTERM, or stdout's reader going away (reason: BrokenPipe). */
  signal: AbortSignal;
  /** Runs, synchronously, if a second signal forces the exit: removes a temp file. */
  onForcedExit(cleanup: () => void): void;
  /** Once the options are read: with --verbose, library warnings and error causes are printed. */
  setVerbose(verbose: boolean): void;
  /** A signal is this command's normal end: no "interrupted" line. */
  expectSignals(): void;
  /**
   * The edge's own lines during a run (`interrupted by SIGINT`, a --verbose process warning) are
   * printed by `print`: the progress display, which puts them above a bar drawn on stderr's line.
   */
  printLinesWith(print: (line: string) => void): void;
}

/** A command: resolves with the exit code, or throws a typed error that the edge prints. */
export type Command = (args: CommandArgs, io: CommandIo) => Promise<number>;

/** A command's modules (the engine, progress, sinks) load while the credentials file is read. */
export async function loadWhileCheckingCredentials<T>(config: Pick<ConnectionConfig, 'credentials'>, modules: Promise<T>): Promise<T> {
  // Left behind if the check throws: its failure (a broken install) is reported when awaited, not as a crash.
  modules.catch(() => undefined);
  await checkCredentials(config.credentials, '--credentials');
  return modules;
}

/**
 * A read of a few requests (`sheets`, `schema`): the engine loads while the credentials are
 * checked; no bar, but retries are announced as in an export.
 */
export async function readAnnounced<T>(
  config: ConnectionConfig,
  io: CommandIo,
  read: (engine: typeof import('../engine/run.js'), events: ExportEvents) => Promise<T>,
): Promise<T> {
  io.setVerbose(config.verbose);
  const [engine, { attachProgress }] = await loadWhileCheckingCredentials(
    config,
    Promise.all([import('../engine/run.js'), import('./progress.js')]),
  );
  const events = new engine.ExportEvents();
  const progress = await attachProgress(events, { stream: io.stderr, mode: 'off', quiet: config.quiet, verbose: config.verbose });
  try {
    return await read(engine, events);
  } finally {
    progress.stop('done');
  }
}
