// A build of another commit of this repository, for a scenario that compares the working tree's
// build with an earlier one in the same run: the commit's files (`git archive`) in the run's temp
// folder, the repository's node_modules linked in, and that commit's own `npm run build`.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, log, tmpPath, track } from './harness.js';

/** Runs `command ...args` in `cwd` as its own process group (reaped with the harness); resolves with its stdout. */
function exec(command, args, { cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }), { group: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0
        ? resolve(stdout.trim())
        : reject(new Error(`${command} ${args.join(' ')} exited ${signal ?? code}: ${(stderr || stdout).trim().slice(-600)}`)),
    );
  });
}

/** The commit `ref` names in this repository: its full and short hashes. */
export async function commitOf(ref) {
  const commit = await exec('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new Error(`${ref} names no commit of this repository`);
  });
  return { commit, short: await exec('git', ['rev-parse', '--short', commit]) };
}

/**
 * Builds the commit `ref` names in a folder of its own; resolves with its hashes, `cli` (its
 * bin/sheetpipe.js) and `remove()`. The folder goes with remove(), or on a failed build, and in any
 * case with the harness's temp folder.
 */
export async function buildAt(ref) {
  const { commit, short } = await commitOf(ref);
  const dir = tmpPath(`build-${short}`);
  const remove = () => rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  try {
    const tar = join(dir, 'source.tar');
    await exec('git', ['archive', '--format=tar', '-o', tar, commit]);
    await exec('tar', ['-xf', tar, '-C', dir]);
    rmSync(tar);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    log(`building ${short} in ${dir}...`);
    await exec('npm', ['run', 'build'], { cwd: dir });
  } catch (error) {
    remove();
    throw error;
  }
  return { commit, short, cli: join(dir, 'bin', 'sheetpipe.js'), remove };
}
