/**
 * The process edge's library warnings: each one line under --verbose, as it comes; the credential
 * probe's warning held until the run ends, and dropped when the run failed on credentials.
 */
import { describe, expect, it } from 'vitest';
import { libraryWarnings } from '../src/cli.js';
import { AuthError, NotFoundError } from '../src/shared/errors.js';

const warning = (name: string, message: string) => Object.assign(new Error(message), { name });
const PROBE = warning('MetadataLookupWarning', 'received unexpected error = read ECONNRESET code = ECONNRESET');

function recorder() {
  const lines: string[] = [];
  return { lines, warnings: libraryWarnings((line) => lines.push(line)) };
}

describe('library warnings', () => {
  it('any other warning is one line, at once', () => {
    const { lines, warnings } = recorder();
    warnings.raised(warning('DeprecationWarning', 'this is old\n    at somewhere (file.js:1:1)'));
    expect(lines).toEqual(['sheetpipe: warning: DeprecationWarning: this is old']);
    warnings.settled(new AuthError('no Google credentials found'));
    warnings.raised(warning('ExperimentalWarning', 'new'));
    expect(lines).toHaveLength(2);
  });

  it.each([
    ['the run failed on credentials', new AuthError('no Google credentials found'), []],
    [
      'the run succeeded',
      undefined,
      ['sheetpipe: warning: MetadataLookupWarning: received unexpected error = read ECONNRESET code = ECONNRESET'],
    ],
    [
      'the run failed otherwise',
      new NotFoundError('no such tab'),
      ['sheetpipe: warning: MetadataLookupWarning: received unexpected error = read ECONNRESET code = ECONNRESET'],
    ],
  ])('the credential probe: held while the run goes on; when %s, what is shown of it, before or after the end', (_, failure, shown) => {
    const before = recorder();
    before.warnings.raised(PROBE);
    expect(before.lines).toEqual([]);
    before.warnings.settled(failure);
    expect(before.lines).toEqual(shown);

    const after = recorder();
    after.warnings.settled(failure);
    after.warnings.raised(PROBE);
    expect(after.lines).toEqual(shown);
  });
});
