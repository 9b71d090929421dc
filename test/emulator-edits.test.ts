/**
 * The emulator edited while it serves (the `edit` fault and `--edit`): rows inserted, deleted,
 * reordered or appended once a chosen values request is answered, seen by every later request,
 * the metadata's grid size included.
 */
import { describe, expect, it } from 'vitest';
import { parseEdit } from '../src/emulator/args.js';
import { type Emulator, type FaultRule, type RowEdit, memoryTab, startEmulator } from '../src/emulator/index.js';
import { UsageError } from '../src/shared/errors.js';

const ROWS = Array.from({ length: 10 }, (_, i) => [`r${i + 1}`, i + 1]);

async function withEdit<T>(edit: RowEdit, run: (read: (range: string) => Promise<unknown[][]>, emu: Emulator) => Promise<T>): Promise<T> {
  const faults: FaultRule[] = [{ fault: 'edit', edit, match: { requests: [1] } }];
  const emu = await startEmulator({ port: 0, tabs: [memoryTab({ title: 'Data', rows: ROWS, gridRows: 12 })], faults });
  const read = async (range: string) => {
    const res = await fetch(
      `${emu.url}v4/spreadsheets/${emu.spreadsheetId}/values/${encodeURIComponent(range)}?valueRenderOption=UNFORMATTED_VALUE`,
    );
    return ((await res.json()) as { values?: unknown[][] }).values ?? [];
  };
  try {
    return await run(read, emu);
  } finally {
    await emu.stop();
  }
}

const rowCount = async (emu: Emulator) => {
  const res = await fetch(`${emu.url}v4/spreadsheets/${emu.spreadsheetId}?fields=sheets.properties.gridProperties.rowCount`);
  return ((await res.json()) as { sheets: { properties: { gridProperties: { rowCount: number } } }[] }).sheets[0]?.properties.gridProperties
    .rowCount;
};

describe('an edit made while the emulator serves', () => {
  it('the request it follows reads the sheet as it was; later ones read it edited', async () => {
    await withEdit({ kind: 'insert', at: 3, rows: 2 }, async (read, emu) => {
      expect(await read('Data!A1:B4')).toEqual(ROWS.slice(0, 4));
      expect(await read('Data!A1:B6')).toEqual([
        ROWS[0],
        ROWS[1],
        ['edit 1: new row 1 of 2'],
        ['edit 1: new row 2 of 2'],
        ROWS[2],
        ROWS[3],
      ]);
      expect(await rowCount(emu)).toBe(14);
    });
  });

  it('delete: the rows below move up, the grid shrinks', async () => {
    await withEdit({ kind: 'delete', at: 2, rows: 3 }, async (read, emu) => {
      await read('Data!A1');
      expect(await read('Data!A1:B12')).toEqual([ROWS[0], ...ROWS.slice(4)]);
      expect(await rowCount(emu)).toBe(9);
    });
  });

  it('reorder: the rows in reverse', async () => {
    await withEdit({ kind: 'reorder', at: 4, rows: 3 }, async (read) => {
      await read('Data!A1');
      expect(await read('Data!A3:B7')).toEqual([ROWS[2], ROWS[5], ROWS[4], ROWS[3], ROWS[6]]);
    });
  });

  it('change: new values in rows that stay where they are, the grid unchanged', async () => {
    await withEdit({ kind: 'change', at: 2, rows: 2 }, async (read, emu) => {
      await read('Data!A1');
      expect(await read('Data!A1:B4')).toEqual([ROWS[0], ['edit 1: changed row 1 of 2'], ['edit 1: changed row 2 of 2'], ROWS[3]]);
      expect(await rowCount(emu)).toBe(12);
    });
  });

  it('any fault may carry an edit: a cut answer, then the edit before it is continued', async () => {
    const faults: FaultRule[] = [{ fault: 'truncate', edit: { kind: 'delete', at: 1, rows: 1 }, match: { requests: [1] } }];
    const emu = await startEmulator({ port: 0, tabs: [memoryTab({ title: 'Data', rows: ROWS, gridRows: 12 })], faults });
    try {
      const url = (range: string) => `${emu.url}v4/spreadsheets/${emu.spreadsheetId}/values/${encodeURIComponent(range)}`;
      // The first answer is cut mid-body (its body ends early, or the read fails); either way it is not whole JSON.
      const cut = await fetch(url('Data!A1:B3'))
        .then((res) => res.text())
        .catch(() => '');
      expect(() => JSON.parse(cut) as unknown).toThrow();
      const after = (await (await fetch(`${url('Data!A1:B2')}?valueRenderOption=UNFORMATTED_VALUE`)).json()) as { values: unknown[][] };
      expect(after.values).toEqual([ROWS[1], ROWS[2]]);
    } finally {
      await emu.stop();
    }
  });

  it('append: new rows after the last row holding data, the grid grown when they need it', async () => {
    await withEdit({ kind: 'append', rows: 3, tab: 'data' }, async (read, emu) => {
      await read('Data!A1');
      expect((await read('Data')).slice(9)).toEqual([
        ROWS[9],
        ['edit 1: new row 1 of 3'],
        ['edit 1: new row 2 of 3'],
        ['edit 1: new row 3 of 3'],
      ]);
      expect(await rowCount(emu)).toBe(15);
    });
  });

  it('a bad edit is refused when the emulator starts', async () => {
    const bad = (edit: RowEdit) => startEmulator({ port: 0, faults: [{ fault: 'edit', edit }] });
    await expect(bad({ kind: 'insert', rows: 2 })).rejects.toThrow(
      'fault rule 1: insert needs the row it is made at (at ≥ 1), got undefined',
    );
    await expect(bad({ kind: 'delete', at: 1, rows: 0 })).rejects.toBeInstanceOf(UsageError);
    await expect(startEmulator({ port: 0, faults: [{ fault: 'edit' }] })).rejects.toThrow(/an edit rule needs `edit`/);
  });
});

describe('--edit', () => {
  it('KIND:ROW:ROWS@N, append:ROWS@N, a tab in front', () => {
    expect(parseEdit('insert:1500:3@2')).toEqual({ edit: { kind: 'insert', at: 1500, rows: 3, tab: undefined }, after: 2 });
    expect(parseEdit('append:5@1')).toEqual({ edit: { kind: 'append', at: undefined, rows: 5, tab: undefined }, after: 1 });
    expect(parseEdit("Q1 '24!reorder:2:10@4")).toEqual({ edit: { kind: 'reorder', at: 2, rows: 10, tab: "Q1 '24" }, after: 4 });
  });

  it.each(['insert:3@2', 'append:1:2@1', 'shuffle:1:2@1', 'insert:1:2', 'insert:0:2@1', 'delete:1:2@0'])(
    'refuses %s with one line',
    (spec) => {
      expect(() => parseEdit(spec)).toThrow(UsageError);
      expect(() => parseEdit(spec)).toThrow(
        /^--edit ".*": .* \(KIND:ROW:ROWS@N, e\.g\. insert:1500:3@2, or append:ROWS@N; KIND is insert, delete, reorder, change, append\)$/,
      );
    },
  );
});
