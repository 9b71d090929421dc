/**
 * Where a range's rows go: its RangeOutput (the width rule, NDJSON keys, parts joined in order)
 * bound to the run's destination, its progress and its warnings.
 */
import type { Write } from '../output/destination.js';
import { type GridRange, holdsNoCells } from '../sheet/resolve.js';
import type { Column, ColumnKind } from '../transcode/column-kinds.js';
import type { Format } from '../transcode/encode.js';
import { RangeOutput, type RangeOutputOptions } from '../transcode/output.js';
import { columnsOf } from './plan.js';
import type { Session } from './session.js';

export interface OutputRules {
  format: Format;
  /** NDJSON objects keyed by the first row (else arrays). */
  objects: boolean;
  /** The first row is a header: --limit does not count it. */
  header: boolean;
}

/** Called after every write to a range's destination: progress. */
export type OnWritten = (output: RangeOutput) => void;

/** Where a range's cells lie, what is known of its width and, for typed values, its columns' kinds; the rest of an output's options are the run's. */
export type OutputLayout = Pick<RangeOutputOptions, 'firstCol' | 'firstRow' | 'width' | 'maxWidth' | 'confirmed' | 'onHoldFull' | 'typed'>;

/** Typed values' part of a layout: the columns' kinds (or `later`: set once read), and whether the first row is a header line. */
export function typedLayout(rules: OutputRules, kinds: readonly ColumnKind[] | 'later'): Pick<OutputLayout, 'typed'> {
  return { typed: { kinds, headerLine: rules.header && !rules.objects } };
}

/** The layout of a resolved range: its named width, or the width rule's sample up to its columns; typed when `kinds` are given. */
export function layoutOf(range: GridRange, rules?: OutputRules, kinds?: readonly ColumnKind[]): OutputLayout {
  const columns = columnsOf(range);
  const layout = { firstCol: range.firstCol, firstRow: range.firstRow, width: range.colsNamed ? columns : undefined, maxWidth: columns };
  return rules && kinds ? { ...layout, ...typedLayout(rules, kinds) } : layout;
}

export function openOutput(session: Session, rules: OutputRules, layout: OutputLayout, write: Write, onWritten: OnWritten): RangeOutput {
  const output: RangeOutput = new RangeOutput({
    format: rules.format,
    header: rules.objects,
    ...layout,
    write: (chunk) => {
      const wait = write(chunk);
      onWritten(output);
      return wait;
    },
    onWarning: (message) => session.events.emit('warning', message, 'output'),
  });
  return output;
}

/** What a range's output wrote, as the summary and the manifest count it. */
export interface Written {
  /** Data rows: the output's rows without the header line (NDJSON objects never write one). */
  rows: number;
  /** The columns of the widest row written; none for a range that holds no cells. */
  columns: number;
  /** Typed values: each column's name and type (from its first rows). */
  schema: Column[] | undefined;
}

export function writtenBy(output: RangeOutput, range: GridRange, rules: OutputRules): Written {
  if (holdsNoCells(range)) return { rows: 0, columns: 0, schema: output.schema && [] };
  const rows = rules.header && !rules.objects ? Math.max(0, output.committed - 1) : output.committed;
  return { rows, columns: output.columns ?? 0, schema: output.schema };
}
