import { availableParallelism } from "node:os";
import { join } from "node:path";
import pidusage from "pidusage";
import workerpool from "workerpool";
import { reasonToSkip, type Analysis } from "../engine/analyse.js";
import type { AnalysisRequest, FileAnalyser } from "../engine/file-analyser.js";
import { packageRoot } from "../package-root.js";
import { DEFAULT_FILE_BUDGET, type FileBudget } from "./file-budget.js";

export interface ProcessPoolOptions {
  budget?: FileBudget;
  /** Processes analysing at once; up to 4, one per CPU. */
  processes?: number;
  /** The compiled worker; the one in `dist/` unless told otherwise. */
  workerScript?: string;
  /** Reads a process's resident memory (bytes) and CPU time (ms); `pidusage` unless told otherwise. */
  measure?: Measure;
}

export type Measure = (pid: number, done: (error: Error | null, stats: { memory: number; ctime: number }) => void) => void;

/** How often a busy process's CPU time and memory are read: often enough to stop a parse on its way to gigabytes. */
const POLL_MS = 50;

/**
 * Wall-clock time a task may take beyond its CPU budget — to wait for a process to boot, or on
 * a busy machine — before it is given up: the backstop for a process that hangs without working.
 */
const WALL_CLOCK_ALLOWANCE_MS = 30_000;

/**
 * Analyses files in a pool of child processes, each file under a time and memory budget. A file
 * over budget has its process killed (a native parse cannot be interrupted any other way) and
 * comes back as a note saying it was skipped; the pool starts a fresh process for the next file.
 */
export class ProcessPoolAnalyser implements FileAnalyser {
  readonly #pool: workerpool.Pool;
  readonly #budget: FileBudget;
  readonly #measure: Measure;

  constructor(options: ProcessPoolOptions = {}) {
    this.#budget = options.budget ?? DEFAULT_FILE_BUDGET;
    this.#measure = options.measure ?? pidusage;
    this.#pool = workerpool.pool(options.workerScript ?? join(packageRoot(), "dist", "src", "sandbox", "analysis-worker.js"), {
      workerType: "process",
      maxWorkers: options.processes ?? Math.min(4, availableParallelism()),
      // A process over budget is stuck in native code: it cannot clean up, so do not wait for it to.
      workerTerminateTimeout: 100,
      // Not the parent's flags (a test runner's loaders, an inspector port): the worker is plain JavaScript.
      forkOpts: { execArgv: [] },
    });
  }

  async analyse(request: AnalysisRequest): Promise<Analysis> {
    const skipped = reasonToSkip(request.source);
    if (skipped) return { findings: [], notes: [{ path: request.path, message: skipped }] };
    let watch: BudgetWatch | undefined;
    const task = this.#pool.exec("analyse", [request], {
      // The budget starts when a process starts on the file, not while a fresh process boots.
      on: (event: { pid?: number; cpuMs?: number }) => {
        if (event.pid !== undefined) watch = watchBudget(event.pid, event.cpuMs ?? 0, this.#budget, this.#measure, () => task.cancel());
      },
    });
    try {
      const analysis = (await task.timeout(this.#budget.timeMs + WALL_CLOCK_ALLOWANCE_MS)) as Analysis;
      // The budget could not be watched: say so, rather than let it lapse unseen.
      const blind = watch?.probeFailure;
      return blind
        ? {
            ...analysis,
            notes: [
              ...analysis.notes,
              {
                path: request.path,
                message: `was analysed without its CPU and memory budget: the process could not be measured (${blind}); only the ${Math.round((this.#budget.timeMs + WALL_CLOCK_ALLOWANCE_MS) / 1000)} s wall-clock limit applied`,
              },
            ],
          }
        : analysis;
    } catch (error) {
      return { findings: [], notes: [{ path: request.path, message: this.#failure(error, watch?.exceeded) }] };
    } finally {
      watch?.stop();
    }
  }

  async close(): Promise<void> {
    await this.#pool.terminate(true);
    pidusage.clear();
  }

  #failure(error: unknown, exceeded: Exceeded | undefined): string {
    if (exceeded === "memory") return `needed more than ${this.#budget.memoryMb} MB to analyse (the per-file budget); skipped`;
    if (exceeded === "time") return `took more than ${this.#budget.timeMs / 1000} s of CPU time to analyse (the per-file budget); skipped`;
    if (error instanceof workerpool.Promise.TimeoutError) return `could not be analysed within ${(this.#budget.timeMs + WALL_CLOCK_ALLOWANCE_MS) / 1000} s; skipped`;
    return `could not be analysed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}; skipped`;
  }
}

type Exceeded = "time" | "memory";

interface BudgetWatch {
  readonly exceeded: Exceeded | undefined;
  /** Why the process could not be measured, once that happened several times in a row. */
  readonly probeFailure: string | undefined;
  stop(): void;
}

/** Failed measurements in a row before the watch counts as blind (one can fail as the process ends); the first one counts at once. */
const BLIND_AFTER_FAILURES = 3;

/**
 * Watches the process working on one file: calls `onExceeded` once, when the file has used more
 * CPU time than the budget (counted from `startCpuMs`, the process's CPU time when it started on
 * the file) or the process's resident memory has passed it.
 */
function watchBudget(pid: number, startCpuMs: number, budget: FileBudget, measure: Measure, onExceeded: () => void): BudgetWatch {
  let exceeded: Exceeded | undefined;
  let stopped = false;
  let failuresInARow = 0;
  let probeFailure: string | undefined;
  const exceed = (what: Exceeded) => {
    if (stopped || exceeded) return;
    exceeded = what;
    onExceeded();
  };
  const check = (first: boolean) =>
    measure(pid, (error, stats) => {
      if (error) {
        // The process has just started on the file, so a first failure cannot be its exit.
        if (!stopped && (first || ++failuresInARow >= BLIND_AFTER_FAILURES)) probeFailure ??= error.message;
        return;
      }
      failuresInARow = 0;
      if (stats.memory > budget.memoryMb * 1024 * 1024) exceed("memory");
      else if (stats.ctime - startCpuMs > budget.timeMs) exceed("time");
    });
  check(true);
  const poll = setInterval(() => check(false), POLL_MS);
  poll.unref();
  return {
    get exceeded() {
      return exceeded;
    },
    get probeFailure() {
      return probeFailure;
    },
    stop: () => {
      stopped = true;
      clearInterval(poll);
    },
  };
}
