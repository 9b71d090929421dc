/**
 * File names for a folder export, one per range, from tab titles. Pure.
 *
 * A name must be valid on every OS the folder may be copied to, never empty, and unique in a
 * folder that ignores case (macOS, Windows) or Unicode normalisation (macOS):
 * - `/ \ : * ? " < > |`, control characters and half surrogate pairs become `_`; so do leading dots (hidden files,
 *   `.` and `..`); Windows' device names (`CON`, `NUL`, `COM1`, …) get a `_` after them;
 * - text is NFC and clipped to 160 bytes of UTF-8: file names stop at 255 bytes, and the temp
 *   file's name (`.NAME.sheetpipe-PID-RANDOM.tmp`) adds 32 to the name, the gid and extension more;
 * - a range that names cells adds them: `Orders!A2:F` → `Orders_A2-F`; a named range is named
 *   after itself;
 * - a name already taken, ignoring case, gets the tab's gid: `a_b_gid1234` (then `_2`, `_3` if
 *   even that is taken).
 */

import { LONE_SURROGATE } from '../sheet/a1.js';

export interface NameSource {
  /** The tab's title. */
  title: string;
  /** The tab's gid, appended when the name is taken. */
  gid: number;
  /** The cells the range names, as typed (`A2:F`); absent for a whole tab. */
  cells?: string;
  /** A named range's name: the file is named after it instead of its tab. */
  named?: string;
}

const MAX_STEM_BYTES = 160;
// eslint-disable-next-line no-control-regex -- control characters are what this replaces
const UNSAFE = /[/\\:*?"<>|\u0000-\u001f\u007f]/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?=\.|$)/i;

/** Clipped to `max` bytes of UTF-8 without splitting a character. */
function clip(text: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > max) break;
    out += char;
  }
  return out;
}

/** Text made safe as the stem of a file name on every OS; never empty. */
export function safeStem(text: string): string {
  const stem = text
    .normalize('NFC')
    .replace(UNSAFE, '_')
    .replace(LONE_SURROGATE, '_')
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length))
    .replace(DEVICE, '$1_');
  return clip(stem, MAX_STEM_BYTES) || '_';
}

function stemOf(source: NameSource): string {
  if (source.named !== undefined) return safeStem(source.named);
  return safeStem(source.cells === undefined ? source.title : `${source.title}_${source.cells.replace(':', '-')}`);
}

/**
 * One file name per source, in order, ending with `extension` (`.csv`, `.ndjson.gz`): the first to
 * claim a name keeps it; a later one that collides, ignoring case, gets its gid appended.
 */
export function fileNames(sources: readonly NameSource[], extension: string): string[] {
  const taken = new Set<string>();
  const claim = (stem: string): boolean => {
    const key = `${stem}${extension}`.toLowerCase();
    if (taken.has(key)) return false;
    taken.add(key);
    return true;
  };
  return sources.map((source) => {
    const stem = stemOf(source);
    if (claim(stem)) return `${stem}${extension}`;
    const withGid = `${stem}_gid${source.gid}`;
    let candidate = withGid;
    for (let n = 2; !claim(candidate); n++) candidate = `${withGid}_${n}`;
    return `${candidate}${extension}`;
  });
}
