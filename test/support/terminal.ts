/**
 * What a terminal makes of the bytes written to it: the progress bar's frames in the order drawn,
 * and the lines left on the screen. Knows the few controls a line redrawn in place uses: carriage
 * return, cursor to a column (CSI n G), erase in line (CSI K) and erase below (CSI J).
 */
/* eslint-disable no-control-regex -- terminal controls are what this file reads */

const CONTROL = /\x1b\[([0-9;?]*)([A-Za-z])|\r|\n|[^\x1b\r\n]+/gu;

/** The bar's frames in the order drawn: each text written from the start of a line that is a bar. */
export function frames(text: string): string[] {
  return text
    .split(/\r(?!\n)|\x1b\[1?G/)
    .map((f) => f.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r?\n[\s\S]*$/, ''))
    .filter((f) => /^sheetpipe [█░]/.test(f));
}

/**
 * The screen's lines once `text` is written, from the first line written to the one the cursor is
 * on (a line ended by a newline leaves the cursor on an empty line below it). Lines do not wrap.
 */
export function screen(text: string): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let column = 0;
  const line = () => (lines[row] ??= []);
  for (const [token, parameter = '', command] of text.matchAll(CONTROL)) {
    if (token === '\r') column = 0;
    else if (token === '\n') {
      // A terminal's output processing turns a newline into a carriage return and a line feed.
      row += 1;
      column = 0;
    } else if (command === 'G') column = Math.max(1, Number(parameter || 1)) - 1;
    else if (command === 'K') {
      if (parameter === '2') lines[row] = [];
      else line().splice(column);
    } else if (command === 'J') {
      line().splice(column);
      lines.splice(row + 1);
    } else if (command === undefined) {
      for (const char of token) {
        const cells = line();
        while (cells.length < column) cells.push(' ');
        cells[column] = char;
        column += 1;
      }
    }
  }
  while (lines.length <= row) lines.push([]);
  return Array.from(lines, (cells = []) => cells.join('').trimEnd());
}
