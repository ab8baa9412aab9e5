import type { FileAnalyser } from "../engine/file-analyser.js";

/** How long a run goes quietly before it shows progress, and how often the line is redrawn. */
const QUIET_FOR_MS = 1_500;
const REDRAW_EVERY_MS = 250;

/**
 * A line on a terminal that counts the files analysed, for runs long enough to wonder about:
 * nothing for the first second and a half, then redrawn in place, erased when the run ends.
 */
export class Progress {
  #done = 0;
  #shown = false;
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly write: (text: string) => void) {
    const started = Date.now();
    this.#timer = setInterval(() => {
      if (Date.now() - started < QUIET_FOR_MS) return;
      this.#shown = true;
      this.write(`\r\x1b[2Kotp-review: ${this.#done} file${this.#done === 1 ? "" : "s"} analysed…`);
    }, REDRAW_EVERY_MS);
    this.#timer.unref();
  }

  /** The analyser, counting each file it finishes. */
  counting(analyser: FileAnalyser): FileAnalyser {
    return {
      analyse: (request) => analyser.analyse(request).finally(() => this.#done++),
      close: () => analyser.close(),
    };
  }

  stop(): void {
    clearInterval(this.#timer);
    if (this.#shown) this.write("\r\x1b[2K");
  }
}
