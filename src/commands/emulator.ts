/**
 * `sheetpipe emulator`: serve a local Sheets API until a signal stops it (its normal end).
 */
import { ExitCode } from '../shared/errors.js';
import { emulatorArgs } from '../emulator/args.js';
import type { Command } from './context.js';

export const run: Command = async ({ values, positionals }, io) => {
  // Refused before the emulator's modules load; serveEmulator applies the same table to what code passes it.
  const args = emulatorArgs(values, positionals);
  io.expectSignals();
  const { serveEmulator } = await import('../emulator/command.js');
  await serveEmulator(args, { stdout: io.stdout, stderr: io.stderr, signal: io.signal });
  return ExitCode.ok;
};
