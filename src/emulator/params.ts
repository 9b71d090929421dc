/**
 * A served route's query parameters, checked as the API checks them (unknown names, enum values,
 * the `fields` mask) and read into what the answer needs. Pure.
 */
import { NotServed, invalidAlt, invalidBool, invalidEnum, invalidFieldMask, unknownParameter } from './api-error.js';
import { type CellRenderer, cellRenderer, DATE_TIME_RENDER_OPTIONS, VALUE_RENDER_OPTIONS } from './cells.js';
import { checkFieldMask, COMMENTS, GRID_DATA, notServed, SCHEMAS } from './fields.js';
import { type FieldMask, MaskSyntaxError, parseFieldMask } from './mask.js';
import type { Route } from './routes.js';
import type { MajorDimension } from './spreadsheet.js';

export interface ApiRequest {
  route: Route;
  /** values.get: its range; batchGet and spreadsheets.get: the `ranges` parameters, in order. */
  ranges: string[];
  mask: FieldMask | undefined;
  render: CellRenderer;
  major: MajorDimension;
}

const SYSTEM_PARAMS = [
  'fields',
  'key',
  'alt',
  'prettyPrint',
  'quotaUser',
  'access_token',
  'oauth_token',
  'callback',
  '$.xgafv',
  'upload_protocol',
  'uploadType',
  'userIp',
];
const VALUES_PARAMS = [...SYSTEM_PARAMS, 'valueRenderOption', 'dateTimeRenderOption', 'majorDimension'];
const ALLOWED_PARAMS = {
  metadata: new Set([...SYSTEM_PARAMS, 'ranges', 'includeGridData', 'excludeTablesInBandedRanges', 'commentsViewMode']),
  values: new Set(VALUES_PARAMS),
  batchGet: new Set([...VALUES_PARAMS, 'ranges']),
};
const MAJOR_DIMENSIONS = ['ROWS', 'COLUMNS', 'DIMENSION_UNSPECIFIED'] as const;
/** spreadsheets.get's commentsViewMode, as the API's published reference lists it. */
const COMMENTS_VIEW_MODES = [
  'COMMENTS_VIEW_MODE_UNSPECIFIED',
  'COMMENTS_VIEW_MODE_DEFAULT_FOR_CURRENT_ACCESS',
  'COMMENTS_VIEW_MODE_OMITTED',
  'COMMENTS_VIEW_MODE_INCLUDED',
] as const;
/** The response formats of Google's published system parameters that are not JSON: none is served. */
const ALT_NOT_SERVED = new Map([
  ['media', 'media downloads'],
  ['proto', 'protobuf answers'],
  ['sse', 'streamed (server-sent events) answers'],
]);

function oneOf<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const value = query.get(name);
  if (value === null) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw invalidEnum(name, value);
  return value as T;
}

function bool(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  if (value !== 'true' && value !== 'false') throw invalidBool(name, value);
  return value === 'true';
}

function checkAlt(query: URLSearchParams): void {
  const alt = query.get('alt');
  if (alt === null || alt === 'json') return;
  const what = ALT_NOT_SERVED.get(alt);
  if (what === undefined) throw invalidAlt(alt);
  throw new NotServed(`${what} (alt=${alt})`, 'it answers JSON (alt=json)');
}

/** Comments are omitted unless asked for; a mode that may include them asks for what the emulator does not hold. */
function checkCommentsViewMode(query: URLSearchParams): void {
  const mode = oneOf(query, 'commentsViewMode', COMMENTS_VIEW_MODES, 'COMMENTS_VIEW_MODE_OMITTED');
  if (mode === 'COMMENTS_VIEW_MODE_INCLUDED' || mode === 'COMMENTS_VIEW_MODE_DEFAULT_FOR_CURRENT_ACCESS') {
    throw notServed(COMMENTS, `commentsViewMode=${mode}`);
  }
}

function readMask(text: string, route: Route): FieldMask | undefined {
  if (text === '') return undefined;
  let mask: FieldMask;
  try {
    mask = parseFieldMask(text);
  } catch (error) {
    if (error instanceof MaskSyntaxError) throw invalidFieldMask(text, error.message);
    throw error;
  }
  checkFieldMask(mask, SCHEMAS[route.kind], text);
  return mask;
}

/** Throws ApiFailure (the API's 400s) or NotServed (what the emulator does not hold). */
export function readParams(route: Route, query: URLSearchParams): ApiRequest {
  const allowed = ALLOWED_PARAMS[route.kind];
  for (const name of query.keys()) if (!allowed.has(name)) throw unknownParameter(name);
  checkAlt(query);
  const mask = readMask(query.get('fields') ?? '', route);
  if (route.kind === 'metadata') {
    bool(query, 'excludeTablesInBandedRanges');
    checkCommentsViewMode(query);
    // The API ignores includeGridData when a mask is given: the mask alone says what comes back.
    if (bool(query, 'includeGridData') && mask === undefined) throw notServed(GRID_DATA, 'includeGridData=true');
  }
  const render = cellRenderer(
    oneOf(query, 'valueRenderOption', VALUE_RENDER_OPTIONS, 'FORMATTED_VALUE'),
    oneOf(query, 'dateTimeRenderOption', DATE_TIME_RENDER_OPTIONS, 'SERIAL_NUMBER'),
  );
  const major: MajorDimension = oneOf(query, 'majorDimension', MAJOR_DIMENSIONS, 'ROWS') === 'COLUMNS' ? 'COLUMNS' : 'ROWS';
  const ranges = route.kind === 'values' ? [route.range] : query.getAll('ranges');
  return { route, ranges, mask, render, major };
}
