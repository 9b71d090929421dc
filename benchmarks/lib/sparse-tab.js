// A sparse tab for the emulator: a grid of `rows` rows whose cells are given for a few rows only
// (e.g. row 1 and row 3,100,000 of one column), generated lazily. A TabSource (see
// src/emulator/data.ts) is an interface, so this needs no change to the emulator: nothing is held
// per empty row, and the emulator walks the empty rows as it would a real sheet's.
const NO_CELLS = Object.freeze([]);

/**
 * spec: { title, rows: grid rows, cols?: grid columns (default: the widest given row),
 *         cells: { [row]: Cell[] } (1-based rows; each row's cells from column A) }
 */
export function sparseTab({ title, rows, cols, cells }) {
  const byRow = new Map(Object.entries(cells).map(([row, values]) => [Number(row), values]));
  const rowNumbers = [...byRow.keys()];
  if (rowNumbers.some((r) => !Number.isInteger(r) || r < 1 || r > rows))
    throw new Error(`sparse tab ${title}: every given row must be within 1..${rows}`);
  const widest = Math.max(1, ...[...byRow.values()].map((v) => v.length));
  return {
    title,
    rowCount: rows,
    columnCount: cols ?? widest,
    // Rows below the last given one are empty: the emulator can stop there.
    dataRowCount: Math.max(1, ...rowNumbers),
    row(row, firstCol, lastCol) {
      const stored = byRow.get(row);
      if (!stored) return NO_CELLS;
      return stored.slice(firstCol - 1, lastCol);
    },
  };
}
