/**
 * `sheetpipe completion bash|zsh|fish`: prints the shell's completion script, made from the option table.
 */
import { ExitCode } from '../shared/errors.js';
import { completionShell } from '../options/config.js';
import type { Command } from './context.js';

export const run: Command = async ({ positionals }, io) => {
  const shell = completionShell(positionals);
  const { completionScript } = await import('../options/completion.js');
  io.stdout.write(completionScript(shell));
  return ExitCode.ok;
};
