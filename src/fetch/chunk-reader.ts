/**
 * One request's attempts: each with a timeout on the server, each answer's rows committed or
 * rolled back, and its RetryPolicy asked what a failure leads to (wait, read on where it stopped,
 * read in halves, or fail).
 *
 * An answer's rows are written only once it is known good: the scanner refuses one whose envelope
 * is not the API's before its first row, and the rows of an answer refused later (a duplicate
 * `values`, bytes after its end, a bad row) are dropped, not counted as progress, and read again.
 * The rows of an answer that broke off (a reset, a stall) are good as far as they came: they are
 * progress, and the next attempt starts after them.
 *
 * The timeout measures the server, not us: it runs while we wait for the answer to begin and
 * between its parts, and stops while we wait for the destination (a slow reader is not a stall).
 */
import type { SheetsApi } from '../google/api.js';
import { type AttemptFailure, startsPastGrid } from '../google/failure.js';
import { InternalError, SheetMovedError } from '../shared/errors.js';
import { PartWriter, type RowSpan } from '../transcode/part-writer.js';
import { MalformedAnswer, ValuesScanner, type ValuesHandler } from '../transcode/scanner.js';
import { type AttemptContext, AttemptTimeout, factsOf, waitToRetry } from './attempts.js';
import { EMPTY_ROW, rowText } from './boundary.js';
import type { Part } from './part.js';
import { AttemptsFailed, classify, describeFailure } from './retry.js';
import { type AttemptSize, type Delivered, RetryPolicy } from './retry-policy.js';
import { linkedController, untilAborted } from '../shared/signals.js';

export interface Request {
  /** For messages: `chunk 3/40 ('Data'!A2201:Z2400)`. */
  label: string;
  parts: Part[];
  /** values:batchGet of several whole small ranges, rather than values.get of one part. */
  batch: boolean;
}

export interface ReadContext extends AttemptContext {
  api: SheetsApi;
  /** Writes what a head part has read so far. */
  deliver(part: Part): Promise<void>;
  /** Resolves when parts reading ahead may take more bytes; undefined when they may now. */
  room(): Promise<void> | undefined;
  /** Each read after a range's first asks for the row before it, to compare (boundary.ts). */
  boundaryCheck: boolean;
}

/** A timer that fires when the server has been silent for `ms` while we waited on it. */
class ServerTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly onSilence: () => void,
  ) {}

  waiting(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onSilence, this.ms);
  }

  notWaiting(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * An answer's rows are held until it is known good, up to this many bytes; past them they are
 * written as they come (only a --chunk-rows far above the cell budget gets there), and a refusal
 * after that fails the request for good rather than write rows twice.
 */
const ANSWER_HOLD_BYTES = 8 * 1024 * 1024;

interface Piece {
  part: Part;
  first: number;
  last: number;
  /** Read to the end of the tab: the part's last rows, its end row not named. */
  open: boolean;
  /** The answer begins with row first − 1, to be compared (boundary.ts). */
  asksRowBefore: boolean;
  writer?: PartWriter;
  /** The last row of the piece this attempt read, as its JSON text. */
  lastRead?: Buffer;
  /** Its ValueRange closed in the answer. */
  ended: boolean;
  /** Read whole in this attempt: its rows are committed and the part moved on. */
  done: boolean;
  /** Rows of this answer were written before it was known good. */
  spilled: boolean;
}

/** batchGet answers: the i-th ValueRange belongs to the i-th piece. */
class BatchRouter implements ValuesHandler {
  private current: PartWriter | undefined;
  ranges = 0;

  constructor(private readonly pieces: readonly Piece[]) {}

  rangeStart(index: number): void {
    const piece = this.pieces[index];
    if (!piece) throw new MalformedAnswer(`more than the ${this.pieces.length} ranges asked for came back`);
    this.current = piece.writer as PartWriter;
    this.current.rangeStart();
  }
  rowStart(offset: number): void {
    (this.current as PartWriter).rowStart(offset);
  }
  stringCell(buf: Buffer, start: number, end: number, flags: number): void {
    (this.current as PartWriter).stringCell(buf, start, end, flags);
  }
  numberCell(buf: Buffer, start: number, end: number): void {
    (this.current as PartWriter).numberCell(buf, start, end);
  }
  boolCell(value: boolean): void {
    (this.current as PartWriter).boolCell(value);
  }
  rowEnd(offset: number): void {
    (this.current as PartWriter).rowEnd(offset);
  }
  rangeEnd(index: number): void {
    (this.current as PartWriter).rangeEnd();
    this.ranges = index + 1;
  }
  rangeEcho(index: number, range: string): void {
    (this.current as PartWriter).rangeEcho(index, range);
  }
}

/**
 * Marks a piece read whole: the rows its answer left out are empty rows; its rows are committed.
 * Its last row, as read, is what the next read must agree with: the next piece of the part, or the
 * part after it.
 */
function completePiece(piece: Piece): void {
  if (piece.done) return;
  piece.done = true;
  const writer = piece.writer as PartWriter;
  writer.finish();
  writer.commit();
  const { part } = piece;
  if (writer.range !== undefined) part.echo = writer.range;
  // Row `last` came, or is a trailing empty row the API left out.
  const last = writer.rows === rowsOf(piece) ? (piece.lastRead ?? EMPTY_ROW) : EMPTY_ROW;
  part.nextRow = piece.last + 1;
  if (part.nextRow > part.lastRow || piece.open) {
    // An early read may be whole before it is linked to the part after it (read-ranges.ts).
    if (part.after) part.after.readEarlier(last);
    else part.endRow = last;
    part.resumeRow = undefined;
    part.complete();
  } else {
    part.resumeRow = last;
  }
}

/** An answer too large to hold: what it holds so far is written, and the piece remembers it. */
function spillIfLarge(piece: Piece): void {
  const writer = piece.writer;
  if (!writer || writer.answerBytes <= ANSWER_HOLD_BYTES) return;
  writer.commit();
  piece.spilled = true;
}

/**
 * The answer's bytes from where a row may still be asked for: the chunks the scanner was given,
 * kept (not copied) from the start of the earliest row a writer may need, the rest let go.
 */
class AnswerText {
  private readonly chunks: { at: number; bytes: Buffer }[] = [];
  private received = 0;

  add(chunk: Buffer): void {
    this.chunks.push({ at: this.received, bytes: chunk });
    this.received += chunk.length;
  }

  /** Lets go of what lies wholly before `offset`. */
  keepFrom(offset: number): void {
    while (this.chunks.length > 1 && (this.chunks[1] as { at: number }).at <= offset) this.chunks.shift();
  }

  /** A row's JSON text, as compared (boundary.ts rowText). */
  row({ start, end }: RowSpan): Buffer {
    const out = Buffer.allocUnsafe(end - start);
    for (const { at, bytes } of this.chunks) {
      const from = Math.max(start, at);
      const to = Math.min(end, at + bytes.length);
      if (from < to) bytes.copy(out, from - start, from - at, to - at);
    }
    return rowText(out);
  }
}

/** The row before a piece, as this answer gives it: compared with the part before, or with this part's earlier read. */
function checkRowBefore(piece: Piece, row: Buffer, label: string): void {
  const { part } = piece;
  if (piece.first === part.spec.firstRow) {
    // A part read ahead compares as soon as both rows are in; the head before its first row is written.
    part.before?.readLater(row);
    return;
  }
  const resumed = part.resumeRow;
  if (!resumed) throw new InternalError(`${label} continues at row ${piece.first} with no row before it kept`);
  if (!resumed.equals(row)) {
    const range = part.rangeText ?? part.a1(part.spec.firstRow, part.lastRow);
    throw new SheetMovedError({ kind: 'changed', range, row: piece.first - 1, earlier: label, later: label });
  }
}

/** One attempt: the answer streamed through the scanner into the pieces' writers. */
async function attempt(pieces: Piece[], request: Request, ctx: ReadContext, signal: AbortSignal, timer: ServerTimer): Promise<void> {
  const { batch } = request;
  const ranges = pieces.map((p) => p.part.a1(p.asksRowBefore ? p.first - 1 : p.first, p.open ? 'end' : p.last));
  const text = new AnswerText();
  let scanner: ValuesScanner | undefined;
  const start = (): ValuesScanner => {
    for (const piece of pieces) {
      const target = piece.part.target() as NonNullable<ReturnType<Part['target']>>;
      const writer = new PartWriter(target, piece.open ? Number.POSITIVE_INFINITY : rowsOf(piece), piece.asksRowBefore);
      writer.onRangeEnd = () => (piece.ended = true);
      writer.onEcho = (echo) => piece.part.echoed(echo);
      writer.onRowBefore = (span) => checkRowBefore(piece, span ? text.row(span) : EMPTY_ROW, request.label);
      piece.writer = writer;
    }
    const handler = batch ? new BatchRouter(pieces) : (pieces[0]?.writer as PartWriter);
    scanner = new ValuesScanner(handler, batch ? 'batch' : 'value-range');
    return scanner;
  };
  const feed = (chunk: Buffer): void => {
    text.add(chunk);
    (scanner as ValuesScanner).push(chunk);
    text.keepFrom(Math.min(...pieces.map((p) => p.writer?.keepFrom ?? Number.POSITIVE_INFINITY)));
  };
  // The last row each piece read, as its text: what the next read of the range must agree with.
  const keepLastRows = (): void => {
    for (const piece of pieces) if (piece.writer?.lastRow) piece.lastRead = text.row(piece.writer.lastRow);
  };
  // Only a lone part can be unplaceable (read ahead, or early before its typed output takes rows): batch parts are heads of outputs that do.
  const raw = pieces.length === 1 && pieces[0]?.part.target() === undefined ? (pieces[0] as Piece).part : undefined;
  if (!raw) start();

  timer.waiting();
  const body = batch ? await ctx.api.openBatch(ranges, signal) : await ctx.api.openValues(ranges[0] as string, signal);
  try {
    for await (const chunk of body) {
      timer.notWaiting();
      if (scanner) {
        feed(chunk);
        pieces.forEach(spillIfLarge);
      } else if (raw) {
        raw.raw.push(chunk);
        raw.rawBytes += chunk.length;
        if (raw.target() !== undefined) {
          start();
          replay(raw, feed);
        }
      }
      await deliver(pieces, ctx, signal);
      timer.waiting();
    }
    timer.notWaiting();
    if (!scanner && raw) {
      await untilAborted(raw.placeable(), signal);
      start();
      replay(raw, feed);
    }
    const whole = scanner as ValuesScanner;
    whole.end();
    // Ranges left out went missing where the answer ended.
    const offset = whole.bytes;
    if (batch) {
      const seen = pieces.filter((p) => p.ended).length;
      if (seen !== pieces.length) throw new MalformedAnswer(`${seen} of the ${pieces.length} ranges asked for came back`, { offset });
    } else if (!(pieces[0] as Piece).ended) {
      throw new MalformedAnswer('the answer ended without its range', { offset });
    }
    // The whole answer is the API's: its rows may be written.
    keepLastRows();
    pieces.forEach(completePiece);
    await deliver(pieces, ctx, signal);
  } catch (error) {
    // Rows of an answer that broke off stand as far as they came: the last is what the next must agree with.
    keepLastRows();
    throw error;
  } finally {
    body.destroy();
  }
}

function replay(part: Part, feed: (chunk: Buffer) => void): void {
  const kept = part.raw;
  part.dropRaw();
  for (const chunk of kept) feed(chunk);
}

/** Hands head parts' rows to the destination; parts reading ahead wait while the window is full. */
async function deliver(pieces: Piece[], ctx: ReadContext, signal: AbortSignal): Promise<void> {
  for (const piece of pieces) {
    if (piece.part.head) await ctx.deliver(piece.part);
  }
  for (let wait = ctx.room(); wait && pieces.some((p) => !p.part.head); wait = ctx.room()) {
    await untilAborted(wait, signal);
  }
}

/**
 * Reads every part of `request`. Resolves when all are read; rejects with the run signal's reason
 * when the run is cancelled, and with AttemptsFailed when a failure is final or retries ran out.
 */
export async function readRequest(request: Request, ctx: ReadContext): Promise<void> {
  try {
    await readAll(request, ctx);
  } catch (error) {
    // Other requests are aborted with this same error: only the one that failed names it.
    if (error instanceof AttemptsFailed) error.label ??= request.label;
    throw error;
  }
}

async function readAll(request: Request, ctx: ReadContext): Promise<void> {
  const policy = new RetryPolicy(ctx);
  // How much an attempt asks for (ranges of a batch, rows of a single range) until the policy halves it.
  let limit = Number.POSITIVE_INFINITY;
  for (let attempts = 1; ; attempts++) {
    const live = request.parts.filter((p) => !p.done);
    if (live.length === 0) return;
    const pieces = piecesOf(request, live, limit, ctx.boundaryCheck);
    await ctx.gate.acquire(ctx.signal);
    // acquire() may return without waiting; a listener added to an aborted signal never fires.
    ctx.signal.throwIfAborted();
    ctx.onRequest?.(request.label, attempts);

    const failure = await attemptOnce(pieces, request, ctx);
    if (failure === undefined) {
      policy.decide({ result: 'read' });
      continue;
    }

    const { facts } = failure;
    const error = shrankUnder(pieces, request, facts) ?? failure.error;
    if (error instanceof SheetMovedError) {
      // Rows moved between two reads: nothing of this answer is written, and reading it again cannot
      // help. The head stops the run here, every row before the boundary written; a part read ahead
      // stops reading and fails once it becomes the head, when the rows before it are written.
      settle(pieces, true);
      if (live.some((part) => part.head)) throw error;
      for (const part of live) part.fail(error);
      return;
    }
    const classification = classify(facts);
    if (classification.kind === 'aborted') throw ctx.signal.reason;
    const reason = describeFailure(facts, ctx.timeoutMs);
    const refused = classification.kind === 'malformed' && facts.truncated !== true;
    const settled = settle(pieces, refused);
    if (settled === 'spilled') {
      // Rows of it are written already: reading it again would write them twice.
      const final = { kind: classification.kind, retryable: false };
      throw new AttemptsFailed(final, facts, attempts, false, `${reason}, after rows of it were written`, { cause: error });
    }
    const delivered: Delivered = settled === 'nothing' ? 'none' : request.parts.every((p) => p.done) ? 'all' : 'some';
    const size: AttemptSize = request.batch ? { unit: 'parts', count: pieces.length } : { unit: 'rows', count: rowsOf(pieces[0] as Piece) };
    const decision = policy.decide({ result: 'failed', classification, retryAfter: facts.retryAfter, delivered, size });
    const info = { label: request.label, attempt: attempts, kind: classification.kind };
    switch (decision.action) {
      case 'fail':
        throw new AttemptsFailed(classification, facts, attempts, decision.exhausted, reason, { cause: error });
      case 'proceed':
        break;
      case 'resume':
        ctx.onRetry?.({ ...info, delayMs: 0, reason: `${reason}; continuing where it stopped` });
        break;
      case 'halve':
        limit = decision.count;
        ctx.onRetry?.({
          ...info,
          delayMs: 0,
          reason: `${reason}; reading it ${decision.count} ${decision.unit === 'parts' ? 'ranges' : 'rows'} at a time`,
        });
        break;
      case 'wait':
        await waitToRetry(ctx, { ...info, reason }, decision);
        break;
    }
  }
}

/**
 * A read that follows an earlier read of its range (a boundary, or an answer continued) refused as
 * starting past the tab's last row: the metadata's grid held it, so rows were deleted above it since.
 */
function shrankUnder(pieces: Piece[], request: Request, facts: AttemptFailure): SheetMovedError | undefined {
  const piece = pieces[0];
  if (request.batch || !piece || !piece.asksRowBefore || !startsPastGrid(facts)) return undefined;
  const { part } = piece;
  const range = part.rangeText ?? part.a1(part.spec.firstRow, part.lastRow);
  return new SheetMovedError({ kind: 'shrank', range, row: piece.first - 1, later: request.label });
}

/** One attempt under its own controller and server timer: undefined when it read whole, else what went wrong. */
async function attemptOnce(
  pieces: Piece[],
  request: Request,
  ctx: ReadContext,
): Promise<{ error: unknown; facts: AttemptFailure } | undefined> {
  const { controller, dispose } = linkedController(ctx.signal);
  let timedOut = false;
  const timer = new ServerTimer(ctx.timeoutMs, () => {
    timedOut = true;
    controller.abort(new AttemptTimeout(`timed out after ${ctx.timeoutMs} ms`));
  });
  try {
    await attempt(pieces, request, ctx, controller.signal, timer);
    return undefined;
  } catch (error) {
    return { error, facts: factsOf(error, timedOut, ctx.signal.aborted) };
  } finally {
    timer.notWaiting();
    dispose();
  }
}

/**
 * The next attempt's pieces: up to `limit` of a batch's ranges, or up to `limit` rows of a single
 * range from where it stands. A piece not at its range's first row asks for the row before too.
 */
function piecesOf(request: Request, live: Part[], limit: number, boundaryCheck: boolean): Piece[] {
  return live.slice(0, request.batch ? limit : 1).map((part) => {
    const first = part.nextRow;
    // An open part may have read past the row count the metadata had: it reads on to the end.
    const end = Math.max(part.lastRow, first);
    const last = request.batch ? end : Math.min(end, first + limit - 1);
    const open = part.spec.open === true && last === end;
    const asksRowBefore = boundaryCheck && (first > part.spec.firstRow || part.before !== undefined);
    return { part, first, last, open, asksRowBefore, ended: false, done: false, spilled: false };
  });
}

function rowsOf(piece: Piece): number {
  return piece.last - piece.first + 1;
}

/**
 * A failed attempt's rows. A refused answer's are rolled back ('spilled' when some were written
 * before it was known good); a cut one's complete rows are committed and the parts move on past
 * them. 'delivered' when any piece moved on.
 */
function settle(pieces: Piece[], refused: boolean): 'delivered' | 'nothing' | 'spilled' {
  let delivered = false;
  let spilled = false;
  for (const piece of pieces) {
    const writer = piece.writer;
    if (piece.done) {
      delivered = true;
      continue;
    }
    if (!writer) {
      piece.part.dropRaw();
      continue;
    }
    if (refused) {
      spilled ||= piece.spilled;
      writer.rollback();
      continue;
    }
    writer.abort();
    // Every row asked for came whole (only the answer's closing bytes were lost): the piece is read.
    if (piece.ended || (!piece.open && writer.rows === rowsOf(piece))) {
      completePiece(piece);
      delivered = true;
    } else {
      writer.commit();
      if (writer.rows > 0) {
        piece.part.nextRow = piece.first + writer.rows;
        piece.part.resumeRow = piece.lastRead;
        delivered = true;
      }
    }
  }
  return spilled ? 'spilled' : delivered ? 'delivered' : 'nothing';
}
