/**
 * The process edge: argv in, exit code out. The only module that touches `process`: signals,
 * warnings, stdout and stderr, and the final error line. Commands load only when run.
 */
import type { Command, CommandIo } from './commands/context.js';
import {
  AuthError,
  BrokenPipe,
  ExitCode,
  InternalError,
  InterruptedError,
  SheetpipeError,
  type StopSignal,
  oneLine,
  redact,
  signalExitCode,
} from './shared/errors.js';
import { parseCommandLine } from './options/argv.js';
import type { CommandName } from './options/table.js';

const COMMANDS: Readonly<Record<CommandName, () => Promise<{ run: Command }>>> = {
  export: () => import('./commands/export.js'),
  sheets: () => import('./commands/sheets.js'),
  schema: () => import('./commands/schema.js'),
  emulator: () => import('./commands/emulator.js'),
  completion: () => import('./commands/completion.js'),
};

const SIGNALS: readonly StopSignal[] = ['SIGHUP', 'SIGINT', 'SIGTERM'];

/** Runs sheetpipe with `args` (argv without node and script); resolves with the exit code. */
export async function main(args: string[]): Promise<number> {
  const { stdout, stderr } = process;
  let verbose = args.includes('--verbose');
  // A command's progress display may take this over: a bar on stderr's line prints lines above itself.
  let printLine = (line: string): void => {
    stderr.write(`${line}\n`);
  };
  const warnings = libraryWarnings((line) => {
    if (verbose) printLine(line);
  });
  process.removeAllListeners('warning');
  process.on('warning', warnings.raised);
  // After SIGHUP the terminal may be gone: a message that cannot be written is not a crash.
  stderr.on('error', () => undefined);

  const controller = new AbortController();
  let forcedCleanup: (() => void) | undefined;
  let interrupted = false;
  let announceInterrupt = true;
  const onSignal = (signal: StopSignal) => {
    if (interrupted) {
      // A second signal: leave now, removing the temp file on the way out.
      forcedCleanup?.();
      process.exit(signalExitCode(signal));
    }
    interrupted = true;
    // Say so at once; the cleanup that follows takes a moment.
    if (announceInterrupt) printLine(`sheetpipe: interrupted by ${signal}`);
    controller.abort(new InterruptedError(signal));
  };
  for (const signal of SIGNALS) process.on(signal, () => onSignal(signal));
  // A reader that went away is a normal end for a pipe tool, not a crash.
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') controller.abort(new BrokenPipe());
  });

  const io: CommandIo = {
    stdout,
    stderr,
    env: process.env,
    signal: controller.signal,
    onForcedExit: (cleanup) => (forcedCleanup = cleanup),
    setVerbose: (on) => (verbose = on),
    expectSignals: () => (announceInterrupt = false),
    printLinesWith: (print) => (printLine = print),
  };
  let failure: unknown;
  try {
    const invocation = parseCommandLine(args);
    switch (invocation.kind) {
      case 'version': {
        const { version } = await import('./shared/version.js');
        stdout.write(`${version()}\n`);
        return ExitCode.ok;
      }
      case 'usage':
        return (await import('./commands/help.js')).usage(io);
      case 'help':
        return (await import('./commands/help.js')).help(invocation.command, io);
      case 'run': {
        const { run } = await COMMANDS[invocation.command]();
        return await run({ values: invocation.values, positionals: invocation.positionals }, io);
      }
    }
  } catch (error) {
    failure = error;
    return report(error, stderr, verbose);
  } finally {
    warnings.settled(failure);
  }
}

/**
 * Process warnings that libraries raise: none reach stderr on their own (they would surround the
 * one-line error with lines of theirs); `write` (--verbose) shows each as one line (no newline: the writer adds it).
 *
 * google-auth-library's MetadataLookupWarning comes from its probe for a service account attached
 * to the machine, the last place it looks for credentials. When the run then fails on credentials,
 * its error line already says so: that warning waits for the run's end and is dropped then. (It
 * reaches the process before or after the error, depending on the cleanup in between.)
 */
export function libraryWarnings(write: (line: string) => void): {
  raised: (warning: Error) => void;
  settled: (failure: unknown) => void;
} {
  let state: { phase: 'running'; held: Error[] } | { phase: 'settled'; failedOnCredentials: boolean } = { phase: 'running', held: [] };
  const show = (warning: Error) => write(`sheetpipe: warning: ${oneLine(`${warning.name}: ${warning.message}`)}`);
  return {
    raised(warning) {
      if (warning.name !== 'MetadataLookupWarning') show(warning);
      else if (state.phase === 'running') state.held.push(warning);
      else if (!state.failedOnCredentials) show(warning);
    },
    settled(failure) {
      if (state.phase === 'settled') return;
      const { held } = state;
      state = { phase: 'settled', failedOnCredentials: failure instanceof AuthError };
      if (!state.failedOnCredentials) held.forEach(show);
    },
  };
}

/**
 * The one line a failure prints; returns the exit code. An expected failure's line says it all;
 * with --verbose, a bug (an internal or unexpected error) adds its cause's stack, to report.
 */
function report(error: unknown, stderr: NodeJS.WriteStream, verbose: boolean): number {
  if (error instanceof BrokenPipe) return ExitCode.ok;
  if (error instanceof InterruptedError) return error.exitCode;
  if (error instanceof SheetpipeError) {
    stderr.write(`sheetpipe: ${oneLine(error.message)}\n`);
    if (verbose && error instanceof InternalError && error.cause)
      stderr.write(`${redact(String((error.cause as Error).stack ?? error.cause))}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`sheetpipe: unexpected error: ${oneLine(message)} (rerun with --verbose for details, and report it)\n`);
  if (verbose && error instanceof Error) stderr.write(`${redact(error.stack ?? '')}\n`);
  return ExitCode.failed;
}
