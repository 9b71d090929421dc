/**
 * The Sheets API emulator, as a library: start one from code, with tabs from memory, files or
 * generated data, and aim faults at it.
 */
export { startEmulator, type Emulator } from './server.js';
export { DEFAULT_PORT, DEFAULT_HOST, type EmulatorOptions } from './options.js';
export type { EmulatorStats } from './stats.js';
export type { RequiredCredentials } from './auth.js';
export { DEMO_SPREADSHEET_ID, demoSpreadsheet, type DemoSpreadsheet } from './demo.js';
export { memoryTab, chartTab, fileTab, delimitedTab, type TabSource, type MemoryTabSpec } from './data.js';
export { typedCell } from './user-entered.js';
export { generatedTab, type GeneratedTabSpec } from './generated.js';
export {
  type Cell,
  type CellValue,
  type RichCell,
  type NumberFormat,
  type NumberFormatType,
  ISO_DATE_FORMAT,
  dateToSerial,
  serialToText,
} from './cells.js';
export type { NamedRangeSpec } from './spreadsheet.js';
export { FAULT_KINDS, type FaultKind, type FaultMatch, type FaultRule } from './faults.js';
export { EDIT_KINDS, type EditKind, type RowEdit } from './edits.js';
export { serveEmulator, type EmulatorCommandArgs, type EmulatorCommandIo } from './command.js';
