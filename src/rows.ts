/**
 * Chunk answers, in sheet order → rows, exactly as one unchunked values.get would give them.
 *
 * The API drops trailing empty rows of every answer, so a chunk that returns fewer rows than it
 * asked for is not the end of the data. Empty rows at a chunk's end are held as a count and
 * written only when later data follows; those at the end of the whole range are dropped.
 */
import type { Chunk } from './plan.js';
import { HttpFailure } from './google/failure.js';

export type Cell = string | number | boolean;
export type Row = Cell[];

export interface ChunkRows {
  chunk: Chunk;
  /** The rows the API returned: at most chunk.rows, trailing empties dropped. */
  rows: Row[];
}

function malformed(message: string): HttpFailure {
  return new HttpFailure({ status: 200, malformed: true, message });
}

/**
 * Checks a values.get body against the API's promise ({range, values?: Cell[][]}) and returns its
 * rows. A body that breaks it is a malformed answer, which the fetch layer retries.
 */
export function rowsOfAnswer(body: unknown, chunk: Chunk): Row[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed('the answer is not a JSON object');
  const answer = body as { range?: unknown; values?: unknown };
  if (typeof answer.range !== 'string') throw malformed('the answer has no "range"');
  if (answer.values === undefined) return [];
  const values = answer.values;
  if (!Array.isArray(values)) throw malformed('"values" is not an array');
  if (values.length > chunk.rows) throw malformed(`${values.length} rows came back for ${chunk.rows} asked`);
  for (let r = 0; r < values.length; r++) {
    const row: unknown = values[r];
    if (!Array.isArray(row)) throw malformed(`row ${chunk.firstRow + r} is not an array`);
    for (let c = 0; c < row.length; c++) {
      const t = typeof row[c];
      if (t !== 'string' && t !== 'number' && t !== 'boolean') throw malformed(`row ${chunk.firstRow + r} holds a ${t === 'object' ? 'non-scalar' : t} cell`);
    }
  }
  return values as Row[];
}

/** The rows of two adjacent requests as one answer: the first's trailing empty rows return when the second has data. */
export function joinRows(head: Row[], headRows: number, tail: Row[]): Row[] {
  if (tail.length === 0) return head;
  const gap: Row[] = Array.from({ length: headRows - head.length }, () => []);
  return head.concat(gap, tail);
}

/** Re-emits chunk rows as batches in sheet order, holding empty rows until data follows them. */
export async function* rowBatches(chunks: AsyncIterable<ChunkRows>): AsyncGenerator<Row[]> {
  let heldEmpty = 0;
  for await (const { chunk, rows } of chunks) {
    if (rows.length === 0) {
      heldEmpty += chunk.rows;
      continue;
    }
    let batch = rows;
    if (heldEmpty > 0) {
      const empties: Row[] = Array.from({ length: heldEmpty }, () => []);
      batch = empties.concat(rows);
    }
    heldEmpty = chunk.rows - rows.length;
    yield batch;
  }
}
