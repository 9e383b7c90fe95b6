/** A progress display for long work, written to stderr. */
export interface Progress {
  /** Adds to the count of finished units. */
  advance(count?: number): void;
  /** Sets the total number of units (it may grow while work streams in). */
  setTotal(total: number): void;
  /** Sets the trailing note, such as a running tally; a function is called only when drawing. */
  setNote(note: string | (() => string)): void;
  /** Clears the display and prints a final line when the work took long enough to show one. */
  finish(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  label: string;
  total?: number;
  /** Where to draw; stderr by default. */
  stream?: NodeJS.WriteStream;
  /** Milliseconds of work before anything is shown, so short work stays quiet (1000 by default). */
  delayMs?: number;
}

const barWidth = 24;

/**
 * Creates a progress bar with rate and ETA. On a terminal it redraws one line at most ten times a
 * second; elsewhere (logs, CI) it prints a plain line every ten percent. Nothing is shown for work
 * that ends within the first second.
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const interactive = stream.isTTY === true;
  const delayMs = options.delayMs ?? 1000;
  const started = performance.now();
  let total = options.total ?? 0;
  let done = 0;
  let note: string | (() => string) = "";
  let lastDraw = 0;
  let lastDecile = -1;
  let shown = false;

  const render = (): string => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * barWidth);
    const eta = rate > 0 && total > done ? formatDuration((total - done) / rate) : "-";
    const bar =
      total > 0
        ? `[${"#".repeat(filled)}${".".repeat(barWidth - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `
        : "";
    const text = typeof note === "function" ? note() : note;
    return `${options.label} ${bar}${done}/${total || "?"} ${formatRate(rate)} elapsed ${formatDuration(elapsed)} eta ${eta}${text ? ` ${text}` : ""}`;
  };

  const draw = (force = false) => {
    const now = performance.now();
    if (now - started < delayMs && !force) return;
    if (interactive) {
      if (!force && now - lastDraw < 100) return;
      lastDraw = now;
      shown = true;
      stream.write(`\r\x1b[2K${render().slice(0, (stream.columns ?? 120) - 1)}`);
      return;
    }
    const decile = total > 0 ? Math.floor((done / total) * 10) : -1;
    if (decile > lastDecile || force) {
      lastDecile = decile;
      shown = true;
      stream.write(`${render()}\n`);
    }
  };

  return {
    advance(count = 1) {
      done += count;
      draw();
    },
    setTotal(value) {
      total = value;
      draw();
    },
    setNote(value) {
      note = value;
    },
    finish() {
      if (!shown && performance.now() - started < delayMs) return;
      if (interactive) stream.write(`\r\x1b[2K${render()}\n`);
      else if (lastDecile < 10 || total === 0) draw(true);
    },
  };
}

function formatRate(rate: number): string {
  return rate >= 100 ? `${Math.round(rate)}/s` : `${rate.toFixed(1)}/s`;
}

/** Formats seconds as `m:ss` or `h:mm:ss`. */
function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
