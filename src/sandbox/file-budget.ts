import { z } from "zod";

/**
 * What one file may cost to analyse. tree-sitter-elixir's parse time grows with the square of
 * the `do … -> … end` blocks in a file, and a native parse cannot be interrupted in-process: a
 * crafted file is stopped by killing the process that parses it.
 */
export interface FileBudget {
  /**
   * CPU time for one file. CPU time, not wall-clock: a busy machine slows every file down, but
   * only a pathological one burns seconds of CPU.
   */
  timeMs: number;
  /** Resident memory of the analysing process, its own ~60 MB included. */
  memoryMb: number;
}

/** Ordinary files take well under a second and 150 MB; the crafted files take 4–8 s and up to 1.7 GB. */
export const DEFAULT_FILE_BUDGET: FileBudget = { timeMs: 5_000, memoryMb: 512 };

const positiveInteger = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be above zero`);

const environment = z.object({
  OTP_REVIEW_FILE_TIME_MS: positiveInteger("OTP_REVIEW_FILE_TIME_MS").optional(),
  OTP_REVIEW_FILE_MEMORY_MB: positiveInteger("OTP_REVIEW_FILE_MEMORY_MB").optional(),
  OTP_REVIEW_ANALYSIS_PROCESSES: positiveInteger("OTP_REVIEW_ANALYSIS_PROCESSES").optional(),
});

/** The budget and pool size an operator set in the environment; defaults for what is unset. Throws on invalid values. */
export function sandboxSettingsFromEnv(env: NodeJS.ProcessEnv): { budget: FileBudget; processes?: number } {
  const parsed = environment.safeParse(env);
  if (!parsed.success) throw new Error(`otp-review: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
  const { OTP_REVIEW_FILE_TIME_MS: timeMs, OTP_REVIEW_FILE_MEMORY_MB: memoryMb, OTP_REVIEW_ANALYSIS_PROCESSES: processes } = parsed.data;
  return {
    budget: { timeMs: timeMs ?? DEFAULT_FILE_BUDGET.timeMs, memoryMb: memoryMb ?? DEFAULT_FILE_BUDGET.memoryMb },
    ...(processes === undefined ? {} : { processes }),
  };
}
