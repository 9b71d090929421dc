/**
 * Help on stdout (exit 0) when asked for; the short usage on stderr (exit 2) when sheetpipe is run
 * with no arguments at all.
 */
import { ExitCode } from '../shared/errors.js';
import { helpText, shortUsage } from '../options/help.js';
import type { CommandName } from '../options/table.js';
import type { CommandIo } from './context.js';

export function help(command: CommandName | undefined, io: Pick<CommandIo, 'stdout'>): number {
  io.stdout.write(helpText(command, io.stdout.isTTY ? io.stdout.columns : 100));
  return ExitCode.ok;
}

export function usage(io: Pick<CommandIo, 'stderr'>): number {
  io.stderr.write(shortUsage());
  return ExitCode.usage;
}
