/**
 * Ranges that could be read two ways, and ranges that hold no cells, through the real binaries:
 * `sheetpipe emulator --data Data.csv --data Q1.csv` serves tabs 'Data' and 'Q1' (1000 × 26 grids).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmulatorProcess, describeResult, expectExit, runCli, startEmulatorProcess } from './harness.js';

let dir: string;
let emu: EmulatorProcess;
let base: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sheetpipe-ranges-'));
  writeFileSync(join(dir, 'Data.csv'), 'id,name\n1,Ada\n2,Bob\n');
  writeFileSync(join(dir, 'Q1.csv'), 'quarter,total\nQ1,100\n');
  emu = await startEmulatorProcess(['--data', join(dir, 'Data.csv'), '--data', join(dir, 'Q1.csv')]);
  base = ['--endpoint', emu.endpoint, emu.spreadsheet, '--max-rpm', '0'];
});

afterAll(async () => {
  const code = await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('a cell that is also a tab title', () => {
  it('`Q1` is refused as ambiguous: exit 2, one line that shows both spellings, no output', async () => {
    const r = await runCli([...base, 'Q1']);
    expectExit(r, 2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `sheetpipe: range "Q1" is both a cell and a tab: write 'Q1' for the tab or Data!Q1 for the cell (in a shell, keep the quotes: "'Q1'")\n`,
    );
  });

  it('matches the title case-insensitively, and refuses before writing -o', async () => {
    const out = join(dir, 'q1.csv');
    const r = await runCli([...base, 'q1', '-o', out]);
    expectExit(r, 2);
    expect(r.stderr).toContain(`write 'Q1' for the tab or Data!Q1 for the cell`);
    expect(readdirSync(dir).sort()).toEqual(['Data.csv', 'Q1.csv']);
  });

  it("each spelling it shows exports what it says: 'Q1' the tab, Data!Q1 the cell", async () => {
    const tab = await runCli([...base, "'Q1'", '-q']);
    expectExit(tab, 0);
    expect(tab.stdout).toBe('quarter,total\nQ1,100\n');
    const cell = await runCli([...base, 'Data!A2', '-q']);
    expectExit(cell, 0);
    expect(cell.stdout).toBe('1\n');
  });

  it('a cell-shaped text that names no tab keeps its meaning', async () => {
    const r = await runCli([...base, 'B3', '-q']);
    expectExit(r, 0);
    expect(r.stdout).toBe('Bob\n');
  });
});

describe('a range that starts past the grid', () => {
  // 'Data' is 1000 × 26: GAP2 is far past its columns, A2000 past its rows.
  it.each(['gap2', 'A2000', 'Data!GAP2000'])('%s: exit 0, no output, one warning, no negative figure', async (range) => {
    const r = await runCli([...base, range]);
    expectExit(r, 0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(
      lines.filter((l) => /warning/.test(l)),
      describeResult(r),
    ).toHaveLength(1);
    const summary = lines.filter((l) => !/warning/.test(l));
    expect(summary, describeResult(r)).toHaveLength(1);
    expect(summary[0]).toMatch(/^sheetpipe: 0 rows × /);
    // No figure is negative: no '-' before a digit anywhere in the line.
    expect(summary[0], describeResult(r)).not.toMatch(/-\s*[\d,]*\d/);
  });
});
