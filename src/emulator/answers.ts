/**
 * The answer to a checked request: its ranges resolved against the spreadsheet up front (so that
 * a bad range fails before any fault or failure is drawn), the body built only when it is sent.
 */
import { selectsGridData } from './fields.js';
import { type GridData, readGridData } from './grid-data.js';
import { applyFieldMask } from './mask.js';
import type { ApiRequest } from './params.js';
import { type Rect, type Spreadsheet, type Tab, readValueRange } from './spreadsheet.js';

export type AnswerBuilder = () => Record<string, unknown>;

/** Throws the API's 400s for a range it cannot read. */
export function prepareAnswer(spreadsheet: Spreadsheet, request: ApiRequest): AnswerBuilder {
  const { route, mask, render, major } = request;
  const masked = (answer: Record<string, unknown>): Record<string, unknown> =>
    mask ? (applyFieldMask(answer, mask) as Record<string, unknown>) : answer;
  const rects: Rect[] = request.ranges.map((range) => spreadsheet.resolve(range));

  switch (route.kind) {
    case 'metadata': {
      const tabs = rects.length > 0 ? new Set(rects.map((rect) => rect.tab)) : undefined;
      if (!selectsGridData(mask)) return () => masked(spreadsheet.metadata(tabs));
      // One GridData per range on the tab, in request order, as the reference describes Sheet.data;
      // with no ranges, each grid tab whole. The Sheets keep the spreadsheet's order, as without a
      // mask: the reference does not say, and that is the plain reading.
      const gridData = (tab: Tab): GridData[] | undefined => {
        if (tabs === undefined) return tab.isGrid ? [readGridData(spreadsheet.wholeTab(tab))] : undefined;
        return rects.filter((rect) => rect.tab === tab).map(readGridData);
      };
      return () => masked(spreadsheet.metadata(tabs, gridData));
    }
    case 'values': {
      const rect = rects[0] as Rect;
      return () => masked({ ...readValueRange(rect, render, major) });
    }
    case 'batchGet':
      return () => {
        const answer: Record<string, unknown> = { spreadsheetId: spreadsheet.id };
        if (rects.length > 0) answer.valueRanges = rects.map((rect) => readValueRange(rect, render, major));
        return masked(answer);
      };
  }
}
