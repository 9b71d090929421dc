/**
 * sheetpipe as a library: rows of a Google Sheets range as an async iterable, or a whole export
 * into a writable stream.
 *
 *   for await (const row of readRows({ spreadsheet: ID, range: 'Orders!A:F' })) { ... }
 *   await exportToStream({ spreadsheet: ID, range: 'Orders', format: 'ndjson' }, createWriteStream('o.ndjson'));
 */
export { readRows, exportToStream, readSpreadsheetMeta, ExportEvents } from './run.js';
export type { ExportOptions, StreamExportOptions, ExportSummary, ExportEventMap, PlanInfo } from './run.js';
export type { Row, Cell } from './run.js';
export type { Format } from './transcode/encode.js';
export { parseA1, formatA1, columnToLetters, lettersToColumn } from './a1.js';
export type { A1, A1Range, A1Name } from './a1.js';
export { parseSpreadsheetRef } from './ref.js';
export type { SpreadsheetRef } from './ref.js';
export type { SpreadsheetMeta, SheetInfo } from './resolve.js';
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
  ExitCode,
} from './errors.js';
