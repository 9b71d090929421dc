/**
 * CSV read back as Python's csv module reads it (the excel dialect, as pandas and most loaders
 * do): what a consumer sees of an export. Plain code on purpose; Python itself is not needed.
 *
 * The rule that matters here: csv.reader gives an empty line as a record with no fields (`[]`),
 * and csv.DictReader skips such records, as pandas skips blank lines (skip_blank_lines=True).
 */

/** The records of `text` as csv.reader yields them: an empty line is `[]`, a line `""` is `['']`. */
export function pythonCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  const lineEnd = (at: number): boolean => text[at] === '\n' || text[at] === '\r';
  const skipLineEnd = (): void => {
    if (text.startsWith('\r\n', i)) i += 2;
    else if (lineEnd(i)) i += 1;
  };
  while (i < text.length) {
    if (lineEnd(i)) {
      skipLineEnd();
      records.push([]);
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i += 1;
        while (i < text.length) {
          if (text[i] !== '"') field += text[i++];
          else if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i += 1;
            break;
          }
        }
      }
      // Outside quotes (and, leniently, after a closing quote) a field runs to the next comma or line end.
      while (i < text.length && text[i] !== ',' && !lineEnd(i)) field += text[i++];
      fields.push(field);
      if (text[i] !== ',') break;
      i += 1;
    }
    skipLineEnd();
    records.push(fields);
  }
  return records;
}

/** The rows csv.DictReader yields: keyed by the first record, records with no fields skipped. */
export function dictReaderRows(text: string): Record<string, string | undefined>[] {
  const [names = [], ...records] = pythonCsvRecords(text);
  return records.filter((record) => record.length > 0).map((record) => Object.fromEntries(names.map((name, c) => [name, record[c]])));
}
