/**
 * A spreadsheet reference (an ID or a docs.google.com URL) → the ID and the tab's gid, if any. Pure.
 */
import { UsageError, showInput } from '../shared/errors.js';

export interface SpreadsheetRef {
  id: string;
  /** The `gid` from a URL: the sheetId of the tab to export when the range names none. */
  gid?: number;
}

/** What a spreadsheet ID looks like (the emulator holds its own ID to the same rule). */
export const SPREADSHEET_ID = /^[A-Za-z0-9_-]{8,200}$/;
const URL_PATH = /^\/spreadsheets(?:\/u\/\d+)?\/d\/([^/]+)/;
/** A "publish to the web" link, `/spreadsheets/d/e/2PACX…/pubhtml`: its key is not the spreadsheet's ID, and the API knows only that. */
const PUBLISHED_PATH = /^\/spreadsheets(?:\/u\/\d+)?\/d\/e\/[^/]/;

function badRef(text: string, why: string): UsageError {
  return new UsageError(
    `bad spreadsheet "${showInput(text)}": ${showInput(why, 200)} (give the ID or a https://docs.google.com/spreadsheets/d/<ID>/... URL)`,
  );
}

function publishedLink(text: string): UsageError {
  return new UsageError(
    `bad spreadsheet "${showInput(text)}": a "publish to the web" link carries no spreadsheet ID; ` +
      'open the spreadsheet itself and give the ID from its address bar, docs.google.com/spreadsheets/d/<ID>/edit',
  );
}

export function parseSpreadsheetRef(input: string): SpreadsheetRef {
  const text = input.trim();
  if (text === '') throw badRef(input, 'it is empty');
  if (!/^[a-z]+:\/\//i.test(text) && !text.startsWith('docs.google.com/')) {
    if (!SPREADSHEET_ID.test(text)) throw badRef(input, 'an ID is 8 or more letters, digits, "-" or "_"');
    return { id: text };
  }
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `https://${text}`);
  } catch {
    throw badRef(input, 'it is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRef(input, `the scheme ${url.protocol} is not https`);
  if (url.hostname !== 'docs.google.com') throw badRef(input, `the host ${url.hostname} is not docs.google.com`);
  if (PUBLISHED_PATH.test(url.pathname)) throw publishedLink(input);
  const m = URL_PATH.exec(url.pathname);
  const id = m?.[1];
  if (!id) throw badRef(input, 'the URL has no /spreadsheets/d/<ID> part');
  if (!SPREADSHEET_ID.test(id)) throw badRef(input, `"${id}" is not a spreadsheet ID`);
  const gidText = new URLSearchParams(url.hash.slice(1)).get('gid') ?? url.searchParams.get('gid');
  if (gidText === null) return { id };
  if (!/^\d{1,10}$/.test(gidText) || Number(gidText) > 2_147_483_647) throw badRef(input, `gid "${gidText}" is not a tab id`);
  return { id, gid: Number(gidText) };
}
