/**
 * Aimed faults: rules that pick requests and spoil their answers, to exercise a client's retries
 * and its checks of what comes back.
 */
import { UsageError } from '../shared/errors.js';
import { ApiFailure, rateLimited } from './api-error.js';
import type { Rendered } from './cells.js';
import { type RowEdit, checkEdit } from './edits.js';
import { transpose } from './spreadsheet.js';

/**
 * - `status`: an API error (`status`, default 503) with its JSON body, and Retry-After if given.
 * - `hang`: no answer until the client gives up or the emulator stops.
 * - `truncate`: the headers and half the body, then the connection is closed.
 * - `reset`: the headers and half the body, then the connection is reset (ECONNRESET).
 * - `html`: 200 with an HTML page instead of JSON.
 * - `no-values-garbage`: 200 JSON that has no `range` and no `values`, only junk.
 * - `bad-row`: 200 JSON whose `values` holds a row that is not an array.
 * - `columns`: 200 JSON in column-major order (`majorDimension` COLUMNS) whatever was asked.
 * - `trailing-bytes`: the right answer, then more JSON after its end.
 * - `edit`: the right answer; then the spreadsheet is edited (`edit`: rows inserted, deleted,
 *   reordered or appended), so that later requests read it as edited. One edit per rule.
 */
export const FAULT_KINDS = [
  'status',
  'hang',
  'truncate',
  'reset',
  'html',
  'no-values-garbage',
  'bad-row',
  'columns',
  'trailing-bytes',
  'edit',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Which requests a rule fires on; every condition given must hold. Rules see only requests that
 * passed the quota and the checks (ID, parameters, ranges) and were not failed by failRate.
 */
export interface FaultMatch {
  /** The requests the rule looks at: 'values' (values.get and batchGet) or 'metadata'. Default 'values'. */
  target?: 'values' | 'metadata';
  /** Text that one of the request's ranges (URL-decoded) must contain. */
  range?: string;
  /** 1-based ordinals among the target's requests, in arrival order. */
  requests?: number[];
  /** Every n-th request of the target: n, 2n, 3n... */
  every?: number;
  /** Chance of firing, 0..1, drawn from the emulator's seeded generator. */
  probability?: number;
  /** Fire at most this many times. Default: no limit. */
  times?: number;
  /** Only requests for a range of at least this many rows, counted in its tab as it is (an open end runs to the grid's last row). */
  minRows?: number;
}

export interface FaultRule {
  /** Default: every request of the target. */
  match?: FaultMatch;
  fault: FaultKind;
  /** For 'status': the HTTP status, 400..599. Default 503. */
  status?: number;
  /** For 'status': the Retry-After header, in seconds or as an HTTP-date. Default: none. */
  retryAfter?: number | string;
  /** For 'status': the error message. Default: the API's message for that status. */
  message?: string;
  /** For 'edit': the edit made once the chosen request is answered. */
  edit?: RowEdit;
}

function isPositiveInteger(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1;
}

function checkRule(rule: FaultRule, index: number): void {
  const fail = (why: string): never => {
    throw new UsageError(`fault rule ${index + 1}: ${why}`);
  };
  if (!FAULT_KINDS.includes(rule.fault)) fail(`fault must be one of ${FAULT_KINDS.join(', ')}, got "${String(rule.fault)}"`);
  if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 400 || rule.status > 599)) {
    fail(`status must be an integer from 400 to 599, got ${rule.status}`);
  }
  const retry = rule.retryAfter;
  if (retry !== undefined && !(typeof retry === 'number' ? Number.isFinite(retry) && retry >= 0 : retry.trim() !== '')) {
    fail(`retryAfter must be seconds (≥ 0) or an HTTP-date, got ${String(retry)}`);
  }
  if (rule.fault === 'edit') {
    if (rule.edit === undefined) fail('an edit rule needs `edit`: { kind, at, rows, tab? }');
    else checkEdit(rule.edit, `fault rule ${index + 1}`);
  }
  const match = rule.match ?? {};
  if (match.target !== undefined && match.target !== 'values' && match.target !== 'metadata') {
    fail(`match.target must be "values" or "metadata", got "${String(match.target)}"`);
  }
  if (match.requests !== undefined && !match.requests.every(isPositiveInteger)) fail('match.requests must hold 1-based request numbers');
  if (match.every !== undefined && !isPositiveInteger(match.every)) fail(`match.every must be a positive integer, got ${match.every}`);
  if (match.probability !== undefined && !(match.probability >= 0 && match.probability <= 1)) {
    fail(`match.probability must be from 0 to 1, got ${match.probability}`);
  }
  if (match.minRows !== undefined && !isPositiveInteger(match.minRows))
    fail(`match.minRows must be a positive integer, got ${match.minRows}`);
  if (match.times !== undefined && !(Number.isInteger(match.times) && match.times >= 0)) {
    fail(`match.times must be an integer ≥ 0, got ${match.times}`);
  }
}

export class FaultPicker {
  private readonly fired: number[];

  constructor(
    private readonly rules: readonly FaultRule[],
    private readonly random: () => number,
  ) {
    rules.forEach(checkRule);
    this.fired = rules.map(() => 0);
  }

  /** The first rule that fires for this request, counted as fired; undefined when none does. */
  pick(
    target: 'values' | 'metadata',
    ordinal: number,
    ranges: readonly string[],
    rowSpan: (range: string) => number,
  ): FaultRule | undefined {
    for (const [i, rule] of this.rules.entries()) {
      const match = rule.match ?? {};
      if ((match.target ?? 'values') !== target) continue;
      if (match.times !== undefined && (this.fired[i] as number) >= match.times) continue;
      const wanted = match.range;
      if (wanted !== undefined && !ranges.some((range) => range.includes(wanted))) continue;
      if (match.requests !== undefined && !match.requests.includes(ordinal)) continue;
      if (match.every !== undefined && ordinal % match.every !== 0) continue;
      if (match.minRows !== undefined && !ranges.some((range) => rowSpan(range) >= (match.minRows as number))) continue;
      if (match.probability !== undefined && !(this.random() < match.probability)) continue;
      this.fired[i] = (this.fired[i] as number) + 1;
      return rule;
    }
    return undefined;
  }
}

/** The error a 'status' rule answers with; its Retry-After only when the rule gives one. */
export function statusFailure(rule: FaultRule): ApiFailure {
  const status = rule.status ?? 503;
  if (status === 429) return rateLimited(rule.retryAfter, rule.message);
  const headers: Record<string, string> = rule.retryAfter !== undefined ? { 'retry-after': String(rule.retryAfter) } : {};
  return new ApiFailure(status, { message: rule.message, headers });
}

export const HTML_PAGE =
  '<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title>' +
  '<p><b>502.</b> That’s an error.<p>The server encountered a temporary error and could not complete your request.' +
  '<p>Please try again in 30 seconds. That’s all we know.</html>\n';

export const GARBAGE_BODY = JSON.stringify({ kind: 'sheets#unexpected', status: 'ok', data: [1, 'two', { three: 3 }] });

/** The bytes a `trailing-bytes` fault adds after a whole answer. */
export const TRAILING_BYTES = '{"values":[["after","the","end"]]}';

/** A values answer (each of a batch's) as if majorDimension=COLUMNS had been asked. */
export function asColumns(answer: Record<string, unknown>): Record<string, unknown> {
  const turn = (range: Record<string, unknown>): Record<string, unknown> => {
    const rows = Array.isArray(range.values) ? (range.values as Rendered[][]) : [];
    const { values: _values, ...rest } = range;
    const columns = transpose(rows);
    return { ...rest, majorDimension: 'COLUMNS', ...(columns.length > 0 ? { values: columns } : {}) };
  };
  if (Array.isArray(answer.valueRanges)) return { ...answer, valueRanges: (answer.valueRanges as Record<string, unknown>[]).map(turn) };
  return turn(answer);
}

/** A values answer with one row replaced by something that is not an array. */
export function withBadRow(answer: Record<string, unknown>): Record<string, unknown> {
  const spoil = (range: Record<string, unknown>): Record<string, unknown> => {
    const values = Array.isArray(range.values) ? [...(range.values as unknown[])] : [];
    values.splice(Math.min(1, values.length), 0, 'not a row');
    return { ...range, values };
  };
  if (Array.isArray(answer.valueRanges)) {
    const [first, ...rest] = answer.valueRanges as Record<string, unknown>[];
    return { ...answer, valueRanges: [spoil(first ?? {}), ...rest] };
  }
  return spoil(answer);
}
