/**
 * The boundary check. The Sheets API has no consistent read across requests: between two chunk
 * reads, rows inserted, deleted or sorted above the boundary shift the later chunk, whose rows would
 * then be written twice or never. So every chunk after a range's first also asks for the row before
 * its first (the last row of the chunk before it), and the two reads of that row are compared as
 * they came, byte for byte. Equal: both reads saw the same rows there. Different: rows moved between
 * them, and nothing of the later chunk may be written. The row asked twice is never written twice.
 *
 * A row is kept as its JSON text from the answer (`["a","b",3]`), an empty row as no bytes: the
 * API leaves trailing empty rows out, and writes an empty row inside the data as `[]`.
 */
import { type RowsMoved, SheetMovedError } from '../shared/errors.js';

export const EMPTY_ROW: Buffer = Buffer.alloc(0);

const EMPTY_ARRAY = Buffer.from('[]');

/** A row's text as compared: an empty row is no bytes, however it came. */
export function rowText(json: Buffer): Buffer {
  return json.equals(EMPTY_ARRAY) ? EMPTY_ROW : json;
}

/** The row two chunks of a range both read, as each read it. */
export class Boundary {
  private earlier: Buffer | undefined;
  private later: Buffer | undefined;
  private checked = false;

  constructor(
    /** What to say should they differ: the range, the row, the two requests. */
    private readonly where: RowsMoved,
    /** Told once the two reads agree. */
    private readonly onChecked: () => void,
  ) {}

  /** The earlier chunk's last row, once its answer is known good. */
  readEarlier(row: Buffer): void {
    this.earlier = row;
  }

  /** The later chunk's first row (the row before its own): checked at once when the earlier is in. */
  readLater(row: Buffer): void {
    this.later = row;
    this.check();
  }

  /**
   * Throws SheetMovedError when both reads are in and differ. The window calls it before the later
   * chunk's rows may be written; a later chunk whose row has not come yet checks it as it comes.
   */
  check(): void {
    if (this.checked || this.earlier === undefined || this.later === undefined) return;
    if (!this.earlier.equals(this.later)) throw new SheetMovedError(this.where);
    this.checked = true;
    this.onChecked();
  }
}
