/**
 * The bar redrawn in place on a terminal's stderr, drawn by cli-progress: at most 10 frames a
 * second, whole lines printed above it, its last frame kept (a run done) or cleared (a run failed).
 * cli-progress is loaded here only, when a bar is drawn: `--version`, `--help`, a piped or a quiet
 * run never pay for it.
 */
import type { MultiBar, Params, SingleBar } from 'cli-progress';
import type { Writable } from 'node:stream';
import type { RunFigures } from './run-figures.js';

const BAR_WIDTH = 24;
const MIN_BAR_WIDTH = 10;
const FRAMES_PER_SECOND = 10;

/** Before the first plan there is nothing to draw; after the run, nothing more is. */
type BarState = { kind: 'waiting' } | { kind: 'drawn'; bar: SingleBar } | { kind: 'last-frame' } | { kind: 'stopped' };

export class TerminalBar {
  private state: BarState = { kind: 'waiting' };
  private readonly bars: MultiBar;

  private constructor(
    cliProgress: typeof import('cli-progress'),
    private readonly stream: Writable,
    private readonly figures: RunFigures,
  ) {
    this.bars = new cliProgress.MultiBar({
      stream,
      format: (_options, params) => this.frame(params),
      fps: FRAMES_PER_SECOND,
      // The terminal's settings (its wrapping, its cursor) are left alone, so that a forced exit leaves
      // it as it was: the frame is cut to the terminal's width here instead.
      linewrap: true,
      hideCursor: false,
      // A failed run's message takes the bar's line; a run done keeps its last frame (see stop).
      clearOnComplete: true,
      // A line printed above the bar clears it: it is drawn again even when its text is the same.
      forceRedraw: true,
      // The process edge owns the signals.
      gracefulExit: false,
    });
  }

  static async open(stream: Writable, figures: RunFigures): Promise<TerminalBar> {
    return new TerminalBar(await import('cli-progress'), stream, figures);
  }

  /** The figures changed: the first plan draws the bar at once; later changes show in the next frame. */
  update(): void {
    const { state, figures } = this;
    if (state.kind === 'waiting' && figures.planned) {
      this.state = { kind: 'drawn', bar: this.bars.create(figures.sheetRows, figures.sheetRowsCovered) };
      this.bars.update();
    } else if (state.kind === 'drawn') {
      state.bar.setTotal(figures.sheetRows);
      state.bar.update(figures.sheetRowsCovered);
    }
  }

  /** A whole line: above the bar while one is drawn (the bar cleared, the line printed, the bar redrawn). */
  print(line: string): void {
    if (this.state.kind === 'drawn') {
      this.bars.log(`${line}\n`);
      this.bars.update();
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** 'done': the last frame, 100 % with the real row count, stays on its line; 'failed': the bar is cleared. */
  stop(outcome: 'done' | 'failed'): void {
    const { state } = this;
    this.state = { kind: 'stopped' };
    if (state.kind !== 'drawn') return;
    if (outcome === 'done') {
      this.state = { kind: 'last-frame' };
      state.bar.update(state.bar.getTotal());
      this.bars.update();
      this.state = { kind: 'stopped' };
      // The last frame's line is ended: stopping then clears only the empty line below it.
      this.stream.write('\n');
    }
    this.bars.stop();
  }

  /** `sheetpipe ████░░ 53% | 1,234 of ~2,000 rows | 5,000 rows/s | ETA 2 s`, never as wide as the terminal. */
  private frame({ progress, maxWidth }: Params): string {
    const text = this.figures.text(this.state.kind === 'last-frame');
    // A line as wide as the terminal wraps, and a wrapped line cannot be redrawn in place: on a
    // narrow terminal the bar shrinks first, then the line is cut.
    const width = maxWidth - 1;
    const size = Math.max(MIN_BAR_WIDTH, Math.min(BAR_WIDTH, width - 'sheetpipe  '.length - text.length));
    const filled = Math.round(progress * size);
    const line = `sheetpipe ${'█'.repeat(filled)}${'░'.repeat(size - filled)} ${text}`;
    return line.slice(0, Math.max(0, width));
  }
}
