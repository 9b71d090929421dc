/**
 * The parts of each answer the emulator holds, for checking a `fields` mask before answering.
 * A mask that names a part of the resource the emulator does not hold is refused (NotServed), so
 * that no client reads a 200 without it as "there is none"; a name that is no field at all is the
 * API's own 400. Pure.
 */
import { type ApiFailure, NotServed, badRequest } from './api-error.js';
import type { FieldMask } from './mask.js';

/** A field held (`true`), a resource with fields, or what the emulator does not hold, in words. */
type Field = true | string | Schema;
export interface Schema {
  readonly [name: string]: Field;
}

export const GRID_DATA = 'grid data';
/** Comment threads and their anchors: omitted unless commentsViewMode asks for them, and not held. */
export const COMMENTS = 'comments';

/**
 * Grid data: of all it holds, the emulator keeps each cell's number format only. The field names
 * are the API's published ones, so that a mask naming another part of a cell is refused, not
 * taken for a name that is no field.
 */
const CELL_FORMAT: Schema = {
  numberFormat: { type: true, pattern: true },
  backgroundColor: GRID_DATA,
  backgroundColorStyle: GRID_DATA,
  borders: GRID_DATA,
  padding: GRID_DATA,
  horizontalAlignment: GRID_DATA,
  verticalAlignment: GRID_DATA,
  wrapStrategy: GRID_DATA,
  textDirection: GRID_DATA,
  textFormat: GRID_DATA,
  hyperlinkDisplayType: GRID_DATA,
  textRotation: GRID_DATA,
};
const CELL_DATA: Schema = {
  userEnteredValue: GRID_DATA,
  effectiveValue: GRID_DATA,
  formattedValue: GRID_DATA,
  userEnteredFormat: GRID_DATA,
  effectiveFormat: CELL_FORMAT,
  hyperlink: GRID_DATA,
  note: GRID_DATA,
  textFormatRuns: GRID_DATA,
  dataValidation: GRID_DATA,
  pivotTable: GRID_DATA,
  dataSourceTable: GRID_DATA,
  dataSourceFormula: GRID_DATA,
  chipRuns: GRID_DATA,
};
const GRID_DATA_SCHEMA: Schema = {
  startRow: true,
  startColumn: true,
  rowData: { values: CELL_DATA },
  rowMetadata: GRID_DATA,
  columnMetadata: GRID_DATA,
};

const GRID_RANGE: Schema = { sheetId: true, startRowIndex: true, endRowIndex: true, startColumnIndex: true, endColumnIndex: true };

/**
 * A Spreadsheet. Frozen rows and the like are held: an emulated tab has none, and the API leaves
 * such defaults out, so an answer without them is the true one; `hidden` is sent for a hidden tab.
 * `comments`, `commentsViewMode` and `sheets.commentAnchors` are named as the API's published
 * reference names them.
 */
const SPREADSHEET: Schema = {
  spreadsheetId: true,
  properties: {
    title: true,
    locale: true,
    autoRecalc: true,
    timeZone: true,
    defaultFormat: 'cell formats',
    iterativeCalculationSettings: 'calculation settings',
    spreadsheetTheme: 'themes',
    importFunctionsExternalUrlAccessAllowed: 'import settings',
  },
  sheets: {
    properties: {
      sheetId: true,
      title: true,
      index: true,
      sheetType: true,
      gridProperties: {
        rowCount: true,
        columnCount: true,
        frozenRowCount: true,
        frozenColumnCount: true,
        hideGridlines: true,
        rowGroupControlAfter: true,
        columnGroupControlAfter: true,
      },
      hidden: true,
      rightToLeft: true,
      tabColor: 'tab colors',
      tabColorStyle: 'tab colors',
      dataSourceSheetProperties: 'data sources',
    },
    data: GRID_DATA_SCHEMA,
    merges: 'merges',
    conditionalFormats: 'conditional formats',
    filterViews: 'filter views',
    protectedRanges: 'protected ranges',
    basicFilter: 'filters',
    charts: 'charts',
    bandedRanges: 'banded ranges',
    developerMetadata: 'developer metadata',
    rowGroups: 'row groups',
    columnGroups: 'column groups',
    slicers: 'slicers',
    tables: 'tables',
    commentAnchors: COMMENTS,
  },
  namedRanges: { namedRangeId: true, name: true, range: GRID_RANGE },
  spreadsheetUrl: true,
  developerMetadata: 'developer metadata',
  dataSources: 'data sources',
  dataSourceSchedules: 'data sources',
  comments: COMMENTS,
  commentsViewMode: COMMENTS,
};

const VALUE_RANGE: Schema = { range: true, majorDimension: true, values: true };
const BATCH_GET: Schema = { spreadsheetId: true, valueRanges: VALUE_RANGE };

export const SCHEMAS = { metadata: SPREADSHEET, values: VALUE_RANGE, batchGet: BATCH_GET } as const;

/** The one grid-data mask served: what a typed export asks for. */
const NUMBER_FORMAT_MASK = 'sheets.data.rowData.values.effectiveFormat.numberFormat';
const SERVED_PARTS = 'it serves metadata (spreadsheet and sheet properties, named ranges) and values';
export const GRID_DATA_SERVED = `it serves metadata, values (read cells with spreadsheets.values.get or values:batchGet) and cells' number formats (fields=${NUMBER_FORMAT_MASK})`;

export function notServed(what: string, asked: string): NotServed {
  return new NotServed(`${what} (${asked})`, what === GRID_DATA ? GRID_DATA_SERVED : SERVED_PARTS);
}

function unknownField(path: string): ApiFailure {
  return badRequest('fields', `Error expanding 'fields' parameter. Cannot find matching fields for path '${path}'.`);
}

/**
 * A whole object (`sheets`, `*`) selected by a mask. The API then ignores includeGridData and
 * sends the grid, so a selection that spans grid data is refused; other parts not held are simply
 * absent from the answer, as they are from the unmasked one.
 */
function checkWhole(schema: Schema, asked: string): void {
  for (const field of Object.values(schema)) {
    if (field === GRID_DATA) throw notServed(GRID_DATA, asked);
    if (typeof field === 'object') checkWhole(field, asked);
  }
}

function check(mask: FieldMask, schema: Schema, prefix: string, asked: string): void {
  for (const [name, sub] of mask) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (name === '*') {
      checkWhole(schema, asked);
      continue;
    }
    if (!Object.hasOwn(schema, name)) throw unknownField(path);
    const field = schema[name] as Field;
    if (typeof field === 'string') throw notServed(field, asked);
    if (field === true) {
      const [below] = sub?.keys() ?? [];
      if (below !== undefined) throw unknownField(`${path}.${below}`);
    } else if (sub === null) {
      checkWhole(field, asked);
    } else {
      check(sub, field, path, asked);
    }
  }
}

/** A spreadsheets.get mask, once checked, that asks for grid data: the cells' number formats. */
export function selectsGridData(mask: FieldMask | undefined): boolean {
  const sheets = mask?.get('sheets');
  return sheets instanceof Map && sheets.has('data');
}

/** Throws NotServed for a part not held, the API's 400 for a name that is no field. */
export function checkFieldMask(mask: FieldMask, schema: Schema, text: string): void {
  check(mask, schema, '', `fields=${text}`);
}
