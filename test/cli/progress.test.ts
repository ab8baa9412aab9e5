import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Progress } from "../../src/cli/progress.js";
import type { FileAnalyser } from "../../src/engine/file-analyser.js";

const instant: FileAnalyser = { analyse: async () => ({ findings: [], notes: [] }), close: async () => undefined };
const request = { path: "lib/a.ex", source: "", rules: [], options: {}, kind: "production" } as unknown as Parameters<FileAnalyser["analyse"]>[0];

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("the progress line on a terminal", () => {
  it("stays silent for a short run, then counts files in place, and erases itself at the end", async () => {
    const written: string[] = [];
    const progress = new Progress((text) => written.push(text));
    const analyser = progress.counting(instant);

    await analyser.analyse(request);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(written).toEqual([]);

    await analyser.analyse(request);
    await vi.advanceTimersByTimeAsync(750);
    expect(written.at(-1)).toBe("\r\x1b[2Kotp-review: 2 files analysed…");

    progress.stop();
    expect(written.at(-1)).toBe("\r\x1b[2K");
  });

  it("leaves no trace when the run ends before it would show", async () => {
    const written: string[] = [];
    const progress = new Progress((text) => written.push(text));

    await vi.advanceTimersByTimeAsync(500);
    progress.stop();

    expect(written).toEqual([]);
  });
});
