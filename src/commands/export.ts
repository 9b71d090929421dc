/**
 * `sheetpipe [export] <spreadsheet> [range]`: one range to stdout or to a file written atomically,
 * with progress and a summary on stderr.
 */
import { ExitCode } from '../errors.js';
import { exportConfig } from '../options/config.js';
import { checkCredentials, engineSettings } from '../options/library.js';
import type { Command } from './context.js';

export const run: Command = async ({ values, positionals }, io) => {
  const config = exportConfig(values, positionals, io.env, { stdoutIsTTY: Boolean(io.stdout.isTTY), stderrIsTTY: Boolean(io.stderr.isTTY) });
  io.setVerbose(config.verbose);
  // The engine loads while the credentials file is read.
  const modules = Promise.all([import('../run.js'), import('../progress.js'), config.output ? import('../sink.js') : undefined]);
  // Left behind if the check throws: its failure (a broken install) is reported when awaited, not as a crash.
  modules.catch(() => undefined);
  await checkCredentials(config.credentials, '--credentials');
  const [{ exportToStream, ExportEvents }, { attachProgress, formatSummary }, files] = await modules;

  const events = new ExportEvents();
  const progress = attachProgress(events, { stream: io.stderr, mode: config.progress, quiet: config.quiet, verbose: config.verbose, header: config.header });
  const sink = files && config.output ? await files.openFileSink(config.output) : undefined;
  if (sink) io.onForcedExit(sink.discardSync);
  try {
    const summary = await exportToStream(
      { ...engineSettings(config), spreadsheet: config.spreadsheet, range: config.range, format: config.format, env: io.env, signal: io.signal, events },
      sink ? sink.stream : io.stdout,
    );
    // A signal during the export's last moments still means "leave the old file".
    io.signal.throwIfAborted();
    await sink?.commit();
    progress.stop('done');
    if (!config.quiet) io.stderr.write(`${formatSummary(summary, config.output ?? 'stdout')}\n`);
    return ExitCode.ok;
  } catch (error) {
    progress.stop('failed');
    await sink?.discard();
    // Only the file's own errors are output errors; anything else keeps its meaning.
    if (files && sink?.failedWith(error)) throw files.outputError(error, config.output as string);
    throw error;
  }
};
