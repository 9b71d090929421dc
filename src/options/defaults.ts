/**
 * The option table's values in the engine's names and units: Google's render enums, a timeout in
 * milliseconds, and the defaults a run gets for an option nobody set.
 */
import type { DateRender, ValueRender } from '../google/api.js';
import { type LibraryValues, libraryOptions, readValues } from './table.js';

type Values = LibraryValues<'stream'>;

export const VALUE_RENDER: Readonly<Record<Values['render'], ValueRender>> = { formatted: 'FORMATTED_VALUE', unformatted: 'UNFORMATTED_VALUE', formula: 'FORMULA' };
export const DATE_RENDER: Readonly<Record<NonNullable<Values['dates']>, DateRender>> = { serial: 'SERIAL_NUMBER', string: 'FORMATTED_STRING' };

/** Seconds → ms; a tiny timeout stays above 0 ms rather than rounding to "no time at all". */
export const timeoutMs = (seconds: number): number => Math.max(1, Math.round(seconds * 1000));

const TABLE_DEFAULTS = readValues(libraryOptions('stream'), {}, (d) => d.key) as Values;

/** The engine's defaults, from the option table: what a run gets for an option nobody set. */
export const DEFAULTS = {
  concurrency: TABLE_DEFAULTS.concurrency,
  timeoutMs: timeoutMs(TABLE_DEFAULTS.timeout),
  retries: TABLE_DEFAULTS.retries,
  maxRpm: TABLE_DEFAULTS.maxRpm,
  render: VALUE_RENDER[TABLE_DEFAULTS.render],
  header: TABLE_DEFAULTS.header,
} as const;
