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
import { InternalError, type RowsMoved, SheetMovedError } from '../shared/errors.js';

export const EMPTY_ROW: Buffer = Buffer.alloc(0);

const EMPTY_ARRAY = Buffer.from('[]');

/** A row's text as compared: an empty row is no bytes, however it came. */
export function rowText(json: Buffer): Buffer {
  return json.equals(EMPTY_ARRAY) ? EMPTY_ROW : json;
}

/**
 * The row two chunks of a range both read, as each read it. The later chunk may read it more than
 * once (an answer refused or cut before its first row is read again from the start): each read is
 * compared, since its rows are the ones written.
 */
export class Boundary {
  private earlier: Buffer | undefined;
  private later: { row: Buffer; compared: boolean } | undefined;
  private counted = false;

  constructor(
    /** What to say should they differ: the range, the row, the two requests. */
    private readonly where: RowsMoved,
    /** Told once, the first time the two reads agree. */
    private readonly onChecked: () => void,
  ) {}

  /** The earlier chunk's last row, once its answer is known good. */
  readEarlier(row: Buffer): void {
    this.earlier = row;
  }

  /** The later chunk's row before its own, as an answer gave it: compared at once when the earlier is in. */
  readLater(row: Buffer): void {
    this.later = { row, compared: false };
    if (this.earlier) this.compare(this.earlier, this.later);
  }

  /**
   * Before the later chunk becomes the head: the earlier is whole by then, so a later row already
   * read is compared now, and one still to come is compared as it comes (readLater).
   */
  checkBeforeHead(): void {
    if (!this.earlier) throw new InternalError(`the row before ${this.where.later} was not kept`);
    if (this.later && !this.later.compared) this.compare(this.earlier, this.later);
  }

  /** The later chunk is written: neither row is needed again. */
  release(): void {
    this.earlier = undefined;
    this.later = undefined;
  }

  private compare(earlier: Buffer, later: { row: Buffer; compared: boolean }): void {
    if (!earlier.equals(later.row)) throw new SheetMovedError(this.where);
    later.compared = true;
    if (this.counted) return;
    this.counted = true;
    this.onChecked();
  }
}
