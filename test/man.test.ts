/**
 * The man page is made from the option table: every option of every command is in it, in its
 * command's section, and it is roff that a formatter reads without a warning. The build writes it
 * where package.json's "man" points.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manPage, roffText } from '../src/options/man.js';
import { COMMAND_NAMES, OPTION_LIST, flagOf, optionsFor } from '../src/options/table.js';

const ROOT = new URL('../', import.meta.url);
const PACKAGE = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string; man: string[]; files: string[] };
const PAGE = manPage(PACKAGE.version);

/** The page's text under a `.SH`/`.SS` heading, up to the next heading of the same or a higher level. */
function section(page: string, heading: string): string {
  const start = page.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const level = heading.slice(0, 3);
  const next = page.slice(start + heading.length + 2).search(level === '.SH' ? /^\.SH /m : /^\.S[HS] /m);
  return next < 0 ? page.slice(start) : page.slice(start, start + heading.length + 2 + next);
}

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe('the man page', () => {
  it('opens with .TH, the name and section, and the version; NAME, SYNOPSIS, OPTIONS, EXIT STATUS follow', () => {
    const lines = PAGE.split('\n');
    expect(lines.find((l) => l.startsWith('.') && !l.startsWith('.\\"'))).toBe(
      `.TH SHEETPIPE 1 "" "sheetpipe ${PACKAGE.version}" "User Commands"`,
    );
    const headings = lines.filter((l) => l.startsWith('.SH ')).map((l) => l.slice(4));
    expect(headings.slice(0, 3)).toEqual(['NAME', 'SYNOPSIS', 'DESCRIPTION']);
    for (const h of ['OPTIONS', 'EXAMPLES', 'ENVIRONMENT', 'EXIT STATUS']) expect(headings).toContain(h);
    expect(section(PAGE, '.SH NAME')).toContain('sheetpipe \\- stream a Google Sheets range');
  });

  it("holds every option of the table, each in its command's section, with its help", () => {
    expect(OPTION_LIST.length).toBeGreaterThan(20);
    for (const command of COMMAND_NAMES) {
      const defs = optionsFor(command).filter((d) => d.group !== 'General');
      if (defs.length === 0) continue;
      const text = section(PAGE, `.SS "sheetpipe ${command === 'export' ? '[export]' : command}"`);
      for (const d of defs) {
        expect(text, `${command} ${flagOf(d)}`).toContain(`\\fB${roffText(flagOf(d))}\\fR`);
        if (d.short) expect(text, `${command} -${d.short}`).toContain(`\\fB\\-${d.short}\\fR`);
        if (d.negatable) expect(text, `${command} --no-${d.name}`).toContain(`\\fB${roffText(`--no-${d.name}`)}\\fR`);
        expect(text, `${command} ${flagOf(d)}`).toContain(roffText(d.help));
      }
    }
    const every = section(PAGE, '.SS Every command');
    for (const d of OPTION_LIST.filter((o) => o.group === 'General')) expect(every).toContain(`\\fB${roffText(flagOf(d))}\\fR`);
  });

  it('uses only man(7) requests and macros, and no line of text starts as a control line', () => {
    const KNOWN = ['TH', 'SH', 'SS', 'TP', 'PP', 'RS', 'RE', 'nf', 'fi', 'ad', 'nh', '\\"'];
    const controls = PAGE.split('\n').filter((l) => l.startsWith('.') || l.startsWith("'"));
    expect(controls.length).toBeGreaterThan(50);
    for (const line of controls) expect(KNOWN, line).toContain(/^[.'](\\"|\w+)/.exec(line)?.[1]);
    expect(PAGE).not.toMatch(/[^\x20-\x7e\n]/);
  });

  it('is what the build wrote where package.json says, and the package ships it', () => {
    // A list: npm 11 links the pages of a list only.
    expect(PACKAGE.man).toEqual(['./dist/man/sheetpipe.1']);
    expect(PACKAGE.files).toContain('dist');
    expect(readFileSync(new URL(PACKAGE.man[0] as string, ROOT), 'utf8')).toBe(PAGE);
  });

  it('renders without a warning, showing every option and the demo', (ctx) => {
    if (!has('groff')) {
      console.log('skipped: groff is not installed, so the page is not rendered here');
      ctx.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'sheetpipe-man-'));
    try {
      const file = join(dir, 'sheetpipe.1');
      writeFileSync(file, PAGE);
      const lint = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', file], { encoding: 'utf8' });
      expect([lint.status, lint.stderr]).toEqual([0, '']);
      // Plain text: no bold or underline by overstriking or escape sequences.
      const render = spawnSync('groff', ['-man', '-Tutf8', '-P-cbou', file], {
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C.UTF-8' },
      });
      expect(render.status, render.stderr).toBe(0);
      const text = render.stdout;
      expect(text).toMatch(/^SHEETPIPE\(1\) +User Commands +SHEETPIPE\(1\)$/m);
      for (const d of OPTION_LIST) expect(text, flagOf(d)).toContain(flagOf(d));
      expect(text).toContain("sheetpipe 1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms 'Orders!A:F' > orders.csv");
      expect(text).toContain('export SHEETPIPE_ENDPOINT=http://127.0.0.1:8089/');
      expect(text, 'a glyph outside ASCII').toContain('(1–64)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
