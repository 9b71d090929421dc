/**
 * Counts in messages: `1 row`, `2 rows`, `1,000 requests`, `failed once`. Pure.
 */

/** A non-negative whole number with thousands separators. */
function groupedWhole(n: number): string {
  return n < 1000 ? String(n) : `${groupedWhole(Math.floor(n / 1000))},${String(n % 1000).padStart(3, '0')}`;
}

/**
 * A number with thousands separators: `12,000`, `-9,007`, `1,234.5`. Done by hand: building an
 * Intl.NumberFormat loads ICU data, which costs more than all of `sheetpipe --version` should.
 * Whole numbers take the quick path: the emulator formats an amount per generated cell.
 */
export function formatCount(count: number): string {
  if (Number.isSafeInteger(count)) return count < 0 ? `-${groupedWhole(-count)}` : groupedWhole(count);
  const [whole, fraction] = String(Math.abs(count)).split('.');
  const grouped = (whole ?? '').replace(/\B(?=(\d{3})+$)/g, ',');
  return `${count < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** `1 row`, `0 rows`, `12,000 rows`; `many` for words that do not just add an s (`retries`). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** `once`, `2 times`. */
export function times(count: number): string {
  return count === 1 ? 'once' : `${formatCount(count)} times`;
}
