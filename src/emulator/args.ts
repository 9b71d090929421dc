/**
 * The emulator's options, from argv or from code: each through the option table's rule, then the
 * rules between them. Absent options stay absent: the emulator fills in its defaults (options.ts).
 */
import { unexpectedArgument } from '../options/rules.js';
import { type ValuesOf, commandValues } from '../options/table.js';
import { UsageError } from '../shared/errors.js';
import { formatCount } from '../shared/plural.js';
import { type RowEdit, EDIT_KINDS } from './edits.js';
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
  for (const spec of v.edit ?? []) parseEdit(spec);
  // The demo spreadsheet's tabs are fixed: a shape given without --rows would be silently ignored.
  if (v.data === undefined && v.rows === undefined && v.cols !== undefined) {
    throw new UsageError('--cols shapes a generated tab: add --rows N (the demo spreadsheet has fixed tabs)');
  }
  return v;
}

/** An edit of --edit: the edit, and the values request after whose answer it is made. */
export interface TimedEdit {
  edit: RowEdit;
  after: number;
}

const EDIT_SPEC = /^(?:(.+)!)?([a-z]+):(?:(\d+):)?(\d+)@(\d+)$/;

/** `insert:1500:3@2`, `Orders!delete:10:2@1`, `append:5@3` → the edit and its request. */
export function parseEdit(spec: string): TimedEdit {
  const m = EDIT_SPEC.exec(spec.trim());
  const kind = m?.[2] as RowEdit['kind'] | undefined;
  const bad = (why: string) =>
    new UsageError(
      `--edit ${JSON.stringify(spec)}: ${why} (KIND:ROW:ROWS@N, e.g. insert:1500:3@2, or append:ROWS@N; KIND is ${EDIT_KINDS.join(', ')})`,
    );
  if (!m || kind === undefined) throw bad('not an edit');
  if (!(EDIT_KINDS as readonly string[]).includes(kind)) throw bad(`no edit is called "${kind}"`);
  const [at, rows] = m[3] === undefined ? [undefined, Number(m[4])] : [Number(m[3]), Number(m[4])];
  if ((kind === 'append') !== (at === undefined))
    throw bad(kind === 'append' ? 'append takes no row' : `${kind} needs the row it is made at`);
  const after = Number(m[5]);
  if (rows < 1 || after < 1 || (at !== undefined && at < 1)) throw bad('rows, the row and the request count from 1');
  return { edit: { kind, at, rows, tab: m[1] }, after };
}
