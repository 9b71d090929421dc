/**
 * Counts in messages: `1 row`, `2 rows`, `1,000 requests`, `failed once`. Pure.
 */

const numbers = new Intl.NumberFormat('en-US');

/** `1 row`, `0 rows`, `12,000 rows`; `many` for words that do not just add an s (`retries`). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${numbers.format(count)} ${count === 1 ? one : many}`;
}

/** `once`, `2 times`. */
export function times(count: number): string {
  return count === 1 ? 'once' : `${numbers.format(count)} times`;
}

/** A count with thousands separators, as every message shows numbers. */
export function formatCount(count: number): string {
  return numbers.format(count);
}
