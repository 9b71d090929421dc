/**
 * `_manifest.json`: what a folder export wrote, renamed into place after every file, so a pipeline
 * that waits for it never reads half a set (a Hadoop `_SUCCESS` marker that also says what the
 * set holds). Pure.
 */
import type { Column } from '../transcode/column-kinds.js';
import type { Format } from '../transcode/encode.js';

export const MANIFEST_NAME = '_manifest.json';

export interface ManifestFile {
  /** The file's name in the folder: `Orders.csv`. */
  file: string;
  /** The tab's title. */
  sheet: string;
  /** The tab's gid (sheetId). */
  gid: number;
  /** The range read, in A1: `'Orders'!A1:I2001`. */
  range: string;
  /** Data rows, as the summary counts them (the header row not counted unless --no-header). */
  rows: number;
  columns: number;
  /** The file's size as written (compressed, with gzip). */
  bytes: number;
  /** Hex SHA-256 of the file's bytes as written. */
  sha256: string;
  /** With --render typed: each column's name and type, as `sheetpipe schema --json` gives its columns. */
  schema?: Column[];
}

export interface Manifest {
  /** The spreadsheet's ID. */
  spreadsheet: string;
  /** The spreadsheet's title. */
  title: string;
  /** The spreadsheet's locale (`en_US`) and time zone (`America/New_York`: the zone of its date-times' wall time), when the API names them. */
  locale?: string;
  timeZone?: string;
  format: Format;
  /** When the read kept began (its metadata request), ISO-8601 in UTC. */
  exported_at: string;
  /** Requests the run made, every read's (a read started over used the quota too), the metadata requests included. */
  requests: number;
  /** Chunk boundaries whose row both neighbouring reads agreed on: the sheet did not move there. */
  boundaries: number;
  /** Times the export started over because rows moved under it (0: read once). */
  rereads: number;
  /** In tab order (--all-sheets) or argument order. */
  files: ManifestFile[];
}

/** The manifest as written: indented JSON with the keys in a fixed order, and a final newline. */
export function manifestText(manifest: Manifest): string {
  const { spreadsheet, title, locale, timeZone, format, exported_at, requests, boundaries, rereads } = manifest;
  const files = manifest.files.map(({ file, sheet, gid, range, rows, columns, bytes, sha256, schema }) => ({
    file,
    sheet,
    gid,
    range,
    rows,
    columns,
    bytes,
    sha256,
    schema: schema?.map(({ name, type }) => ({ name, type })),
  }));
  return `${JSON.stringify({ spreadsheet, title, locale, timeZone, format, exported_at, requests, boundaries, rereads, files }, null, 2)}\n`;
}
