/**
 * The answer to a checked request: its ranges resolved against the spreadsheet up front (so that
 * a bad range fails before any fault or failure is drawn), the body built only when it is sent.
 */
import { applyFieldMask } from './mask.js';
import type { ApiRequest } from './params.js';
import { type Rect, type Spreadsheet, readValueRange } from './spreadsheet.js';

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
      return () => masked(spreadsheet.metadata(tabs));
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
