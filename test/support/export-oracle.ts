/**
 * What an export must write, from one unchunked values.get of the whole range (JSON.parse'd) and
 * the output rules: the width (the range's named columns, else the widest of its first 1,000
 * rows), the NDJSON header keys, empty cells. Plain code on purpose: the reference the engine's
 * bytes are held to.
 */
import { type Cell, type OracleFormat, oracleFormat } from './transcode-oracle.js';

export const SAMPLE_ROWS = 1000;

export interface ExportRule {
  format: OracleFormat;
  /** NDJSON: objects keyed by the first row (default true). */
  header?: boolean;
  /** The range names its last column: this many columns. */
  namedWidth?: number;
  /** 1-based sheet column of the range's first column. */
  firstCol?: number;
}

/** The widest row of the first 1,000 (the width rule when the range names no last column). */
export function sampledWidth(rows: readonly Cell[][]): number {
  return rows.slice(0, SAMPLE_ROWS).reduce((w, row) => Math.max(w, row.length), 0);
}

export function expectedExport(rows: readonly Cell[][], rule: ExportRule): string {
  const width = rule.namedWidth ?? sampledWidth(rows);
  const objects = rule.format === 'ndjson' && (rule.header ?? true);
  if (!objects) return oracleFormat(rows, { format: rule.format, width });
  if (rows.length === 0) return '';
  const [first, ...data] = rows;
  return oracleFormat(data, { format: 'ndjson', width, header: { texts: (first as Cell[]).map(String), firstCol: rule.firstCol ?? 1 } });
}

/** One unchunked read of `range`, as the API gives it. */
export async function readWhole(endpoint: string, spreadsheetId: string, range: string, render = 'FORMATTED_VALUE'): Promise<Cell[][]> {
  const url = `${endpoint}v4/spreadsheets/${spreadsheetId}/values/${encodeURIComponent(range)}?valueRenderOption=${render}&prettyPrint=false`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`unchunked read of ${range}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { values?: Cell[][] }).values ?? [];
}
