/**
 * One request's life: attempts, each with a timeout on the server; retry with backoff; a range
 * that times out twice is read in halves; an answer cut midway continues from its first row not
 * yet read, so that nothing is lost or written twice.
 *
 * An answer's rows are written only once it is known good: the scanner refuses one whose envelope
 * is not the API's before its first row, and the rows of an answer refused later (a duplicate
 * `values`, bytes after its end, a bad row) are dropped, not counted, and read again. The rows of
 * an answer that broke off (a reset, a stall) are good as far as they came: the next attempt
 * starts after them.
 *
 * The timeout measures the server, not us: it runs while we wait for the answer to begin and
 * between its parts, and stops while we wait for the destination (a slow reader is not a stall).
 *
 * `--retries` counts failures in a row that delivered no rows: an attempt that brought rows before
 * it broke is progress, and the next one starts afresh from where it stopped.
 */
import type { SheetsApi } from '../google/api.js';
import { PartWriter } from '../transcode/part-writer.js';
import { MalformedAnswer, ValuesScanner, type ValuesHandler } from '../transcode/scanner.js';
import { type AttemptContext, AttemptTimeout, backOff, factsOf } from './attempts.js';
import type { Part } from './part.js';
import { AttemptsFailed, classify, describeFailure } from './retry.js';
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
  writer?: PartWriter;
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
  rowStart(): void {
    (this.current as PartWriter).rowStart();
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
  rowEnd(): void {
    (this.current as PartWriter).rowEnd();
  }
  rangeEnd(index: number): void {
    (this.current as PartWriter).rangeEnd();
    this.ranges = index + 1;
  }
  rangeEcho(index: number, range: string): void {
    (this.current as PartWriter).rangeEcho(index, range);
  }
}

/** Marks a piece read whole: the rows its answer left out are empty rows; its rows are committed. */
function completePiece(piece: Piece): void {
  if (piece.done) return;
  piece.done = true;
  const writer = piece.writer as PartWriter;
  writer.finish();
  writer.commit();
  if (writer.range !== undefined) piece.part.echo = writer.range;
  piece.part.nextRow = piece.last + 1;
  if (piece.part.nextRow > piece.part.lastRow) piece.part.complete();
}

/** An answer too large to hold: what it holds so far is written, and the piece remembers it. */
function spillIfLarge(piece: Piece): void {
  const writer = piece.writer;
  if (!writer || writer.answerBytes <= ANSWER_HOLD_BYTES) return;
  writer.commit();
  piece.spilled = true;
}

/** One attempt: the answer streamed through the scanner into the pieces' writers. */
async function attempt(pieces: Piece[], batch: boolean, ctx: ReadContext, signal: AbortSignal, timer: ServerTimer): Promise<void> {
  const ranges = pieces.map((p) => p.part.a1(p.first, p.last));
  let scanner: ValuesScanner | undefined;
  const start = (): ValuesScanner => {
    for (const piece of pieces) {
      const writer = new PartWriter(piece.part.target() as NonNullable<ReturnType<Part['target']>>, piece.last - piece.first + 1);
      writer.onRangeEnd = () => (piece.ended = true);
      writer.onEcho = (echo) => piece.part.echoed(echo);
      piece.writer = writer;
    }
    const handler = batch ? new BatchRouter(pieces) : (pieces[0]?.writer as PartWriter);
    scanner = new ValuesScanner(handler, batch ? 'batch' : 'value-range');
    return scanner;
  };
  // Only a lone part read ahead can be unplaceable: batch parts are whole ranges, always heads.
  const raw = pieces.length === 1 && pieces[0]?.part.target() === undefined ? (pieces[0] as Piece).part : undefined;
  if (!raw) start();

  timer.waiting();
  const body = batch ? await ctx.api.openBatch(ranges, signal) : await ctx.api.openValues(ranges[0] as string, signal);
  try {
    for await (const chunk of body) {
      timer.notWaiting();
      if (scanner) {
        scanner.push(chunk);
        pieces.forEach(spillIfLarge);
      } else if (raw) {
        raw.raw.push(chunk);
        raw.rawBytes += chunk.length;
        if (raw.target() !== undefined) replay(start(), raw);
      }
      await deliver(pieces, ctx, signal);
      timer.waiting();
    }
    timer.notWaiting();
    if (!scanner && raw) {
      await untilAborted(raw.placeable(), signal);
      replay(start(), raw);
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
    pieces.forEach(completePiece);
    await deliver(pieces, ctx, signal);
  } finally {
    body.destroy();
  }
}

function replay(scanner: ValuesScanner, part: Part): void {
  const kept = part.raw;
  part.dropRaw();
  for (const chunk of kept) scanner.push(chunk);
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
  let attempts = 0;
  let failures = 0;
  let timeouts = 0;
  let halved = false;
  let partLimit = request.parts.length;
  let rowLimit = Number.POSITIVE_INFINITY;
  for (;;) {
    const live = request.parts.filter((p) => !p.done);
    if (live.length === 0) return;
    const pieces: Piece[] = live.slice(0, partLimit).map((part) => ({
      part,
      first: part.nextRow,
      last: request.batch ? part.lastRow : Math.min(part.lastRow, part.nextRow + rowLimit - 1),
      ended: false,
      done: false,
      spilled: false,
    }));
    await ctx.gate.acquire(ctx.signal);
    // acquire() may return without waiting; a listener added to an aborted signal never fires.
    ctx.signal.throwIfAborted();
    attempts += 1;
    ctx.onRequest?.(request.label, attempts);

    const { controller, dispose } = linkedController(ctx.signal);
    let timedOut = false;
    const timer = new ServerTimer(ctx.timeoutMs, () => {
      timedOut = true;
      controller.abort(new AttemptTimeout(`timed out after ${ctx.timeoutMs} ms`));
    });
    let error: unknown;
    try {
      await attempt(pieces, request.batch, ctx, controller.signal, timer);
    } catch (caught) {
      error = caught;
    } finally {
      timer.notWaiting();
      dispose();
    }

    if (error === undefined) {
      timeouts = 0;
      failures = 0;
      halved = false;
      continue;
    }

    const facts = factsOf(error, timedOut, ctx.signal.aborted);
    const classification = classify(facts);
    if (classification.kind === 'aborted') throw ctx.signal.reason;
    const reason = describeFailure(facts, ctx.timeoutMs);
    // A refused answer counts for nothing: its rows are dropped and read again. Rows of an answer
    // that broke off came from the API as far as they go: they stand, and the next attempt starts
    // after them.
    const refused = classification.kind === 'malformed' && facts.truncated !== true;
    let progress = false;
    let spilled = false;
    for (const piece of pieces) {
      const writer = piece.writer;
      if (piece.done) {
        progress = true;
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
      if (piece.ended || writer.rows === piece.last - piece.first + 1) {
        completePiece(piece);
        progress = true;
      } else {
        writer.commit();
        if (writer.rows > 0) {
          piece.part.nextRow = piece.first + writer.rows;
          progress = true;
        }
      }
    }
    if (spilled) {
      // Rows of it are written already: reading it again would write them twice.
      const final = { kind: classification.kind, retryable: false };
      throw new AttemptsFailed(final, facts, attempts, false, `${reason}, after rows of it were written`, { cause: error });
    }
    if (!classification.retryable) throw new AttemptsFailed(classification, facts, attempts, false, reason, { cause: error });
    if (progress) {
      failures = 0;
      timeouts = 0;
      // Every row asked for came whole: nothing is asked again, so nothing is a retry.
      if (request.parts.every((p) => p.done)) return;
      ctx.onRetry?.({
        label: request.label,
        attempt: attempts,
        delayMs: 0,
        kind: classification.kind,
        reason: `${reason}; continuing where it stopped`,
      });
      continue;
    }
    failures += 1;
    if (failures > ctx.retries) throw new AttemptsFailed(classification, facts, attempts, true, reason, { cause: error });
    if (classification.kind === 'timeout') {
      timeouts += 1;
      const rows = (pieces[0] as Piece).last - (pieces[0] as Piece).first + 1;
      // A stall is usually passing: the same range is tried again first, and halved only when it
      // stalls again. Once halving has helped nothing yet, the next stall halves at once.
      if ((timeouts >= 2 || halved) && (pieces.length > 1 || (!request.batch && rows > 1))) {
        timeouts = 0;
        halved = true;
        let smaller: string;
        if (pieces.length > 1) {
          partLimit = Math.ceil(pieces.length / 2);
          smaller = `${partLimit} ranges at a time`;
        } else {
          rowLimit = Math.ceil(rows / 2);
          smaller = `${rowLimit} rows at a time`;
        }
        ctx.onRetry?.({
          label: request.label,
          attempt: attempts,
          delayMs: 0,
          kind: classification.kind,
          reason: `${reason}; reading it ${smaller}`,
        });
        continue;
      }
    }
    await backOff(ctx, { label: request.label, attempt: attempts, kind: classification.kind, reason }, failures, facts.retryAfter);
  }
}
