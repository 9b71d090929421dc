/**
 * sheetpipe as a library: rows of a Google Sheets range as an async iterable, or a whole export
 * into a writable stream. The options are the command line's, in camelCase, with its values and
 * defaults; a bad one is a UsageError before any request.
 *
 *   for await (const row of readRows({ spreadsheet: ID, range: 'Orders!A:F' })) { ... }
 *   await exportToStream({ spreadsheet: ID, range: 'Orders', format: 'ndjson', render: 'unformatted' }, createWriteStream('o.ndjson'));
 *   const manifest = await exportToFolder({ spreadsheet: ID, output: '/data/shop', gzip: true });
 *   const { columns } = await readSchema({ spreadsheet: ID, range: 'Orders' });
 */
import type { Writable } from 'node:stream';
import { exportFolder } from './engine/folder-export.js';
import type { Manifest } from './output/manifest.js';
import { type ExportOptions, type FolderExportOptions, type StreamExportOptions, engineOptions, folderOptions } from './library.js';
import type { SpreadsheetMeta } from './sheet/resolve.js';
import type { RangeSchema, Row } from './engine/run.js';
import { UsageError } from './shared/errors.js';
import * as engine from './engine/run.js';

/**
 * The rows of a range, in sheet order, as the export writes them: every row padded to the range's
 * width, an empty cell `null`, the header row included. Breaking out of the loop cancels the
 * requests in flight.
 */
export async function* readRows(options: ExportOptions): AsyncGenerator<Row> {
  yield* engine.readRows(await engineOptions(options, 'read'));
}

/**
 * Runs a whole export into `destination` and resolves with the summary. A destination that closes
 * early (EPIPE) stops the export and rejects with BrokenPipe, whose exit code is 0. Does not end
 * process.stdout.
 */
export async function exportToStream(options: StreamExportOptions, destination: Writable): Promise<engine.ExportSummary> {
  return engine.exportToStream(await engineOptions(options, 'stream'), destination);
}

/**
 * Every grid tab (or `ranges`, one file each) into the folder `output`, as one set: the files are
 * renamed into place only once all of them are written, `_manifest.json` last; on any failure the
 * folder is left as it was. Resolves with the manifest.
 */
export async function exportToFolder(options: FolderExportOptions): Promise<Manifest> {
  const checked = await folderOptions(options);
  return (await exportFolder(checked)).manifest;
}

/** The spreadsheet's tabs and named ranges, from one metadata request. */
export async function readSpreadsheetMeta(options: ExportOptions): Promise<SpreadsheetMeta> {
  return engine.readSpreadsheetMeta(await engineOptions(options, 'read'));
}

/**
 * The columns a typed export (`render: 'typed'`) of the range writes: each one's name (the NDJSON
 * key) and type, told from the range's first 1,000 rows; with the range read, the name a table
 * for it takes, and the spreadsheet's locale and time zone. `render`, `dates` and `limit` do not
 * apply: the schema is always of typed values and of those rows.
 */
export async function readSchema(options: ExportOptions): Promise<RangeSchema> {
  const fixed = (['render', 'dates', 'limit'] as const).find(
    (key) => typeof options === 'object' && options !== null && options[key] !== undefined,
  );
  if (fixed)
    throw new UsageError(`readSchema takes no ${fixed}: the schema is that of typed values, told from the range's first 1,000 rows`);
  return engine.readSchema(await engineOptions(options, 'read'));
}

export { ExportEvents } from './engine/run.js';
export type { ExportSummary, ExportEventMap, PlanInfo, RangeSchema, WarningKind } from './engine/run.js';
export type { Column, ColumnType } from './transcode/column-kinds.js';
export type { ExportOptions, StreamExportOptions, FolderExportOptions, RunControls } from './library.js';
export type { Manifest, ManifestFile } from './output/manifest.js';
export type { LibraryInput } from './options/table.js';
export type { Row, Cell } from './engine/run.js';
export type { Format } from './transcode/encode.js';
export { parseA1, formatA1, columnToLetters, lettersToColumn } from './sheet/a1.js';
export type { A1, A1Range, A1Name } from './sheet/a1.js';
export { parseSpreadsheetRef } from './sheet/ref.js';
export type { SpreadsheetRef } from './sheet/ref.js';
export type { SpreadsheetMeta, SheetInfo } from './sheet/resolve.js';
export {
  SheetpipeError,
  UsageError,
  AuthError,
  NotFoundError,
  UnavailableError,
  OutputError,
  ApiError,
  InterruptedError,
  BrokenPipe,
  SheetMovedError,
  ExitCode,
} from './shared/errors.js';
export type { RowsMoved } from './shared/errors.js';
