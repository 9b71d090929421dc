/**
 * `sheetpipe [export] <spreadsheet> [range...]`: one range to stdout or to a file written
 * atomically (gzipped when its name ends .gz), or several ranges — or every tab — into a folder as
 * one set; progress and a summary on stderr.
 */
import type { A1 } from '../sheet/a1.js';
import { stdoutFailure } from '../output/destination.js';
import { ExitCode, SELF_CHANGING, SheetMovedError } from '../shared/errors.js';
import type { ExportConfig } from '../options/config.js';
import { exportConfig } from '../options/config.js';
import { engineSettings } from '../engine/settings.js';
import { type CommandIo, type Command, loadWhileCheckingCredentials } from './context.js';

export const run: Command = async ({ values, positionals }, io) => {
  const config = exportConfig(values, positionals, io.env, {
    stdoutIsTTY: Boolean(io.stdout.isTTY),
    stderrIsTTY: Boolean(io.stderr.isTTY),
  });
  io.setVerbose(config.verbose);
  return config.folder ? exportToFolder(config, config.folder.ranges, io) : exportOne(config, io);
};

/** The progress display of a run (a NDJSON object export writes no header line); the edge's own lines go through it. */
async function progressFor(
  config: ExportConfig,
  io: CommandIo,
  attach: typeof import('./progress.js').attachProgress,
  events: import('../engine/run.js').ExportEvents,
) {
  const progress = await attach(events, {
    stream: io.stderr,
    mode: config.progress,
    quiet: config.quiet,
    verbose: config.verbose,
    header: config.header && config.format !== 'ndjson',
  });
  io.printLinesWith(progress.print);
  return progress;
}

async function exportOne(config: ExportConfig, io: CommandIo): Promise<number> {
  // What stdout needs is loaded, no more: files and gzip only when written.
  const [{ exportToStream, ExportEvents }, { attachProgress, formatSummary }, { rereadWhileMoving }, files, bytes] =
    await loadWhileCheckingCredentials(
      config,
      Promise.all([
        import('../engine/run.js'),
        import('./progress.js'),
        import('../engine/rereads.js'),
        config.output ? import('../output/sink.js') : undefined,
        config.gzip ? import('../output/file-bytes.js') : undefined,
      ]),
    );
  const events = new ExportEvents();
  const progress = await progressFor(config, io, attachProgress, events);
  const options = {
    ...engineSettings(config),
    spreadsheet: config.spreadsheet,
    range: config.range,
    format: config.format,
    env: io.env,
    signal: io.signal,
    events,
  };
  try {
    if (!files || config.output === undefined) {
      const summary = await exportToStream(options, io.stdout);
      progress.stop('done');
      if (!config.quiet) io.stderr.write(`${formatSummary(summary, 'stdout')}\n`);
      return ExitCode.ok;
    }
    const path = config.output;
    // Nothing is published before the rename: rows that moved under the export are read again from the start.
    const begun = performance.now();
    const reread = await rereadWhileMoving({ rereads: config.rereads, signal: io.signal, events }, path, async () => {
      const sink = await files.openFileSink(path);
      io.onForcedExit(sink.discardSync);
      const chain = bytes ? bytes.byteChain(sink.stream, { gzip: true }) : undefined;
      try {
        const written = await exportToStream(options, chain?.input ?? sink.stream);
        await chain?.done;
        // A signal during the export's last moments still means "leave the old file".
        io.signal.throwIfAborted();
        await sink.commit();
        return written;
      } catch (error) {
        await sink.discard();
        // Only the file's own errors are output errors; anything else keeps its meaning.
        throw sink.failedWith(error) ? files.outputError(error, path) : error;
      }
    });
    progress.stop('done');
    const { result, rereads, requests, retries } = reread;
    const summary = { ...result, rereads, requests, retries, seconds: (performance.now() - begun) / 1000 };
    if (!config.quiet) io.stderr.write(`${formatSummary(summary, path)}\n`);
    return ExitCode.ok;
  } catch (error) {
    progress.stop('failed');
    throw config.output === undefined ? stdoutError(error) : error;
  }
}

/** What stdout's failures mean: its own write errors as output errors; rows that moved, as an output cut short. */
function stdoutError(error: unknown): unknown {
  if (error instanceof SheetMovedError) {
    return new SheetMovedError(
      error.moved,
      `the sheet was being edited, so the output is incomplete: it stops after sheet row ${error.moved.row}; write with -o FILE, which re-reads automatically; ${SELF_CHANGING}`,
    );
  }
  return stdoutFailure(error) ?? error;
}

async function exportToFolder(config: ExportConfig, ranges: readonly A1[] | undefined, io: CommandIo): Promise<number> {
  const [{ exportFolder }, { ExportEvents }, { attachProgress, formatFolderSummary }] = await loadWhileCheckingCredentials(
    config,
    Promise.all([import('../engine/folder-export.js'), import('../engine/run.js'), import('./progress.js')]),
  );
  const events = new ExportEvents();
  const progress = await progressFor(config, io, attachProgress, events);
  const folder = config.output as string;
  try {
    const { manifest, retries, seconds } = await exportFolder({
      ...engineSettings(config),
      spreadsheet: config.spreadsheet,
      output: folder,
      ranges,
      format: config.format,
      gzip: config.gzip,
      rereads: config.rereads,
      env: io.env,
      signal: io.signal,
      events,
      onForcedExit: io.onForcedExit,
    });
    progress.stop('done');
    if (!config.quiet) {
      const { files, requests, boundaries, rereads } = manifest;
      const summary = { files, requests, retries, boundaries, rereads, seconds };
      io.stderr.write(`${formatFolderSummary(summary, folder).join('\n')}\n`);
    }
    return ExitCode.ok;
  } catch (error) {
    progress.stop('failed');
    throw error;
  }
}
