/**
 * The process edge: argv in, exit code out. The only module that touches `process`: signals,
 * warnings, stdout and stderr, and the final error line. Commands load only when run.
 */
import type { Command, CommandIo } from './commands/context.js';
import {
  BrokenPipe,
  ExitCode,
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
  // A library's process warning (google-auth-library's MetadataLookupWarning, say) would follow our
  // one-line error with lines of its own: none reach stderr, and --verbose shows each as one line.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (verbose) printLine(`sheetpipe: warning: ${oneLine(`${warning.name}: ${warning.message}`)}`);
  });
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
    return report(error, stderr, verbose);
  }
}

/** The one line a failure prints (and its cause, with --verbose); returns the exit code. */
function report(error: unknown, stderr: NodeJS.WriteStream, verbose: boolean): number {
  if (error instanceof BrokenPipe) return ExitCode.ok;
  if (error instanceof InterruptedError) return error.exitCode;
  if (error instanceof SheetpipeError) {
    stderr.write(`sheetpipe: ${oneLine(error.message)}\n`);
    if (verbose && error.cause) stderr.write(`${redact(String((error.cause as Error).stack ?? error.cause))}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`sheetpipe: unexpected error: ${oneLine(message)} (rerun with --verbose for details, and report it)\n`);
  if (verbose && error instanceof Error) stderr.write(`${redact(error.stack ?? '')}\n`);
  return ExitCode.failed;
}
