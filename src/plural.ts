/**
 * Counts in messages: `1 row`, `2 rows`, `1,000 requests`, `failed once`. Pure.
 */

/**
 * A number with thousands separators: `12,000`, `-9,007`, `1,234.5`. Done by hand: building an
 * Intl.NumberFormat loads ICU data, which costs more than all of `sheetpipe --version` should.
 */
export function formatCount(count: number): string {
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
