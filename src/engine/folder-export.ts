/**
 * Several ranges, or every grid tab, into a folder: one run of the engine (one metadata request,
 * one quota budget, small ranges packed into batch requests), one file each, committed as a set
 * with `_manifest.json` last. Any failure leaves the folder as it was.
 */
import { type A1, formatA1 } from '../sheet/a1.js';
import { NotFoundError } from '../shared/errors.js';
import { linkedController } from '../shared/signals.js';
import { type FolderSet, openFolder } from '../output/folder-sink.js';
import { type Manifest, manifestText } from '../output/manifest.js';
import { type NameSource, fileNames } from '../output/names.js';
import { plural } from '../shared/plural.js';
import { type SpreadsheetRef, parseSpreadsheetRef } from '../sheet/ref.js';
import {
  type GridRange,
  type SheetInfo,
  type SpreadsheetMeta,
  describeRange,
  lookUpName,
  resolveRange,
  tabsInOrder,
} from '../sheet/resolve.js';
import { type ExportOptions, ExportEvents, exportRangesTo } from './run.js';
import { outputError } from '../output/sink.js';
import { type ReadFigures, rereadWhileMoving } from './rereads.js';
import type { Format } from '../transcode/encode.js';

export interface FolderExportOptions extends ExportOptions {
  /** The folder: created if missing (its parent must exist); an existing file is refused. */
  output: string;
  /** The ranges, one file each; undefined: every grid tab, in tab order. */
  ranges?: readonly A1[];
  format: Format;
  /** Gzip each file (names end `.gz`). */
  gzip: boolean;
  /** Times the export starts over when rows move under it. Default 0 (the command line's default is 2). */
  rereads?: number;
  /** How messages spell the output option: `-o` (default) or `output`. */
  outputLabel?: string;
  /** Receives the synchronous cleanup to run if the process is forced to exit. */
  onForcedExit?(cleanup: () => void): void;
}

export interface FolderExport {
  manifest: Manifest;
  retries: number;
  seconds: number;
}

interface Picked {
  range: GridRange;
  source: NameSource;
  /** The A1 text asked for; none for a tab taken whole by --all-sheets. */
  asked?: string;
}

/** `skipped 2 chart tabs (no cells): 'Chart 1', 'Revenue'`: said once, unless -q. */
function skippedLine(tabs: readonly SheetInfo[]): string {
  const charts = tabs.every((t) => t.sheetType === 'OBJECT');
  const names = tabs.map((t) => formatA1({ kind: 'range', sheet: t.title })).join(', ');
  return `skipped ${plural(tabs.length, charts ? 'chart tab' : 'tab')} (no cells${charts ? '' : `: ${[...new Set(tabs.map((t) => t.sheetType))].join(', ')}`}): ${names}`;
}

/** Every grid tab in tab order, hidden ones included; the others are named in one line. */
function everyTab(meta: SpreadsheetMeta, events: ExportEvents): Picked[] {
  const tabs = tabsInOrder(meta);
  const skipped = tabs.filter((t) => t.sheetType !== 'GRID');
  if (skipped.length > 0) events.emit('warning', skippedLine(skipped), 'notice');
  const grid = tabs.filter((t) => t.sheetType === 'GRID');
  if (grid.length === 0) throw new NotFoundError('the spreadsheet has no grid tabs to export (only charts)');
  return grid.map((sheet) => ({
    range: resolveRange({ kind: 'name', name: sheet.title }, meta),
    source: { title: sheet.title, gid: sheet.sheetId },
  }));
}

/** The cells a range names, as typed (`A2:F`, `B3`); none for a whole tab or a name. */
function cellsOf(a1: A1): string | undefined {
  if (a1.kind !== 'range' || (a1.start === undefined && a1.end === undefined)) return undefined;
  const cells = formatA1({ kind: 'range', start: a1.start, end: a1.end });
  const [first, last] = cells.split(':');
  return first === last ? first : cells;
}

/** The named range a bare name stands for (a name that is no tab's title), as resolveRange looks it up. */
function namedRangeOf(a1: A1, meta: SpreadsheetMeta): string | undefined {
  if (a1.kind !== 'name') return undefined;
  const found = lookUpName(meta, a1.name);
  return found?.kind === 'named' ? found.named.name : undefined;
}

function picked(meta: SpreadsheetMeta, ranges: readonly A1[], gid: number | undefined): Picked[] {
  return ranges.map((a1) => {
    const range = resolveRange(a1, meta, gid);
    const source = { title: range.sheet.title, gid: range.sheet.sheetId, cells: cellsOf(a1), named: namedRangeOf(a1, meta) };
    return { range, source, asked: formatA1(a1) };
  });
}

export async function exportFolder(options: FolderExportOptions): Promise<FolderExport> {
  const begun = performance.now();
  const ref: SpreadsheetRef = typeof options.spreadsheet === 'string' ? parseSpreadsheetRef(options.spreadsheet) : options.spreadsheet;
  const events = options.events ?? new ExportEvents();
  const settings = { rereads: options.rereads ?? 0, backoff: options.backoff, signal: options.signal, events };
  // Nothing is published before the end: rows that moved under the run are read again from the start.
  const { result, retries } = await rereadWhileMoving(settings, `the folder ${options.output}`, (figures) =>
    exportOnce(options, ref, events, figures),
  );
  return { manifest: result, retries, seconds: (performance.now() - begun) / 1000 };
}

/** One read of every range into the folder, committed as a set; any failure leaves the folder as it was. */
async function exportOnce(
  options: FolderExportOptions,
  ref: SpreadsheetRef,
  events: ExportEvents,
  figures: Readonly<ReadFigures>,
): Promise<Manifest> {
  const exportedAt = new Date().toISOString();
  const extension = `.${options.format}${options.gzip ? '.gz' : ''}`;
  // A file that fails (a full disk) stops the run at once, with the file's own error.
  const { controller, dispose } = linkedController(options.signal);
  let folder: FolderSet;
  try {
    folder = await openFolder(options.output, {
      gzip: options.gzip,
      label: options.outputLabel ?? '-o',
      onError: (error) => controller.abort(error),
    });
  } catch (error) {
    dispose();
    throw error;
  }
  options.onForcedExit?.(() => folder.discardSync());
  let names: string[] = [];
  try {
    const result = await exportRangesTo(
      { ...options, spreadsheet: ref, events, signal: controller.signal },
      {
        format: options.format,
        select(meta) {
          const picks = options.ranges === undefined ? everyTab(meta, events) : picked(meta, options.ranges, ref.gid);
          names = fileNames(
            picks.map((p) => p.source),
            extension,
          );
          return picks.map(({ range, asked }, i) => ({ range, asked, file: names[i] }));
        },
        open: ({ file }) => folder.open(file as string),
      },
    );
    // A signal during the run's last moments still means "leave the folder as it was".
    controller.signal.throwIfAborted();
    const written = await folder.finish();
    const manifest: Manifest = {
      spreadsheet: ref.id,
      title: result.meta.title ?? '',
      locale: result.meta.locale,
      timeZone: result.meta.timeZone,
      format: options.format,
      exported_at: exportedAt,
      requests: figures.requests,
      boundaries: result.boundaries,
      rereads: figures.rereads,
      files: result.written.map((w, i) => ({
        file: names[i] as string,
        sheet: w.range.sheet.title,
        gid: w.range.sheet.sheetId,
        range: describeRange(w.range),
        rows: w.rows,
        columns: w.columns,
        bytes: written[i]?.bytes ?? 0,
        sha256: written[i]?.sha256 ?? '',
        schema: w.schema,
      })),
    };
    controller.signal.throwIfAborted();
    await folder.commit(manifestText(manifest));
    return manifest;
  } catch (error) {
    await folder.discard();
    // Only a file's own errors are output errors; anything else keeps its meaning.
    const path = folder.failedPath(error);
    throw path === undefined ? error : outputError(error, path);
  } finally {
    dispose();
  }
}
