/**
 * The emulator's options, from argv or from code: each through the option table's rule, then the
 * rules between them. Absent options stay absent: the emulator fills in its defaults (options.ts).
 */
import { unexpectedArgument } from '../options/rules.js';
import { type ValuesOf, commandValues } from '../options/table.js';
import { UsageError } from '../shared/errors.js';
import { formatCount } from '../shared/plural.js';
import { DEFAULT_COLS } from './options.js';

/** The most cells a spreadsheet may hold. */
const MAX_CELLS = 10_000_000;

export type EmulatorValues = Omit<ValuesOf<'emulator'>, 'help' | 'version'>;

export function emulatorArgs(given: Readonly<Record<string, unknown>>, positionals: readonly string[] = []): EmulatorValues {
  if (positionals.length > 0) throw unexpectedArgument(positionals[0] as string);
  const { help: _help, version: _version, ...v } = commandValues('emulator', given);
  // Only a generated tab (--rows) has a size to check: --cols without --rows is refused below.
  const cells = v.rows === undefined ? 0 : v.rows * (v.cols ?? DEFAULT_COLS);
  if (cells > MAX_CELLS) {
    throw new UsageError(`--rows × --cols is ${formatCount(cells)} cells; a spreadsheet holds at most ${formatCount(MAX_CELLS)}`);
  }
  if (v.data !== undefined && v.data.length > 0 && v.rows === undefined && (v.cols !== undefined || v.seed !== undefined)) {
    throw new UsageError('--cols and --seed shape a generated tab: add --rows to have one next to --data');
  }
  // The demo spreadsheet's tabs are fixed: a shape given without --rows would be silently ignored.
  if (v.data === undefined && v.rows === undefined && v.cols !== undefined) {
    throw new UsageError('--cols shapes a generated tab: add --rows N (the demo spreadsheet has fixed tabs)');
  }
  return v;
}
