/**
 * README's runnable samples, and the little shell syntax needed to run them as a shell would.
 *
 * A sample is a fenced block right after a marker line `<!-- test: NAME (CHECK) -->`: invisible on
 * the rendered page, it names the sample and the check that runs it. Pure functions: no I/O.
 */

export interface Sample {
  name: string;
  check: string;
  lang: string;
  body: string;
  /** 1-based line of the marker, for messages. */
  line: number;
}

export interface FencedBlock {
  lang: string;
  body: string;
  line: number;
  /** The marker right above it, if any. */
  marker?: { name: string; check: string };
}

const MARKER = /^<!-- test: ([\w-]+) \(([\w-]+)\) -->$/;

/** Every fenced block of a Markdown text, with the marker above it when there is one. */
export function fencedBlocks(text: string): FencedBlock[] {
  const lines = text.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i] as string);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README line ${i + 1}: a fence that is never closed`);
    const marked = MARKER.exec(lines[i - 1] ?? '');
    blocks.push({
      lang: open[1] as string,
      body: lines.slice(i + 1, end).join('\n'),
      line: i + 1,
      ...(marked ? { marker: { name: marked[1] as string, check: marked[2] as string } } : {}),
    });
    i = end;
  }
  return blocks;
}

/** The marked blocks, and how many marker lines the text holds (a marker without a block below it is a mistake). */
export function readmeSamples(text: string): { samples: Sample[]; markers: number } {
  const samples = fencedBlocks(text).flatMap((b) =>
    b.marker ? [{ name: b.marker.name, check: b.marker.check, lang: b.lang, body: b.body, line: b.line - 1 }] : [],
  );
  const markers = text.split('\n').filter((l) => l.startsWith('<!-- test:')).length;
  return { samples, markers };
}

/** One `$ command` of a transcript and the lines it prints. */
export interface Step {
  command: string;
  expected: string[];
}

/** A transcript block: `$ ` lines are commands, the lines under each are what it prints. */
export function transcript(body: string): Step[] {
  const steps: Step[] = [];
  for (const line of body.split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [] });
    else if (steps.length === 0) throw new Error(`a transcript starts with a "$ " command, not ${JSON.stringify(line)}`);
    else (steps.at(-1) as Step).expected.push(line);
  }
  return steps;
}

interface Scanned {
  /** The command split at top-level `|` (not `||`), each stage trimmed. */
  stages: string[];
  /** The words, quotes removed (no expansions: the samples need none). */
  words: string[];
}

/** Scans a one-line command the way sh tokenises it: quotes, backslashes, pipes, a trailing comment. */
function scan(command: string): Scanned {
  const stages: string[] = [];
  const words: string[] = [];
  let stage = '';
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  const add = (text: string, raw = text) => {
    word += text;
    inWord = true;
    stage += raw;
  };
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    const next = command[i + 1] ?? '';
    if (quote === "'") {
      if (c === "'") quote = undefined;
      add(c === "'" ? '' : c, c);
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      if (c === '\\' && '"\\$`'.includes(next) && next !== '') {
        add(next, c + next);
        i++;
      } else add(c === '"' ? '' : c, c);
    } else if (c === "'" || c === '"') {
      quote = c;
      add('', c);
    } else if (c === '\\') {
      add(next, c + next);
      i++;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === '|' && next !== '|' && command[i - 1] !== '|') {
      endWord();
      stages.push(stage.trim());
      stage = '';
    } else if (/\s/.test(c)) {
      endWord();
      stage += c;
    } else add(c);
  }
  if (quote) throw new Error(`unclosed ${quote} in ${command}`);
  endWord();
  stages.push(stage.trim());
  return { stages, words };
}

/** `a | b | c` → ['a', 'b', 'c']; `a || b` stays whole; a trailing `# comment` is dropped. */
export function pipelineStages(command: string): string[] {
  return scan(command).stages;
}

/** The words of a simple command, quotes removed: `duckdb -c "SELECT 1"` → ['duckdb', '-c', 'SELECT 1']. */
export function words(command: string): string[] {
  return scan(command).words;
}

/** `sheetpipe emulator [ARGS] [> /dev/null] & [# comment]`: a line that starts an emulator in the background. */
export interface EmulatorLine {
  /** The arguments, `--port N` left out. */
  args: string[];
  /** The port README gives it (`--port N`), or undefined for the default. */
  port?: number;
  /** Its stdout goes to /dev/null, so a transcript shows nothing for it. */
  silent: boolean;
}

export function emulatorLine(line: string): EmulatorLine | undefined {
  const m = /^sheetpipe emulator((?: [^&#>]*)?)(> \/dev\/null )?&(\s+#.*)?$/.exec(line.replace(/\s+(?=&|>)/g, ' '));
  if (!m) return undefined;
  const all = (m[1] as string).trim().split(/\s+/).filter(Boolean);
  const at = all.indexOf('--port');
  const port = at >= 0 ? Number(all[at + 1]) : undefined;
  const args = at >= 0 ? [...all.slice(0, at), ...all.slice(at + 2)] : all;
  return { args, ...(port === undefined ? {} : { port }), silent: m[2] !== undefined };
}
